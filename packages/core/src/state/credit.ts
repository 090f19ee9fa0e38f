/** Pays an amount to an account by its ed25519 key, creating the account if it does not exist. */
import type { StateDraft } from "./draft.js";

export function creditAccount(draft: StateDraft, pubkey: Uint8Array, amount: bigint): void {
  if (amount === 0n) return;
  const index = draft.accountIndexOf(pubkey);
  if (index >= 0) draft.account(index).balance += amount;
  else draft.appendAccount({ pubkey, balance: amount, nonce: 0, tokens: [] });
}

/** Pays `amount` of pos stake token `token` (1..) to an account (Account.tokens[token - 1]), creating it if needed. */
export function creditTokens(draft: StateDraft, pubkey: Uint8Array, token: number, amount: bigint): void {
  if (amount === 0n) return;
  let index = draft.accountIndexOf(pubkey);
  if (index < 0) index = draft.appendAccount({ pubkey, balance: 0n, nonce: 0, tokens: [] });
  const account = draft.account(index);
  const tokens = account.tokens.slice();
  while (tokens.length < token) tokens.push(0n);
  tokens[token - 1] += amount;
  account.tokens = tokens;
}
