/**
 * Taking stake away: slashing and governance penalties (a share of everything staked on the
 * sequencer, delegations included) and the restake deadline. All of it is burned; `burned`
 * and `leaked` count native units (token stakes shrink by the same share).
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { effectiveStake, minStakeOf, reduceTokenStakes } from "../mechanism/stake.js";
import { SequencerStatus } from "../types/enums.js";
import type { StateDraft } from "../state/draft.js";
import { writableDelegation, writableUnbonding } from "../state/lists.js";
import { BPS } from "../config/ranges.js";


/** Burns `bps` of sequencer `index`'s stake, token stakes, unbonding withdrawals and delegations (active and unbonding). */
export function burnShare(draft: StateDraft, index: number, bps: number): bigint {
  const b = BigInt(bps);
  const seq = draft.sequencer(index);
  const loss = (seq.stake * b) / BPS;
  seq.stake -= loss;
  if (seq.tokenStakes.length > 0) seq.tokenStakes = reduceTokenStakes(seq.tokenStakes, b);
  draft.state.burned += loss;
  const list = draft.state.delegations;
  let delegatedLoss = 0n;
  for (let k = 0; k < list.length; k++) {
    const d = list[k];
    if (d.sequencerIndex !== index || (d.amount === 0n && d.pending === 0n && d.unbonding === 0n)) continue;
    const w = writableDelegation(draft, k);
    const active = (w.amount * b) / BPS;
    const pending = (w.pending * b) / BPS;
    const unbonding = (w.unbonding * b) / BPS;
    w.amount -= active;
    w.pending -= pending;
    w.unbonding -= unbonding;
    delegatedLoss += active + pending;
    draft.state.burned += active + pending + unbonding;
  }
  seq.delegated -= delegatedLoss;
  const unbonding = draft.state.unbonding;
  for (let k = 0; k < unbonding.length; k++) {
    const u = unbonding[k];
    if (u.sequencerIndex !== index || u.amount === 0n) continue;
    const cut = (u.amount * b) / BPS;
    if (cut === 0n) continue;
    writableUnbonding(draft, k).amount -= cut;
    if (u.token === 0) draft.state.burned += cut; // burned counts native units; token stakes shrink like tokenStakes
  }
  return loss;
}

/** Exits sequencer `index` if its effective stake fell below the chain's minimum. */
export function exitIfBelowMinimum(draft: StateDraft, index: number, config: ChainConfig): void {
  const s = draft.state.sequencers[index];
  if (s.status === SequencerStatus.exited || effectiveStake(s, config) >= minStakeOf(config)) return;
  const seq = draft.sequencer(index);
  seq.status = SequencerStatus.exited;
  seq.rejoinEpoch = 0;
}

/**
 * The restake deadline: a member of the (new) current committee that still owes stake it
 * withdrew with restake=true loses as much again from its stake (leaked), and owes nothing
 * more; below the minimum it is exited. The withdrawal rule (systemTxs.ts) keeps at least the
 * owed amount staked, so the penalty is paid in full unless a leak shrank the stake meanwhile. Runs when the committee of the epoch takes over,
 * which is the deadline: it knew one epoch ahead (the committee is fixed a full epoch early).
 */
export function processRestakeDeadlines(draft: StateDraft, config: ChainConfig): void {
  for (const m of draft.state.currentCommittee.members) {
    const s = draft.state.sequencers[m.index];
    if (s === undefined || s.restakeOwed === 0n) continue;
    const seq = draft.sequencer(m.index);
    const loss = seq.restakeOwed < seq.stake ? seq.restakeOwed : seq.stake;
    seq.stake -= loss;
    seq.restakeOwed = 0n;
    draft.state.burned += loss;
    draft.state.leaked += loss;
    exitIfBelowMinimum(draft, m.index, config);
  }
}
