/**
 * dpos txs (mechanism/dpos.ts):
 * - delegate {sequencerIndex, amount}: anyone, to a sequencer that has not exited;
 *   amount >= minDelegation, from the sender's balance. Counts in the committee computed at the
 *   next epoch transition (so from epoch e+2), like a stake; it is `pending` until then and
 *   earns rewards from the next epoch on (delegating just before a payout earns nothing).
 * - undelegate {sequencerIndex, amount}: the delegator; amount <= its delegation (pending
 *   first). Leaves the sequencer's weight at once (from the next committee computed) and earns
 *   no reward for the current epoch; paid back unbondingEpochs (genesis) epochs later,
 *   slashable until then.
 * - commission {sequencerIndex, commissionBps}: the sequencer's account, <= maxCommissionBps;
 *   applies to the rewards paid at the end of the current epoch.
 * Delegations are found by a scan of state.delegations (fine for thousands).
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { bytesEqual } from "../crypto/hex.js";
import { isCandidate } from "../mechanism/eligible.js";
import { committedStake } from "../mechanism/stake.js";
import { requireAmount } from "./amounts.js";
import { paramsOf } from "../mechanism/params.js";
import { decodeCommissionPayload, decodeDelegationPayload } from "../types/encoding.js";
import type { Account, Delegation, State, Tx } from "../types/ssz.js";
import type { StateDraft } from "./draft.js";
import { ownDelegations, writableDelegation } from "./lists.js";
import { decodePayload, notAllowed, requireBalance, sequencerOf } from "./txChecks.js";

export function findDelegation(list: readonly Delegation[], delegator: Uint8Array, sequencerIndex: number): number {
  return list.findIndex((d) => d.sequencerIndex === sequencerIndex && bytesEqual(d.delegator, delegator));
}

export function checkDelegate(state: State, tx: Tx, sender: Account, config: ChainConfig) {
  const p = decodePayload(decodeDelegationPayload, tx.body.payload);
  const seq = state.sequencers[p.sequencerIndex];
  if (seq === undefined || !isCandidate(seq)) throw notAllowed(`sequencer ${p.sequencerIndex} does not exist or has exited`);
  const min = paramsOf(config, "dpos").minDelegation;
  if (p.amount < min) throw notAllowed(`delegation ${p.amount} below minDelegation ${min}`);
  requireBalance(sender, tx.body.fee, p.amount);
  requireAmount(committedStake(seq, config) + seq.delegated + p.amount, `the weight of sequencer ${p.sequencerIndex}`);
  return (draft: StateDraft, senderIndex: number): void => {
    const delegator = draft.state.accounts[senderIndex].pubkey;
    draft.account(senderIndex).balance -= p.amount;
    const k = findDelegation(draft.state.delegations, delegator, p.sequencerIndex);
    if (k >= 0) writableDelegation(draft, k).pending += p.amount;
    else ownDelegations(draft).push({ delegator, sequencerIndex: p.sequencerIndex, amount: 0n, pending: p.amount, unbonding: 0n, releaseEpoch: 0 });
    draft.sequencer(p.sequencerIndex).delegated += p.amount;
  };
}

export function checkUndelegate(state: State, tx: Tx, sender: Account, config: ChainConfig) {
  const p = decodePayload(decodeDelegationPayload, tx.body.payload);
  const k = findDelegation(state.delegations, sender.pubkey, p.sequencerIndex);
  const held = k < 0 ? 0n : state.delegations[k].amount + state.delegations[k].pending;
  if (p.amount === 0n || p.amount > held) throw notAllowed(`undelegate ${p.amount} of a delegation of ${held}`);
  const unbondingEpochs = config.unbondingEpochs;
  return (draft: StateDraft): void => {
    const d = writableDelegation(draft, k);
    const fromPending = d.pending < p.amount ? d.pending : p.amount;
    d.pending -= fromPending;
    d.amount -= p.amount - fromPending;
    d.unbonding += p.amount;
    d.releaseEpoch = draft.state.epoch + unbondingEpochs;
    draft.sequencer(p.sequencerIndex).delegated -= p.amount;
  };
}

export function checkCommission(state: State, tx: Tx, sender: Account, config: ChainConfig) {
  const p = decodePayload(decodeCommissionPayload, tx.body.payload);
  sequencerOf(state, p.sequencerIndex, sender);
  const max = paramsOf(config, "dpos").maxCommissionBps;
  if (p.commissionBps > max) throw notAllowed(`commission ${p.commissionBps} bps above the maximum ${max}`);
  return (draft: StateDraft): void => {
    draft.sequencer(p.sequencerIndex).commissionBps = p.commissionBps;
  };
}
