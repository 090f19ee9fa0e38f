/**
 * `baton tx <kind>` flags: every subcommand is registered with --wait, and a bad flag is refused
 * before any file or network access (the key file and the API below do not exist) with a
 * message naming the flag and the form expected.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseFlags } from "../../src/args.js";
import { COMMANDS, resolveCommand } from "../../src/main.js";
import { baton } from "./txFakeNode.js";

const test = suite("tx flags");
const NOWHERE = ["--api", "http://127.0.0.1:9", "--key", "/nonexistent/key.json"];
const KEY = `0x${"ab".repeat(32)}`;

test("every tx kind a user sends has a subcommand, each with --wait and the common flags", () => {
  const tx = COMMANDS.tx as Record<string, { spec: { flags: Record<string, unknown> } }>;
  const kinds = ["send", "transfer", "stake", "unstake", "exit", "rejoin", "bid", "reveal", "delegate", "undelegate", "commission", "evict", "admit"];
  assert.equal(Object.keys(tx).sort(), kinds.sort());
  for (const [name, command] of Object.entries(tx)) {
    for (const flag of ["api", "key", "password-file", "fee", "nonce", "wait"]) assert.ok(flag in command.spec.flags, `tx ${name} --${flag}`);
  }
  const found = resolveCommand(["tx", "transfer", "--to", KEY, "--amount", "5", "--key", "k.json", "--wait"]);
  assert.ok("command" in found);
  if ("command" in found) assert.is(parseFlags(found.command.spec, found.rest).values.wait, true);
});

const refusals: [string, string[], RegExp][] = [
  ["a negative amount", ["tx", "transfer", "--to", KEY, "--amount=-1"], /^baton: --amount: expected a non-negative integer amount \(digits only, below 2\^64\), got "-1"$/],
  ["an amount of 2^64", ["tx", "transfer", "--to", KEY, "--amount", "18446744073709551616"], /--amount: expected an amount below 2\^64/],
  ["a transfer of 0", ["tx", "transfer", "--to", KEY, "--amount", "0"], /--amount: expected an amount of at least 1, got "0"/],
  ["a short recipient key", ["tx", "transfer", "--to", "0x1234", "--amount", "5"], /--to: expected an ed25519 account key, 0x and 64 hex digits/],
  ["a fee that is no number", ["tx", "send", "--fee", "cheap"], /--fee: expected a non-negative integer amount/],
  ["a nonce that is no number", ["tx", "send", "--nonce", "next"], /--nonce: expected a nonce in \[0, /],
  ["a deposit below the bid", ["tx", "bid", "--amount", "500", "--deposit", "400"], /--deposit: expected at least the bid --amount 500/],
  ["a reveal epoch below 2", ["tx", "reveal", "--epoch", "1"], /--epoch: expected an epoch in \[2, /],
  ["a sequencer that is no index", ["tx", "delegate", "--sequencer", "first", "--amount", "5"], /--sequencer: expected a sequencer index in \[0, 65535\], got "first"/],
  ["a commission above 100%", ["tx", "commission", "--commission-bps", "10001"], /--commission-bps: expected basis points in \[0, 10000\], got "10001"/],
  ["a penalty above 100%", ["tx", "evict", "--sequencer", "1", "--penalty-bps", "20000", "--genesis", "g.json", "--signer", "a.json", "--governance-nonce", "0"], /--penalty-bps: expected basis points in \[0, 10000\]/],
  ["an empty signer in the list", ["tx", "evict", "--sequencer", "1", "--genesis", "g.json", "--signer", "a.json,,b.json", "--governance-nonce", "0"], /--signer: expected a key file or a comma-separated list of key files, got "a.json,,b.json"/],
  ["no governance nonce", ["tx", "admit", "--new-key", "n.json", "--genesis", "g.json", "--signer", "a.json"], /--governance-nonce is required: the chain's governance nonce/],
  ["an admit account that is no key", ["tx", "admit", "--new-key", "n.json", "--account", "me", "--genesis", "g.json", "--signer", "a.json", "--governance-nonce", "0"], /--account: expected an ed25519 account key/],
];

for (const [what, argv, message] of refusals) {
  test(`refused before any I/O: ${what}`, async () => {
    const r = await baton([...argv, ...NOWHERE]);
    assert.is(r.code, 2, r.err);
    assert.match(r.err, message);
  });
}

test("--help of bid and reveal says where the salt is kept", async () => {
  for (const kind of ["bid", "reveal"]) {
    const r = await baton(["tx", kind, "--help"]);
    assert.is(r.code, 0);
    assert.match(r.out, /<key>\.bid-<epoch>\.json next to the key file \(mode 0600/);
  }
  const evict = await baton(["tx", "evict", "--help"]);
  assert.match(evict.out, /A repeated --signer keeps only its last value: list the signers in one flag, comma-separated/);
});

test.run();
