/** Pays an amount to an account by its ed25519 key, creating the account if it does not exist. */
import type { StateDraft } from "./draft.js";

export function creditAccount(draft: StateDraft, pubkey: Uint8Array, amount: bigint): void {
  if (amount === 0n) return;
  const index = draft.accountIndexOf(pubkey);
  if (index >= 0) draft.account(index).balance += amount;
  else draft.appendAccount({ pubkey, balance: amount, nonce: 0 });
}
