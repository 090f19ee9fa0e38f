/**
 * System txs: stake, unstake, rejoin, slash here; transfer in transfer.ts; evict and the
 * mechanisms' own kinds (poa: admit; auction: bid, reveal; dpos: delegate, undelegate,
 * commission) in mechanismTxs.ts.
 * The payload is the SSZ encoding of the kind's payload type; anything else is BAD_PAYLOAD. A
 * rule broken by a well-formed payload is NOT_ALLOWED. Checks (checkSystemTx) write nothing;
 * applySystemTx carries out the effect. "minStake" below is the chain's minimum (minStakeOf:
 * under poa the bond) compared with the effective stake (mechanism/stake.ts). A mechanism
 * adds its own rules through its hooks: checkStakeFromNewKey (poa), checkUnstake (auction).
 *
 * - stake {pubkey, amount, proofOfPossession}: for a new key the proof must verify. An existing sequencer's
 *   key: only its account may add stake, not once slashed; an exited sequencer whose stake
 *   reaches minStake is active again. A new key: a new sequencer (active, stake = amount >=
 *   minStake, account = sender), appended. It is eligible in the committee computed at the
 *   next epoch transition, i.e. it leads from epoch current+2 (see epoch.ts). Under poa only
 *   governance makes new authorities (admit). A stake first pays back a restake owed. An
 *   evicted sequencer never stakes again.
 * - unstake {sequencerIndex, amount, restake, token}: only its account; not while ejected (the
 *   leak cannot be escaped) nor slashed; token 0 is the native stake, token t > 0 a pos stake
 *   token; 0 < amount <= that stake; not below the auction bond while it is locked (dispute
 *   period). The amount leaves the stake at once (and the weight from the next committee
 *   computed) but is paid out only unbondingEpochs later, through state.unbonding, and is
 *   slashed with the sequencer until then. If the effective stake left is below minStake the
 *   sequencer exits (what is left can be withdrawn the same way).
 *   restake=true: a temporary withdrawal of native stake, paid at once: the amount is owed
 *   back (restakeOwed, still counted in its committee weight) before its next scheduled
 *   epoch, else as much again is leaked (penalties.ts). Only for a sequencer that stays (at
 *   least minStake left), keeps at least as much staked as it owes (so the penalty can be
 *   paid in full), and has sat in no committee for the evidence window (so no slash it could
 *   still receive is escaped by it).
 * - rejoin {sequencerIndex}: only its account; the sequencer must be ejected with stake >=
 *   minStake. It turns active at the next epoch transition (rejoinEpoch = epoch + 1) and leads
 *   its slots in that epoch's committee (ejected sequencers stay in committees).
 * - slash {header1, header2}: proof of equivocation, anyone may submit: two headers of this
 *   chain for the same slot and proposer, with different roots, both signed by the proposer,
 *   for a slot of the current epoch or the evidenceEpochs before it. The offender loses
 *   slashFractionBps/10000 of everything staked on it — stake, token stakes, its unbonding
 *   withdrawals and delegations (burned) — and is exited, for good.
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { computeEpoch } from "../config/chainParams.js";
import { bytesEqual } from "../crypto/hex.js";
import { mechanismOf } from "../mechanism/registry.js";
import { committedStake, effectiveStake, extraTokenCount, minStakeOf } from "../mechanism/stake.js";
import { TxError, TxErrorCode } from "../errors.js";
import { verifyBatchHeaderSignature, verifyProofOfPossession } from "../signing.js";
import { findSequencerIndex } from "../state/accounts.js";
import { requireAmount } from "../state/amounts.js";
import type { StateDraft } from "../state/draft.js";
import { ownUnbonding } from "../state/lists.js";
import { badPayload, decodePayload, notAllowed, sequencerOf } from "../state/txChecks.js";
import {
  decodeRejoinPayload,
  decodeSlashPayload,
  decodeStakePayload,
  decodeUnstakePayload,
  headerRoot,
} from "../types/encoding.js";
import { SequencerStatus, TxKind } from "../types/enums.js";
import { MAX_SEQUENCERS, type Account, type Sequencer, type State, type Tx } from "../types/ssz.js";
import { checkMechanismTx, type DeferredEffect } from "./mechanismTxs.js";
import { burnShare } from "./penalties.js";
import { newSequencer } from "./sequencer.js";
import { checkTransfer } from "./transfer.js";

export type SystemTxEffect =
  | { kind: TxKind.stake; index: number; pubkey: Uint8Array; amount: bigint } // index -1: new sequencer
  | { kind: TxKind.unstake; index: number; amount: bigint; restake: boolean; token: number }
  | { kind: TxKind.rejoin; index: number }
  | { kind: TxKind.slash; index: number }
  | DeferredEffect;

/** Checks a system tx whose common checks (sender, nonce, fee, signature) passed. */
export function checkSystemTx(state: State, tx: Tx, sender: Account, config: ChainConfig): SystemTxEffect {
  const { kind, payload, fee } = tx.body;
  switch (kind) {
    case TxKind.stake: {
      const p = decodePayload(decodeStakePayload, payload);
      if (p.amount === 0n) throw notAllowed("stake amount 0");
      if (sender.balance < fee + p.amount) {
        throw new TxError(TxErrorCode.INSUFFICIENT_BALANCE, `balance ${sender.balance} < fee ${fee} + amount ${p.amount}`);
      }
      const index = findSequencerIndex(state.sequencers, p.pubkey);
      if (index >= 0) {
        const seq = sequencerOf(state, index, sender);
        if (seq.slashed) throw notAllowed(`sequencer ${index} was slashed`);
        if (seq.evicted) throw notAllowed(`sequencer ${index} was evicted by governance`);
        requireAmount(committedStake({ ...seq, stake: seq.stake + p.amount }, config) + seq.delegated, `the weight of sequencer ${index}`);
      } else {
        mechanismOf(config).checkStakeFromNewKey?.(config);
        const weight = requireAmount(effectiveStake({ stake: p.amount, tokenStakes: [] }, config), "the weight of the new sequencer");
        if (weight < minStakeOf(config)) throw notAllowed(`stake ${p.amount} weighs ${weight} < minStake ${minStakeOf(config)}`);
        if (state.sequencers.length >= MAX_SEQUENCERS) throw notAllowed("sequencer set full");
      }
      // The proof is checked when a key is registered; a top-up is authorized by the account.
      if (index < 0 && !verifyProofOfPossession(config.chainId, p.pubkey, p.proofOfPossession)) {
        throw badPayload("invalid proof of possession");
      }
      return { kind, index, pubkey: p.pubkey, amount: p.amount };
    }
    case TxKind.unstake: {
      const p = decodePayload(decodeUnstakePayload, payload);
      const seq = sequencerOf(state, p.sequencerIndex, sender);
      if (seq.slashed) throw notAllowed(`sequencer ${p.sequencerIndex} was slashed`);
      if (seq.status === SequencerStatus.ejected) throw notAllowed(`sequencer ${p.sequencerIndex} is ejected: rejoin, or wait for the leak to exit it`);
      const tokens = 1 + extraTokenCount(config);
      if (p.token >= tokens) throw badPayload(`token ${p.token}: this chain has stake tokens 0..${tokens - 1}`);
      const held = stakeInToken(seq, p.token);
      if (p.amount === 0n || p.amount > held) throw notAllowed(`unstake ${p.amount} of a stake of ${held}${p.token > 0 ? ` in token ${p.token}` : ""}`);
      const after = withoutStake(seq, p.token, p.amount);
      const epoch = computeEpoch(config, state.slot + 1);
      mechanismOf(config).checkUnstake?.(seq, p.sequencerIndex, after, config, epoch);
      if (p.restake) checkRestake(state, seq, p.sequencerIndex, p.token, after, config, epoch);
      return { kind, index: p.sequencerIndex, amount: p.amount, restake: p.restake, token: p.token };
    }
    case TxKind.rejoin: {
      const p = decodePayload(decodeRejoinPayload, payload);
      const seq = sequencerOf(state, p.sequencerIndex, sender);
      if (seq.status !== SequencerStatus.ejected) throw notAllowed(`sequencer ${p.sequencerIndex} is not ejected`);
      const stake = effectiveStake(seq, config);
      if (stake < minStakeOf(config)) throw notAllowed(`stake ${stake} < minStake ${minStakeOf(config)}`);
      return { kind, index: p.sequencerIndex };
    }
    case TxKind.slash: {
      const { header1: a, header2: b } = decodePayload(decodeSlashPayload, payload);
      if (a.header.chainId !== config.chainId || b.header.chainId !== config.chainId) throw badPayload("header of another chain");
      if (a.header.slot !== b.header.slot) throw badPayload("headers of different slots");
      if (a.header.proposerIndex !== b.header.proposerIndex) throw badPayload("headers of different proposers");
      if (bytesEqual(headerRoot(a.header), headerRoot(b.header))) throw badPayload("identical headers");
      const current = computeEpoch(config, state.slot + 1);
      const evidenceEpoch = computeEpoch(config, a.header.slot);
      if (evidenceEpoch + config.evidenceEpochs < current) {
        throw notAllowed(`evidence of epoch ${evidenceEpoch} is too old: accepted for epochs ${current - config.evidenceEpochs} onwards (evidenceEpochs)`);
      }
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
    case TxKind.transfer:
      return { kind: "deferred", apply: checkTransfer(state, tx, sender, config) };
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
        seq.missBits = 0n;
        seq.rejoinEpoch = 0;
      }
      return;
    }
    case TxKind.unstake: {
      const seq = draft.sequencer(effect.index);
      const after = withoutStake(seq, effect.token, effect.amount);
      seq.stake = after.stake;
      seq.tokenStakes = after.tokenStakes;
      if (effect.restake) {
        seq.restakeOwed += effect.amount;
        draft.account(senderIndex).balance += effect.amount;
      } else {
        ownUnbonding(draft).push({
          sequencerIndex: effect.index,
          account: seq.account,
          token: effect.token,
          amount: effect.amount,
          releaseEpoch: computeEpoch(config, draft.state.slot + 1) + config.unbondingEpochs,
        });
      }
      if (seq.status !== SequencerStatus.exited && effectiveStake(seq, config) < minStakeOf(config)) {
        seq.status = SequencerStatus.exited;
        seq.rejoinEpoch = 0;
        seq.restakeOwed = 0n;
      }
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

/** The stake a sequencer holds in token `token` (0 = native). */
function stakeInToken(seq: Sequencer, token: number): bigint {
  return token === 0 ? seq.stake : (seq.tokenStakes[token - 1] ?? 0n);
}

/** The stake fields after `amount` of token `token` left them. */
function withoutStake(seq: Sequencer, token: number, amount: bigint): Pick<Sequencer, "stake" | "tokenStakes"> {
  if (token === 0) return { stake: seq.stake - amount, tokenStakes: seq.tokenStakes };
  const tokenStakes = seq.tokenStakes.slice();
  tokenStakes[token - 1] -= amount;
  return { stake: seq.stake, tokenStakes };
}

/** restake=true (see the header): native, the sequencer stays, can pay the penalty, and no slash can still reach it. */
function checkRestake(
  state: State,
  seq: Sequencer,
  index: number,
  token: number,
  after: Pick<Sequencer, "stake" | "tokenStakes">,
  config: ChainConfig,
  epoch: number,
): void {
  if (token !== 0) throw notAllowed("restake=true withdraws native stake only");
  if (seq.status === SequencerStatus.exited) throw notAllowed("restake=true is for a sequencer that stays");
  const remaining = effectiveStake(after, config);
  if (remaining < minStakeOf(config)) throw notAllowed(`restake=true must leave at least minStake (${minStakeOf(config)}) staked; ${remaining} would remain`);
  const owed = seq.restakeOwed + (seq.stake - after.stake);
  if (after.stake < owed) throw notAllowed(`a temporary withdrawal may owe at most what stays staked (${after.stake}); ${owed} would be owed`);
  const inCommittee = (c: State["currentCommittee"]) => [...c.members, ...c.fallbacks].some((m) => m.index === index);
  if (inCommittee(state.currentCommittee)) {
    throw notAllowed(`sequencer ${index} is in the current committee: a temporary withdrawal waits until it is not`);
  }
  if (seq.lastCommitteeEpoch > 0 && seq.lastCommitteeEpoch - 1 + config.evidenceEpochs >= epoch) {
    throw notAllowed(
      `sequencer ${index} sat in the committee of epoch ${seq.lastCommitteeEpoch - 1}: evidence against it is accepted until epoch ${seq.lastCommitteeEpoch - 1 + config.evidenceEpochs}, so a temporary withdrawal waits until then`,
    );
  }
}
