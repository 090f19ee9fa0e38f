/** The auction's params (docs/mechanisms.md, auction) and the bond they set. */
import { ConfigError } from "../../errors.js";
import type { MechanismConfig, ParamReader } from "../types.js";
import { paramsFor } from "../types.js";

export type PriceRule = "first" | "second";
/** auction: sealed bids (commit, then reveal in the same epoch) for the epoch after next. */
export interface AuctionParams {
  /** k: the top k bids win a seat each (an equal share of the slots) */
  winners: number;
  /** first: a winner pays its bid; second: the highest losing bid (k = 1: Vickrey; k > 1: uniform price) */
  priceRule: PriceRule;
  /** stake a bidder must hold; a winner's is locked until disputeEpochs after its epoch */
  bond: bigint;
  reservePrice: bigint;
  /** slot within the epoch from which reveals are accepted (commits before it) */
  revealOffset: number;
  disputeEpochs: number;
  /** share of the deposit of a bid never revealed that goes to the treasury */
  unrevealedPenaltyBps: number;
}

export function defaultAuctionParams(slotsPerEpoch: number): AuctionParams {
  return {
    winners: 3,
    priceRule: "second",
    bond: 1_000n,
    reservePrice: 0n,
    revealOffset: Math.max(1, Math.floor(slotsPerEpoch / 2)),
    disputeEpochs: 4,
    unrevealedPenaltyBps: 1_000,
  };
}

export function parseAuctionParams(read: ParamReader, slotsPerEpoch: number): AuctionParams {
  if (slotsPerEpoch < 2) throw new ConfigError("slotsPerEpoch", "at least 2 under auction (commits, then reveals, in one epoch)", slotsPerEpoch);
  return {
    winners: read.int("winners", 1, 1 << 16),
    priceRule: read.oneOf("priceRule", ["first", "second"] as const),
    bond: read.amount("bond", 1n),
    reservePrice: read.amount("reservePrice"),
    revealOffset: read.int("revealOffset", 1, slotsPerEpoch - 1),
    // the bond stays locked at least one epoch past the one it buys (unbonding covers the evidence window)
    disputeEpochs: read.int("disputeEpochs", 1, 1 << 16),
    unrevealedPenaltyBps: read.int("unrevealedPenaltyBps", 0, 10_000),
  };
}

/** The params of an auction chain (throws if the chain runs another mechanism). */
export const auctionParams = (config: MechanismConfig): AuctionParams => paramsFor<AuctionParams>("auction", config);

/** The stake a bidder must hold: the bond, and at least minStake. */
export function auctionBond(config: MechanismConfig): bigint {
  const bond = auctionParams(config).bond;
  return bond > config.minStake ? bond : config.minStake;
}
