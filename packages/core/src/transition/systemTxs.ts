/**
 * System txs: stake, unstake, rejoin, slash here; the mechanisms' kinds (evict, admit, bid,
 * reveal, delegate, undelegate, commission) in mechanismTxs.ts. The payload is the SSZ
 * encoding of the kind's payload type; anything else is BAD_PAYLOAD. A rule broken by a
 * well-formed payload is NOT_ALLOWED. Checks (checkSystemTx) write nothing; applySystemTx
 * carries out the effect. "minStake" below is the chain's minimum (minStakeOf: under poa the
 * bond) compared with the effective stake (mechanism/stake.ts).
 *
 * - stake {pubkey, amount, proofOfPossession}: for a new key the proof must verify. An existing sequencer's
 *   key: only its account may add stake, not once slashed; an exited sequencer whose stake
 *   reaches minStake is active again. A new key: a new sequencer (active, stake = amount >=
 *   minStake, account = sender), appended. It is eligible in the committee computed at the
 *   next epoch transition, i.e. it leads from epoch current+2 (see epoch.ts). Under poa only
 *   governance makes new authorities (admit). A stake first pays back a restake owed. An
 *   evicted sequencer never stakes again.
 * - unstake {sequencerIndex, amount, restake}: only its account; not while ejected (the leak
 *   cannot be escaped) nor slashed; 0 < amount <= stake; what remains is 0 (full exit: status
 *   exited) or >= minStake; not below the auction bond while it is locked (dispute period).
 *   The amount returns to the sender's balance. restake=true: a temporary withdrawal, only
 *   while not in the current committee and not a full exit: the amount is owed back
 *   (restakeOwed, still counted in its committee weight) before its next scheduled epoch,
 *   else as much again is leaked (penalties.ts).
 * - rejoin {sequencerIndex}: only its account; the sequencer must be ejected with stake >=
 *   minStake. It turns active at the next epoch transition (rejoinEpoch = epoch + 1) and leads
 *   its slots in that epoch's committee (ejected sequencers stay in committees).
 * - slash {header1, header2}: proof of equivocation, anyone may submit: two headers of this
 *   chain for the same slot and proposer, with different roots, both signed by the proposer.
 *   The offender loses slashFractionBps/10000 of its stake (burned) and is exited, for good.
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { computeEpoch } from "../config/chainConfig.js";
import { bytesEqual } from "../crypto/hex.js";
import { effectiveStake, minStakeOf } from "../mechanism/stake.js";
import { auctionBond } from "../mechanism/auction.js";
import { BatonError, TxError, TxErrorCode } from "../errors.js";
import { verifyBatchHeaderSignature, verifyProofOfPossession } from "../signing.js";
import {
  decodeRejoinPayload,
  decodeSlashPayload,
  decodeStakePayload,
  decodeUnstakePayload,
  headerRoot,
} from "../types/encoding.js";
import { SequencerStatus, TxKind } from "../types/enums.js";
import { MAX_SEQUENCERS, type Account, type Sequencer, type State, type Tx } from "../types/ssz.js";
import { findSequencerIndex } from "./accounts.js";
import type { StateDraft } from "./draft.js";
import { checkMechanismTx, type DeferredEffect } from "./mechanismTxs.js";
import { burnShare } from "./penalties.js";
import { newSequencer } from "./sequencer.js";

const MAX_AMOUNT = (1n << 64n) - 1n;

export type SystemTxEffect =
  | { kind: TxKind.stake; index: number; pubkey: Uint8Array; amount: bigint } // index -1: new sequencer
  | { kind: TxKind.unstake; index: number; amount: bigint; restake: boolean }
  | { kind: TxKind.rejoin; index: number }
  | { kind: TxKind.slash; index: number }
  | DeferredEffect;

const notAllowed = (detail: string) => new TxError(TxErrorCode.NOT_ALLOWED, detail);
const badPayload = (detail: string) => new TxError(TxErrorCode.BAD_PAYLOAD, detail);

function decode<T>(fn: (b: Uint8Array) => T, bytes: Uint8Array): T {
  try {
    return fn(bytes);
  } catch (e) {
    throw badPayload(e instanceof BatonError ? e.message : "malformed");
  }
}

/** The sequencer at `index`, controlled by `sender`. */
function ownSequencer(state: State, index: number, sender: Account): Sequencer {
  const seq = state.sequencers[index];
  if (seq === undefined) throw notAllowed(`no sequencer ${index}`);
  if (!bytesEqual(seq.account, sender.pubkey)) throw notAllowed(`sequencer ${index} is controlled by another account`);
  return seq;
}

