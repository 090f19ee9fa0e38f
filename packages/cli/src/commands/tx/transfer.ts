/** `baton tx transfer`: native units to another account (created if absent), e.g. to fund a new operator. */
import { getAccount } from "@baton/client";
import { bytesEqual, toHex } from "@baton/core";
import { UsageError } from "../../args.js";
import { transferTx } from "../../txs.js";
import { txCommand } from "./command.js";
import { accountKeyFlag, amountFlag } from "./flags.js";

export const txTransfer = txCommand({
  name: "transfer",
  summary: "send native units to another account (created if absent): how a new operator gets the funds to pay fees and stake",
  flags: {
    to: { type: "string", valueName: "pubkey", help: "the recipient's ed25519 account key, 0x + 64 hex digits (baton keys list: \"account\")", required: true },
    amount: { type: "string", valueName: "amount", help: "units to send (the sender pays them plus the fee)", required: true },
  },
  notes: ["A transfer to the sender's own account, or of 0, is refused."],
  check: (values) => ({ to: accountKeyFlag(values, "to"), amount: amountFlag(values, "amount", 1n) }),
  refusalHint: "a balance that no longer covers amount + fee",
  async build(flags, run) {
    if (bytesEqual(flags.to, run.keys.ed25519.publicKey)) {
      throw new UsageError(`--to: ${toHex(flags.to)} is the sender's own account (--key): a transfer to oneself is refused`);
    }
    return { tx: transferTx(run.keys.ed25519, await run.params(flags.amount), flags.to, flags.amount) };
  },
  async report(run, _included, flags) {
    const to = await getAccount(run.api, toHex(flags.to));
    return `account ${toHex(flags.to)} holds ${to?.balance ?? "?"}`;
  },
});
