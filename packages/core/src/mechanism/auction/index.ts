/**
 * auction: the right to lead epoch e+2 is sold during epoch e by sealed bids. A bid is a
 * `bid` tx (a commitment to the amount, with a deposit escrowed from the bidder's balance) in
 * the first part of the epoch (slots before mechanismParams.revealOffset), then a `reveal` tx
 * (amount and salt) in the rest of it (txs.ts). At the transition into e+1 the bids for e+2
 * are settled (settle.ts): the top `winners` (k) revealed bids win a seat each.
 *
 * A seat is an equal share of the epoch's slots, whatever was bid: a bid buys a seat, never a
 * bigger share, so bidding above one's value cannot buy more slots. A winner's committee
 * weight (its fork-choice and confirmation weight) is its bonded stake, locked until the
 * dispute period after its epoch and slashable: never the bid, which is refunded or paid
 * before the epoch it buys. The bonded candidates that did not win stand behind the winners
 * as fallbacks (no slots of their own, no confirmation weight), so a crashed winner — even a
 * lone one (k = 1) — loses its slots to them, not to nobody. With no winner for an epoch,
 * every bonded candidate holds a seat, weighed by its stake.
 */
import { notAllowed } from "../../state/txChecks.js";
import { BidStatus } from "../../types/enums.js";
import type { Sequencer, State } from "../../types/ssz.js";
import { isCandidate, stakedCandidates } from "../eligible.js";
import type { Mechanism } from "../types.js";
import { auctionBond, defaultAuctionParams, parseAuctionParams, type AuctionParams } from "./params.js";
import { settleAuction } from "./settle.js";
import { bidTx, revealTx } from "./txs.js";

export { auctionBond, auctionParams, type AuctionParams, type PriceRule } from "./params.js";
export { settleAuction } from "./settle.js";
export { auctionPhase, bidCommitment, makeBidTx, makeRevealTx } from "./txs.js";

/** What a sequencer has bonded: its stake (a restake owed was paid out, so it weighs nothing here). */
const bondedStake = (seq: Sequencer): bigint => seq.stake;

/** The winners of `epoch`, each weighed by its bonded stake (not a restake owed: that was paid out), in sequencer index order. */
export function auctionWinners(state: State, epoch: number): { index: number; weight: bigint }[] {
  const out = [];
  for (const b of state.bids) {
    const seq = state.sequencers[b.sequencerIndex];
    if (b.epoch === epoch && b.status === BidStatus.won && isCandidate(seq)) {
      out.push({ index: b.sequencerIndex, weight: bondedStake(seq) });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

export const auctionMechanism: Mechanism<"auction", AuctionParams> = {
  name: "auction",
  defaultParams: defaultAuctionParams,
  parseParams: parseAuctionParams,
  equalShares: true,
  weights(state, config, epoch) {
    const winners = auctionWinners(state, epoch);
    if (winners.length > 0) return winners;
    return stakedCandidates(state.sequencers, auctionBond(config)).map((c) => ({ index: c.index, weight: bondedStake(state.sequencers[c.index]) }));
  },
  fallbacks(state, config, _epoch, leaders) {
    const seated = new Set(leaders.map((l) => l.index));
    return stakedCandidates(state.sequencers, auctionBond(config))
      .filter((c) => !seated.has(c.index))
      .map((c) => ({ index: c.index, weight: bondedStake(state.sequencers[c.index]) }));
  },
  processEpoch(draft, config, epoch, mode) {
    settleAuction(draft, config, epoch + 1, mode);
  },
  txs: [bidTx, revealTx],
  checkUnstake(seq, index, after, config, epoch) {
    if (seq.bondLockedUntil > epoch && after.stake < auctionBond(config)) {
      throw notAllowed(`the bond of sequencer ${index} is locked until epoch ${seq.bondLockedUntil} (dispute period)`);
    }
  },
};