/** Checks a system tx whose common checks (sender, nonce, fee, signature) passed. */
export function checkSystemTx(state: State, tx: Tx, sender: Account, config: ChainConfig): SystemTxEffect {
  const { kind, payload, fee } = tx.body;
  switch (kind) {
    case TxKind.stake: {
      const p = decode(decodeStakePayload, payload);
      if (p.amount === 0n) throw notAllowed("stake amount 0");
      if (sender.balance < fee + p.amount) {
        throw new TxError(TxErrorCode.INSUFFICIENT_BALANCE, `balance ${sender.balance} < fee ${fee} + amount ${p.amount}`);
      }
      const index = findSequencerIndex(state.sequencers, p.pubkey);
      if (index >= 0) {
        const seq = ownSequencer(state, index, sender);
        if (seq.slashed) throw notAllowed(`sequencer ${index} was slashed`);
        if (seq.evicted) throw notAllowed(`sequencer ${index} was evicted by governance`);
        if (seq.stake + p.amount > MAX_AMOUNT) throw notAllowed("stake would overflow");
      } else {
        if (config.mechanism === "poa") throw notAllowed("under poa only governance admits a new authority (admit tx)");
        if (p.amount < minStakeOf(config)) throw notAllowed(`stake ${p.amount} < minStake ${minStakeOf(config)}`);
        if (state.sequencers.length >= MAX_SEQUENCERS) throw notAllowed("sequencer set full");
      }
      // The proof is checked when a key is registered; a top-up is authorized by the account.
      if (index < 0 && !verifyProofOfPossession(config.chainId, p.pubkey, p.proofOfPossession)) {
        throw badPayload("invalid proof of possession");
      }
      return { kind, index, pubkey: p.pubkey, amount: p.amount };
    }
    case TxKind.unstake: {
      const p = decode(decodeUnstakePayload, payload);
      const seq = ownSequencer(state, p.sequencerIndex, sender);
      if (seq.slashed) throw notAllowed(`sequencer ${p.sequencerIndex} was slashed`);
      if (seq.status === SequencerStatus.ejected) throw notAllowed(`sequencer ${p.sequencerIndex} is ejected`);
      if (p.amount === 0n || p.amount > seq.stake) throw notAllowed(`unstake ${p.amount} of a stake of ${seq.stake}`);
      const remaining = effectiveStake({ stake: seq.stake - p.amount, tokenStakes: seq.tokenStakes }, config);
      const min = minStakeOf(config);
      if (remaining !== 0n && remaining < min) throw notAllowed(`remaining stake ${remaining} would be below minStake ${min}`);
      const epoch = computeEpoch(config, state.slot + 1);
      if (config.mechanism === "auction" && seq.bondLockedUntil > epoch && seq.stake - p.amount < auctionBond(config)) {
        throw notAllowed(`the bond of sequencer ${p.sequencerIndex} is locked until epoch ${seq.bondLockedUntil} (dispute period)`);
      }
      if (p.restake) {
        if (remaining === 0n || seq.status === SequencerStatus.exited) throw notAllowed("restake=true is for a partial withdrawal of a sequencer that stays");
        if (state.currentCommittee.members.some((m) => m.index === p.sequencerIndex)) {
          throw notAllowed(`sequencer ${p.sequencerIndex} is in the current committee: a temporary withdrawal waits until it is not`);
        }
      }
      return { kind, index: p.sequencerIndex, amount: p.amount, restake: p.restake };
    }
    case TxKind.rejoin: {
      const p = decode(decodeRejoinPayload, payload);
      const seq = ownSequencer(state, p.sequencerIndex, sender);
      if (seq.status !== SequencerStatus.ejected) throw notAllowed(`sequencer ${p.sequencerIndex} is not ejected`);
      const stake = effectiveStake(seq, config);
      if (stake < minStakeOf(config)) throw notAllowed(`stake ${stake} < minStake ${minStakeOf(config)}`);
      return { kind, index: p.sequencerIndex };
    }
    case TxKind.slash: {
      const { header1: a, header2: b } = decode(decodeSlashPayload, payload);
      if (a.header.chainId !== config.chainId || b.header.chainId !== config.chainId) throw badPayload("header of another chain");
      if (a.header.slot !== b.header.slot) throw badPayload("headers of different slots");
      if (a.header.proposerIndex !== b.header.proposerIndex) throw badPayload("headers of different proposers");
      if (bytesEqual(headerRoot(a.header), headerRoot(b.header))) throw badPayload("identical headers");
      const index = a.header.proposerIndex;
      const seq = state.sequencers[index];
      if (seq === undefined) throw badPayload(`no sequencer ${index}`);
      if (seq.slashed) throw notAllowed(`sequencer ${index} already slashed`);
      if (
        !verifyBatchHeaderSignature(a.header, a.signature, seq.pubkey) ||
        !verifyBatchHeaderSignature(b.header, b.signature, seq.pubkey)
      ) {
        throw badPayload("header signature invalid");
      }
      return { kind, index };
    }
    default:
      return checkMechanismTx(state, tx, sender, config);
  }
}

