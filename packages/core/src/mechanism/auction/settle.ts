/**
 * Settles the sealed-bid auction for `target` (at the transition into target - 1):
 * - a bid never revealed: its deposit is refunded minus unrevealedPenaltyBps (to the treasury),
 *   so a bidder cannot commit many bids and reveal only the convenient one for free — except
 *   in a transition inside a whole-network outage, when nobody could reveal: refunded in full;
 * - a revealed bid whose sequencer can no longer lead (exited, bond gone): refunded;
 * - the others, highest first (ties: the earlier commitment), the top k win a seat each (an
 *   equal share of the slots: index.ts). The price rule: `first`, each winner pays its own
 *   bid; `second`, every winner pays the same uniform price, the highest losing bid (the
 *   (k+1)-th) or the reserve price if there is none (k = 1: a Vickrey auction, like Arbitrum's
 *   express lane; k > 1: the uniform-price auction of k identical seats, in which bidding one's
 *   value is a dominant strategy for a bidder that wants one seat). A winner's own bid never
 *   sets its price under `second`, and never its share under either rule. The price goes to
 *   the treasury, the rest of the deposit back to the bidder, and the winner's bond is locked
 *   until target + disputeEpochs;
 * - losers are refunded in full.
 * Winning bids stay in the state until their epoch is over (committee weights); the rest go.
 */
import { creditAccount } from "../../state/credit.js";
import type { StateDraft } from "../../state/draft.js";
import { retainBids, writableBid } from "../../state/lists.js";
import { BidStatus } from "../../types/enums.js";
import { isCandidate } from "../eligible.js";
import type { EpochMode, MechanismConfig } from "../types.js";
import { auctionBond, type AuctionParams } from "./params.js";
import { BPS } from "../../config/ranges.js";


export function settleAuction(draft: StateDraft, config: MechanismConfig<AuctionParams>, target: number, mode: EpochMode = "normal"): void {
  const p = config.mechanismParams;
  const bond = auctionBond(config);
  const state = draft.state;
  const refund = (k: number, amount: bigint) => creditAccount(draft, state.sequencers[state.bids[k].sequencerIndex].account, amount);
  const valid: number[] = [];
  state.bids.forEach((b, k) => {
    if (b.epoch !== target) return;
    if (b.status === BidStatus.committed) {
      const penalty = mode === "outage" ? 0n : (b.deposit * BigInt(p.unrevealedPenaltyBps)) / BPS;
      state.treasury += penalty;
      refund(k, b.deposit - penalty);
      return;
    }
    const seq = state.sequencers[b.sequencerIndex];
    if (b.status === BidStatus.revealed && isCandidate(seq) && seq.stake >= bond) valid.push(k);
    else refund(k, b.deposit);
  });
  valid.sort((a, b) => (state.bids[b].amount > state.bids[a].amount ? 1 : state.bids[b].amount < state.bids[a].amount ? -1 : a - b));
  const highestLosing = valid.length > p.winners ? state.bids[valid[p.winners]].amount : 0n;
  const uniformPrice = highestLosing > p.reservePrice ? highestLosing : p.reservePrice;
  valid.forEach((k, rank) => {
    const b = state.bids[k];
    if (rank >= p.winners) return refund(k, b.deposit);
    const price = p.priceRule === "first" ? b.amount : uniformPrice;
    state.treasury += price;
    refund(k, b.deposit - price);
    const won = writableBid(draft, k);
    won.status = BidStatus.won;
    won.price = price;
    const seq = draft.sequencer(b.sequencerIndex);
    const until = target + p.disputeEpochs;
    if (seq.bondLockedUntil < until) seq.bondLockedUntil = until;
  });
  // keep: winners whose epoch has not passed, and bids for later epochs
  retainBids(draft, (b) => b.epoch > target || (b.status === BidStatus.won && b.epoch >= target - 1));
}
