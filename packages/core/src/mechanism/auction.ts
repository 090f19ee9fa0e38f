/**
 * auction: the right to lead epoch e+2 is sold during epoch e by sealed bids. A bid is a
 * `bid` tx (a commitment to the amount, with a deposit escrowed from the bidder's balance) in
 * the first part of the epoch (slots before mechanismParams.revealOffset), then a `reveal` tx
 * (amount and salt) in the rest of it. At the transition into e+1 the bids for e+2 are settled
 * (auctionSettle.ts): the top `winners` (k) revealed bids win and share the slots of e+2 in
 * proportion to their bids. With no winner for an epoch, every bonded candidate leads with
 * weight 1, so the chain never waits for bidders.
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { BidStatus, TxKind } from "../types/enums.js";
import type { State } from "../types/ssz.js";
import { settleAuction } from "./auctionSettle.js";
import { isCandidate, stakedCandidates } from "./eligible.js";
import { paramsOf } from "./params.js";
import type { Mechanism } from "./types.js";

/** The stake a bidder must hold: the bond, and at least minStake. */
export function auctionBond(config: ChainConfig): bigint {
  const bond = paramsOf(config, "auction").bond;
  return bond > config.minStake ? bond : config.minStake;
}

/** Winning bids of `epoch` as weights (sequencer index order). */
export function auctionWinners(state: State, epoch: number): { index: number; weight: bigint }[] {
  const out = [];
  for (const b of state.bids) {
    if (b.epoch === epoch && b.status === BidStatus.won && isCandidate(state.sequencers[b.sequencerIndex])) {
      out.push({ index: b.sequencerIndex, weight: b.amount });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

export const auctionMechanism: Mechanism = {
  name: "auction",
  txKinds: [TxKind.bid, TxKind.reveal],
  weights(state, config, epoch) {
    const winners = auctionWinners(state, epoch);
    if (winners.length > 0) return winners;
    return stakedCandidates(state.sequencers, config, auctionBond(config)).map((c) => ({ index: c.index, weight: 1n }));
  },
  processEpoch(draft, config, epoch) {
    settleAuction(draft, config, epoch + 1);
  },
};