export function applySystemTx(draft: StateDraft, effect: SystemTxEffect, senderIndex: number, config: ChainConfig): void {
  switch (effect.kind) {
    case TxKind.stake: {
      const sender = draft.account(senderIndex);
      sender.balance -= effect.amount;
      if (effect.index < 0) {
        const epoch = draft.state.epoch;
        draft.appendSequencer(newSequencer(config, { pubkey: effect.pubkey, account: sender.pubkey, stake: effect.amount, epoch }));
        return;
      }
      const seq = draft.sequencer(effect.index);
      seq.stake += effect.amount;
      seq.restakeOwed = seq.restakeOwed > effect.amount ? seq.restakeOwed - effect.amount : 0n;
      if (seq.status === SequencerStatus.exited && !seq.slashed && !seq.evicted && effectiveStake(seq, config) >= minStakeOf(config)) {
        seq.status = SequencerStatus.active;
        seq.consecutiveMisses = 0;
        seq.rejoinEpoch = 0;
      }
      return;
    }
    case TxKind.unstake: {
      const seq = draft.sequencer(effect.index);
      seq.stake -= effect.amount;
      if (effect.restake) seq.restakeOwed += effect.amount;
      if (effectiveStake(seq, config) === 0n) {
        seq.status = SequencerStatus.exited;
        seq.rejoinEpoch = 0;
        seq.restakeOwed = 0n;
      }
      draft.account(senderIndex).balance += effect.amount;
      return;
    }
    case TxKind.rejoin:
      draft.sequencer(effect.index).rejoinEpoch = draft.state.epoch + 1;
      return;
    case TxKind.slash: {
      burnShare(draft, effect.index, config.slashFractionBps);
      const seq = draft.sequencer(effect.index);
      seq.slashed = true;
      seq.status = SequencerStatus.exited;
      seq.rejoinEpoch = 0;
      seq.restakeOwed = 0n; // no longer scheduled: nothing to restake for
      return;
    }
    case "deferred":
      effect.apply(draft, senderIndex);
      return;
  }
}
