/**
 * dpos txs (index.ts), their checks and builders:
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
import type { Ed25519Keypair } from "../../crypto/ed25519.js";
import { bytesEqual } from "../../crypto/hex.js";
import { makeTx, type TxFields } from "../../signing.js";
import { requireAmount } from "../../state/amounts.js";
import { ownDelegations, writableDelegation } from "../../state/lists.js";
import { decodePayload, notAllowed, requireBalance, sequencerOf } from "../../state/txChecks.js";
import { decodeCommissionPayload, decodeDelegationPayload } from "../../types/encoding.js";
import { TxKind } from "../../types/enums.js";
import { CommissionPayload, DelegationPayload, type Delegation, type Tx } from "../../types/ssz.js";
import { isCandidate, nativeCommittedStake } from "../eligible.js";
import type { MechanismTx } from "../types.js";
import type { DposParams } from "./params.js";

export function findDelegation(list: readonly Delegation[], delegator: Uint8Array, sequencerIndex: number): number {
  return list.findIndex((d) => d.sequencerIndex === sequencerIndex && bytesEqual(d.delegator, delegator));
}

export const delegateTx: MechanismTx<DposParams> = {
  kind: TxKind.delegate,
  check(state, tx, sender, config) {
    const p = decodePayload(decodeDelegationPayload, tx.body.payload);
    const seq = state.sequencers[p.sequencerIndex];
    if (seq === undefined || !isCandidate(seq)) throw notAllowed(`sequencer ${p.sequencerIndex} does not exist or has exited`);
    const min = config.mechanismParams.minDelegation;
    if (p.amount < min) throw notAllowed(`delegation ${p.amount} below minDelegation ${min}`);
    requireBalance(sender, tx.body.fee, p.amount);
    requireAmount(nativeCommittedStake(seq) + seq.delegated + p.amount, `the weight of sequencer ${p.sequencerIndex}`);
    return (draft, senderIndex) => {
      const delegator = draft.state.accounts[senderIndex].pubkey;
      draft.account(senderIndex).balance -= p.amount;
      const k = findDelegation(draft.state.delegations, delegator, p.sequencerIndex);
      if (k >= 0) writableDelegation(draft, k).pending += p.amount;
      else ownDelegations(draft).push({ delegator, sequencerIndex: p.sequencerIndex, amount: 0n, pending: p.amount, unbonding: 0n, releaseEpoch: 0 });
      draft.sequencer(p.sequencerIndex).delegated += p.amount;
    };
  },
};

export const undelegateTx: MechanismTx<DposParams> = {
  kind: TxKind.undelegate,
  check(state, tx, sender, config) {
    const p = decodePayload(decodeDelegationPayload, tx.body.payload);
    const k = findDelegation(state.delegations, sender.pubkey, p.sequencerIndex);
    const held = k < 0 ? 0n : state.delegations[k].amount + state.delegations[k].pending;
    if (p.amount === 0n || p.amount > held) throw notAllowed(`undelegate ${p.amount} of a delegation of ${held}`);
    const unbondingEpochs = config.unbondingEpochs;
    return (draft) => {
      const d = writableDelegation(draft, k);
      const fromPending = d.pending < p.amount ? d.pending : p.amount;
      d.pending -= fromPending;
      d.amount -= p.amount - fromPending;
      d.unbonding += p.amount;
      d.releaseEpoch = draft.state.epoch + unbondingEpochs;
      draft.sequencer(p.sequencerIndex).delegated -= p.amount;
    };
  },
};

export const commissionTx: MechanismTx<DposParams> = {
  kind: TxKind.commission,
  check(state, tx, sender, config) {
    const p = decodePayload(decodeCommissionPayload, tx.body.payload);
    sequencerOf(state, p.sequencerIndex, sender);
    const max = config.mechanismParams.maxCommissionBps;
    if (p.commissionBps > max) throw notAllowed(`commission ${p.commissionBps} bps above the maximum ${max}`);
    return (draft) => {
      draft.sequencer(p.sequencerIndex).commissionBps = p.commissionBps;
    };
  },
};

export function makeDelegateTx(chainId: number, key: Ed25519Keypair, f: TxFields & { sequencerIndex: number; amount: bigint }): Tx {
  const payload = DelegationPayload.serialize({ sequencerIndex: f.sequencerIndex, amount: f.amount });
  return makeTx(chainId, key, { nonce: f.nonce, fee: f.fee, kind: TxKind.delegate, payload });
}

export function makeUndelegateTx(chainId: number, key: Ed25519Keypair, f: TxFields & { sequencerIndex: number; amount: bigint }): Tx {
  const payload = DelegationPayload.serialize({ sequencerIndex: f.sequencerIndex, amount: f.amount });
  return makeTx(chainId, key, { nonce: f.nonce, fee: f.fee, kind: TxKind.undelegate, payload });
}

export function makeCommissionTx(chainId: number, key: Ed25519Keypair, f: TxFields & { sequencerIndex: number; commissionBps: number }): Tx {
  const payload = CommissionPayload.serialize({ sequencerIndex: f.sequencerIndex, commissionBps: f.commissionBps });
  return makeTx(chainId, key, { nonce: f.nonce, fee: f.fee, kind: TxKind.commission, payload });
}
