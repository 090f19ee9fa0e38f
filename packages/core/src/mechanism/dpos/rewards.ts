/**
 * dpos elections and the epoch's rewards (index.ts). Each produced batch mints rewardPerBatch;
 * at the epoch transition a sequencer's rewards are split: its commission first, the rest pro
 * rata between its own stake and the delegations that earned through the epoch (not those made
 * during it, still `pending`; a delegation withdrawn mid-epoch earns nothing for that epoch).
 * Undelegated stake is paid back unbondingEpochs (genesis) later. Minting stops at the largest
 * amount: state.supply never exceeds 2^64 - 1.
 */
import { creditAccount } from "../../state/credit.js";
import type { StateDraft } from "../../state/draft.js";
import { retainDelegations, writableDelegation } from "../../state/lists.js";
import { MAX_AMOUNT, type Delegation } from "../../types/ssz.js";
import type { MechanismConfig, WeightedSequencer } from "../types.js";
import type { DposParams } from "./params.js";
import { BPS } from "../../config/ranges.js";


export function electSeats(weights: WeightedSequencer[], seats: number): WeightedSequencer[] {
  if (seats === 0 || weights.length <= seats) return weights;
  const ranked = [...weights].sort((a, b) => (b.weight > a.weight ? 1 : b.weight < a.weight ? -1 : a.index - b.index));
  return ranked.slice(0, seats).sort((a, b) => a.index - b.index);
}

/** Indices into `delegations` of the active delegations of each sequencer. */
export function delegationsBySequencer(delegations: readonly Delegation[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  delegations.forEach((d, k) => {
    if (d.amount === 0n) return;
    const list = out.get(d.sequencerIndex);
    if (list) list.push(k);
    else out.set(d.sequencerIndex, [k]);
  });
  return out;
}

/** Mints and splits the rewards of the batches produced since the last transition. */
export function payRewards(draft: StateDraft, config: MechanismConfig<DposParams>): void {
  const p = config.mechanismParams;
  if (p.rewardPerBatch === 0n) return;
  let bySequencer: Map<number, number[]> | null = null;
  const sequencers = draft.state.sequencers;
  for (let i = 0; i < sequencers.length; i++) {
    const s = sequencers[i];
    const produced = s.produced - s.lastProduced;
    if (produced <= 0) continue;
    const room = MAX_AMOUNT - draft.state.supply;
    const full = BigInt(produced) * p.rewardPerBatch;
    const reward = full < room ? full : room;
    if (reward === 0n) continue;
    draft.state.issued += reward;
    draft.state.supply += reward;
    const pool = reward - (reward * BigInt(s.commissionBps)) / BPS;
    bySequencer ??= delegationsBySequencer(draft.state.delegations);
    const mine = bySequencer.get(i) ?? [];
    let total = s.stake;
    for (const k of mine) total += draft.state.delegations[k].amount;
    let paid = 0n;
    if (total > 0n) {
      for (const k of mine) {
        const d = draft.state.delegations[k];
        const share = (pool * d.amount) / total;
        creditAccount(draft, d.delegator, share);
        paid += share;
      }
    }
    creditAccount(draft, s.account, reward - paid); // commission, its own share, and the rounding dust
  }
}

/**
 * After the rewards: pending delegations start earning; undelegated stake whose unbonding
 * period is over is paid back; empty delegations are dropped.
 */
export function settleDelegations(draft: StateDraft, epoch: number): void {
  const list = draft.state.delegations;
  let emptied = false;
  for (let k = 0; k < list.length; k++) {
    const d = list[k];
    const release = d.unbonding > 0n && d.releaseEpoch <= epoch;
    if (!release && d.pending === 0n) continue;
    const w = writableDelegation(draft, k);
    w.amount += w.pending;
    w.pending = 0n;
    if (release) {
      creditAccount(draft, w.delegator, w.unbonding);
      w.unbonding = 0n;
    }
    if (w.amount === 0n && w.unbonding === 0n) emptied = true;
  }
  if (emptied) retainDelegations(draft, (d) => d.amount > 0n || d.pending > 0n || d.unbonding > 0n);
}
