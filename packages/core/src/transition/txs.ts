/**
 * Transactions: validation (throws TxError, changes nothing) and application.
 *
 * A tx is checked completely before anything is written, so a tx that fails leaves the
 * draft untouched (buildBatch relies on this to skip it).
 *
 * Rules:
 * - The sender must be an existing account. Accounts come from genesis funding, from a
 *   transfer (transfer.ts), or from being paid (fees as a sequencer, unbonded stake). A stake
 *   tx from an unknown key is rejected like any other (UNKNOWN_SENDER): it could not pay its
 *   fee anyway.
 * - maxPayloadBytes bounds user payloads only. System payloads have fixed-size encodings
 *   (bounded by their decoders), so a rollup with small user payloads can still stake/slash.
 * - The fee goes to the account of the batch's proposer (its sequencer's `account` key). If
 *   that account does not exist it is created, appended at the end of state.accounts; a zero
 *   fee creates nothing.
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { TxError, TxErrorCode } from "../errors.js";
import { verifyTxSignature } from "../signing.js";
import { TxKind } from "../types/enums.js";
import type { State, Tx } from "../types/ssz.js";
import { findAccountIndex } from "../state/accounts.js";
import { StateDraft } from "../state/draft.js";
import { applySystemTx, checkSystemTx, type SystemTxEffect } from "./systemTxs.js";

export interface ValidateTxOptions {
  /** Verify the ed25519 signature (default true). False for a tx whose hash is in a verified cache. */
  verifySignature?: boolean;
}

/** What a valid tx will do: computed by checkTx, carried out by executeTx. */
export interface TxEffect {
  senderIndex: number;
  system: SystemTxEffect | null;
}

const KNOWN_KINDS = new Set<number>(Object.values(TxKind).filter((k): k is number => typeof k === "number"));

/** All checks of a tx against `state`; throws TxError. Cheap checks first, signatures last. */
export function checkTx(state: State, tx: Tx, config: ChainConfig, verifySignature = true): TxEffect {
  const { body } = tx;
  if (!KNOWN_KINDS.has(body.kind)) throw new TxError(TxErrorCode.BAD_KIND, `kind ${body.kind}`);
  if (body.kind === TxKind.user && body.payload.length > config.maxPayloadBytes) {
    throw new TxError(TxErrorCode.TOO_LARGE, `payload of ${body.payload.length} bytes > ${config.maxPayloadBytes}`);
  }
  if (body.fee < config.minFee) throw new TxError(TxErrorCode.FEE_TOO_LOW, `fee ${body.fee} < ${config.minFee}`);
  const senderIndex = findAccountIndex(state.accounts, body.sender);
  if (senderIndex < 0) throw new TxError(TxErrorCode.UNKNOWN_SENDER);
  const sender = state.accounts[senderIndex];
  if (body.nonce !== sender.nonce) throw new TxError(TxErrorCode.BAD_NONCE, `nonce ${body.nonce}, expected ${sender.nonce}`);
  if (sender.balance < body.fee) {
    throw new TxError(TxErrorCode.INSUFFICIENT_BALANCE, `balance ${sender.balance} < fee ${body.fee}`);
  }
  if (verifySignature && !verifyTxSignature(state.chainId, tx)) throw new TxError(TxErrorCode.BAD_SIGNATURE);
  const system = body.kind === TxKind.user ? null : checkSystemTx(state, tx, sender, config);
  return { senderIndex, system };
}

/** Throws a TxError if `tx` cannot be applied to `state` now; changes nothing. */
export function validateTx(state: State, tx: Tx, config: ChainConfig, opts: ValidateTxOptions = {}): void {
  checkTx(state, tx, config, opts.verifySignature ?? true);
}

/** Checks and applies one tx to a draft (the batch's proposer collects the fee). */
export function applyTxInto(
  draft: StateDraft,
  tx: Tx,
  proposerIndex: number,
  config: ChainConfig,
  verifySignature = true,
): void {
  executeTx(draft, tx, checkTx(draft.state, tx, config, verifySignature), proposerIndex, config);
}

/** Applies one tx; returns a new state (the input is not changed). Throws TxError. */
export function applyTx(
  state: State,
  tx: Tx,
  proposerIndex: number,
  config: ChainConfig,
  opts: ValidateTxOptions = {},
): State {
  const draft = new StateDraft(state);
  applyTxInto(draft, tx, proposerIndex, config, opts.verifySignature ?? true);
  return draft.finish();
}

function executeTx(draft: StateDraft, tx: Tx, effect: TxEffect, proposerIndex: number, config: ChainConfig): void {
  const sender = draft.account(effect.senderIndex);
  sender.nonce += 1;
  sender.balance -= tx.body.fee;
  if (effect.system) applySystemTx(draft, effect.system, effect.senderIndex, config);
  else draft.state.epochTxs += 1; // user tx volume (the performance mechanism's bond grows with it)
  creditFee(draft, proposerIndex, tx.body.fee);
}

/** The fee goes to the proposer's account, created (appended) if missing. */
function creditFee(draft: StateDraft, proposerIndex: number, fee: bigint): void {
  const proposer = draft.state.sequencers[proposerIndex];
  if (proposer === undefined) throw new RangeError(`no sequencer ${proposerIndex} to credit the fee to`);
  if (fee === 0n) return;
  const key = proposer.account;
  const index = draft.accountIndexOf(key);
  if (index >= 0) draft.account(index).balance += fee;
  else draft.appendAccount({ pubkey: key, balance: fee, nonce: 0, tokens: [] });
}
