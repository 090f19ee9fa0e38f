/**
 * The transfer tx (every mechanism): native units from the sender's balance to another
 * account, which is created if it does not exist — how a new operator gets the funds to pay
 * fees and stake (docs/protocol.md "Transfers").
 *
 * transfer {to, amount}: `to` is any 32-byte ed25519 account key (units sent to a key nobody
 * holds are lost, as on any chain); the sender pays amount + fee. Refused:
 * - amount 0 (NOT_ALLOWED): it would only move the nonce and the fee;
 * - `to` = the sender (NOT_ALLOWED): a transfer to oneself changes nothing but the fee, so it
 *   can only be a mistake (a wrong key pasted);
 * - balance < fee + amount (INSUFFICIENT_BALANCE);
 * - the recipient's balance would pass 2^64 - 1 (NOT_ALLOWED, naming the amount). Native
 *   balances are parts of the supply, so this cannot happen on a chain that keeps its
 *   invariants; it is checked where it is written, like every amount (state/amounts.ts);
 * - a new recipient when the account list is full (NOT_ALLOWED).
 * Nonce, fee and signature are the common checks (txs.ts): a replayed transfer fails its nonce.
 * A transfer is not user volume (state.epochTxs counts user payload txs only).
 */
import type { ChainConfig } from "../config/chainConfig.js";
import type { Ed25519Keypair } from "../crypto/ed25519.js";
import { bytesEqual } from "../crypto/hex.js";
import type { TxApply } from "../mechanism/types.js";
import { makeTx, type TxFields } from "../signing.js";
import { findAccountIndex } from "../state/accounts.js";
import { requireAmount } from "../state/amounts.js";
import { creditAccount } from "../state/credit.js";
import { decodePayload, notAllowed, requireBalance } from "../state/txChecks.js";
import { decodeTransferPayload } from "../types/encoding.js";
import { TxKind } from "../types/enums.js";
import { MAX_ACCOUNTS, TransferPayload, type Account, type State, type Tx } from "../types/ssz.js";

/** Checks a transfer whose common checks passed; returns its write (writes nothing itself). */
export function checkTransfer(state: State, tx: Tx, sender: Account, _config: ChainConfig): TxApply {
  const p = decodePayload(decodeTransferPayload, tx.body.payload);
  if (p.amount === 0n) throw notAllowed("transfer amount 0");
  if (bytesEqual(p.to, sender.pubkey)) throw notAllowed("transfer to the sender's own account");
  requireBalance(sender, tx.body.fee, p.amount);
  const index = findAccountIndex(state.accounts, p.to);
  if (index >= 0) requireAmount(state.accounts[index].balance + p.amount, "the recipient's balance");
  else if (state.accounts.length >= MAX_ACCOUNTS) throw notAllowed("account set full");
  return (draft, senderIndex) => {
    draft.account(senderIndex).balance -= p.amount;
    creditAccount(draft, p.to, p.amount);
  };
}

/** A transfer of `amount` native units to the account `to` (32-byte ed25519 public key). */
export function makeTransferTx(chainId: number, key: Ed25519Keypair, fields: TxFields & { to: Uint8Array; amount: bigint }): Tx {
  // SSZ writes a wrong-length key silently (docs: validate before serialize)
  if (fields.to.length !== 32) throw new RangeError(`transfer recipient: expected a 32-byte ed25519 key, got ${fields.to.length} bytes`);
  const payload = TransferPayload.serialize({ to: fields.to, amount: fields.amount });
  return makeTx(chainId, key, { nonce: fields.nonce, fee: fields.fee, kind: TxKind.transfer, payload });
}
