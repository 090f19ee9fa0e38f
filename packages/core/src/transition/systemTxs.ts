/**
 * System txs: stake, unstake, rejoin, slash. The payload is the SSZ encoding of the kind's
 * payload type; anything else is BAD_PAYLOAD. A rule broken by a well-formed payload is
 * NOT_ALLOWED. Checks (checkSystemTx) write nothing; applySystemTx carries out the effect.
 *
 * - stake {pubkey, amount, proofOfPossession}: the proof must verify. An existing sequencer's
 *   key: only its account may add stake, not once slashed; an exited sequencer whose stake
 *   reaches minStake is active again. A new key: a new sequencer (active, stake = amount >=
 *   minStake, account = sender), appended. It is eligible in the committee computed at the
 *   next epoch transition, i.e. it leads from epoch current+2 (see epoch.ts).
 * - unstake {sequencerIndex, amount}: only its account; not while ejected (the leak cannot be
 *   escaped) nor slashed; 0 < amount <= stake; what remains is 0 (full exit: status exited)
 *   or >= minStake. The amount returns to the sender's balance.
 * - rejoin {sequencerIndex}: only its account; the sequencer must be ejected with stake >=
 *   minStake. It turns active at the next epoch transition (rejoinEpoch = epoch + 1) and leads
 *   its slots in that epoch's committee (ejected sequencers stay in committees).
 * - slash {header1, header2}: proof of equivocation, anyone may submit: two headers of this
 *   chain for the same slot and proposer, with different roots, both signed by the proposer.
 *   The offender loses slashFractionBps/10000 of its stake (burned) and is exited, for good.
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { bytesEqual } from "../crypto/hex.js";
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

const BPS = 10_000n;
const MAX_AMOUNT = (1n << 64n) - 1n;

export type SystemTxEffect =
  | { kind: TxKind.stake; index: number; pubkey: Uint8Array; amount: bigint } // index -1: new sequencer
  | { kind: TxKind.unstake; index: number; amount: bigint }
  | { kind: TxKind.rejoin; index: number }
  | { kind: TxKind.slash; index: number };

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
        if (seq.stake + p.amount > MAX_AMOUNT) throw notAllowed("stake would overflow");
      } else {
        if (p.amount < config.minStake) throw notAllowed(`stake ${p.amount} < minStake ${config.minStake}`);
        if (state.sequencers.length >= MAX_SEQUENCERS) throw notAllowed("sequencer set full");
      }
      if (!verifyProofOfPossession(config.chainId, p.pubkey, p.proofOfPossession)) {
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
      const remaining = seq.stake - p.amount;
      if (remaining !== 0n && remaining < config.minStake) {
        throw notAllowed(`remaining stake ${remaining} would be below minStake ${config.minStake}`);
      }
      return { kind, index: p.sequencerIndex, amount: p.amount };
    }
    case TxKind.rejoin: {
      const p = decode(decodeRejoinPayload, payload);
      const seq = ownSequencer(state, p.sequencerIndex, sender);
      if (seq.status !== SequencerStatus.ejected) throw notAllowed(`sequencer ${p.sequencerIndex} is not ejected`);
      if (seq.stake < config.minStake) throw notAllowed(`stake ${seq.stake} < minStake ${config.minStake}`);
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
      throw new TxError(TxErrorCode.BAD_KIND, `kind ${kind}`);
  }
}

export function applySystemTx(draft: StateDraft, effect: SystemTxEffect, senderIndex: number, config: ChainConfig): void {
  switch (effect.kind) {
    case TxKind.stake: {
      const sender = draft.account(senderIndex);
      sender.balance -= effect.amount;
      if (effect.index < 0) {
        draft.appendSequencer({
          pubkey: effect.pubkey,
          account: sender.pubkey,
          stake: effect.amount,
          status: SequencerStatus.active,
          produced: 0,
          misses: 0,
          consecutiveMisses: 0,
          ejectedEpoch: 0,
          rejoinEpoch: 0,
          slashed: false,
        });
        return;
      }
      const seq = draft.sequencer(effect.index);
      seq.stake += effect.amount;
      if (seq.status === SequencerStatus.exited && !seq.slashed && seq.stake >= config.minStake) {
        seq.status = SequencerStatus.active;
        seq.consecutiveMisses = 0;
        seq.rejoinEpoch = 0;
      }
      return;
    }
    case TxKind.unstake: {
      const seq = draft.sequencer(effect.index);
      seq.stake -= effect.amount;
      if (seq.stake === 0n) {
        seq.status = SequencerStatus.exited;
        seq.rejoinEpoch = 0;
      }
      draft.account(senderIndex).balance += effect.amount;
      return;
    }
    case TxKind.rejoin:
      draft.sequencer(effect.index).rejoinEpoch = draft.state.epoch + 1;
      return;
    case TxKind.slash: {
      const seq = draft.sequencer(effect.index);
      const loss = (seq.stake * BigInt(config.slashFractionBps)) / BPS;
      seq.stake -= loss;
      draft.state.burned += loss;
      seq.slashed = true;
      seq.status = SequencerStatus.exited;
      seq.rejoinEpoch = 0;
      return;
    }
  }
}
