/**
 * `baton tx <kind>` against a fake node API (txFakeNode.ts): an unknown or unfunded account is
 * refused before anything is posted; each kind posts the tx core builds (decoded back here);
 * --wait prints the inclusion, and reports a tx that left the mempool unincluded; the bid's salt
 * file is written (0600) and read back by the reveal; governance txs carry a quorum of
 * signatures from a comma-separated --signer list.
 */
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  bidCommitment,
  ed25519Verify,
  governanceSigningRoot,
  ssz,
  toHex,
  TxKind,
} from "@baton/core";
import { baton, startFakeNode, testKeys, writeGenesis, writeKey, type FakeNode } from "./txFakeNode.js";

const test = suite("tx flow");
const CHAIN = 31337;
const sender = testKeys(1);
const fresh = testKeys(2);
const seqs = [testKeys(1), testKeys(3), testKeys(4)];
const governance = [testKeys(10), testKeys(11), testKeys(12)];
let dir = "";
let node: FakeNode;
let key = "";
let freshKey = "";
const hex = (k: { publicKey: Uint8Array }) => toHex(k.publicKey);
const tx = (...args: string[]) => baton(["tx", ...args, "--api", node.url]);

test.before.each(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-tx-"));
  key = await writeKey(dir, "key.json", sender);
  freshKey = await writeKey(dir, "fresh.json", fresh);
  node = await startFakeNode({
    chainId: CHAIN,
    slotsPerEpoch: 8,
    slotMs: 100,
    slot: 17, // epoch 2, slot 1 of it: the commit phase
    accounts: new Map([[hex(sender.ed25519), { balance: 1_000_000n, nonce: 4 }]]),
    sequencers: seqs.map((k, i) => ({ pubkey: k.bls.publicKey, account: k.ed25519.publicKey, stake: 100_000n, status: i === 2 ? "ejected" : "active" })),
    txStatus: { status: "included", slot: 19 },
  });
});

test.after.each(async () => {
  await node.close();
  await rm(dir, { recursive: true, force: true });
});

test("an unknown account is refused before anything is sent, naming tx transfer", async () => {
  const r = await tx("send", "--key", freshKey, "--text", "hello", "--wait");
  assert.is(r.code, 2);
  assert.is(r.err, `baton: account ${hex(fresh.ed25519)} has no funds on this chain: fund it with \`baton tx transfer\` from a funded account`);
  assert.is(node.posted.length, 0);
  const withNonce = await tx("stake", "--key", freshKey, "--amount", "1000", "--nonce", "0");
  assert.is(withNonce.code, 2, "--nonce does not skip the check");
  assert.is(node.posted.length, 0);
});

test("an account that cannot pay amount + fee is refused before anything is sent", async () => {
  node.chain.accounts.set(hex(fresh.ed25519), { balance: 10n, nonce: 0 });
  const r = await tx("transfer", "--key", freshKey, "--to", hex(sender.ed25519), "--amount", "10");
  assert.is(r.code, 2);
  assert.match(r.err, `account ${hex(fresh.ed25519)} holds 10, less than the fee 1 + 10 this tx spends: fund it with \`baton tx transfer\``);
  assert.is(node.posted.length, 0);
  const self = await tx("transfer", "--key", key, "--to", hex(sender.ed25519), "--amount", "10");
  assert.match(self.err, /--to: .* is the sender's own account \(--key\): a transfer to oneself is refused/);
});

test("transfer --wait: the transfer tx at the account's next nonce; prints the hash, the inclusion and the recipient's balance", async () => {
  node.chain.accounts.set(hex(fresh.ed25519), { balance: 0n, nonce: 0 });
  const r = await tx("transfer", "--key", key, "--to", hex(fresh.ed25519), "--amount", "250000", "--fee", "3", "--wait");
  assert.is(r.code, 0, r.err);
  const [posted] = node.posted;
  assert.is(posted.body.kind, TxKind.transfer);
  assert.is(posted.body.nonce, 4);
  assert.is(posted.body.fee, 3n);
  const payload = ssz.TransferPayload.deserialize(posted.body.payload);
  assert.equal(payload.to, fresh.ed25519.publicKey);
  assert.is(payload.amount, 250_000n);
  const [hash, included] = r.out.split("\n");
  assert.match(hash, /^0x[0-9a-f]{64}$/);
  assert.is(included, `included at slot 19 (epoch 2); account ${hex(fresh.ed25519)} holds 0`);
});

test("--wait: a tx that leaves the mempool unincluded is reported with the kind's rules; a node's refusal is not waited for", async () => {
  node.chain.txStatus = { status: "gone" };
  const r = await tx("delegate", "--key", key, "--sequencer", "1", "--amount", "500", "--wait");
  assert.is(r.code, 2);
  assert.match(r.err, /--wait: tx 0x[0-9a-f]{64} left the node's mempool without being included: a leader refused it \(a delegation below minDelegation/);
  node.chain.refuse = { code: "MEMPOOL_STALE_NONCE", message: "POST /txs: nonce 1 already used (account nonce 4)", status: 409 };
  const refused = await tx("send", "--key", key, "--nonce", "1", "--wait");
  assert.is(refused.code, 1);
  assert.match(refused.err, /nonce 1 already used/);
});

test("bid writes its salt next to the key (0600) before sending; reveal reads it and matches the commitment", async () => {
  const bid = await tx("bid", "--key", key, "--amount", "500", "--deposit", "2000", "--wait");
  assert.is(bid.code, 0, bid.err);
  const file = `${key}.bid-4.json`;
  assert.is((await stat(file)).mode & 0o777, 0o600);
  assert.match(bid.out, /bid for epoch 4 sealed, deposit 2000 escrowed/);
  const commit = ssz.BidCommitPayload.deserialize(node.posted[0].body.payload);
  assert.equal({ index: commit.sequencerIndex, epoch: commit.epoch, deposit: commit.deposit }, { index: 0, epoch: 4, deposit: 2000n });
  const kept = JSON.parse(await readFile(file, "utf8"));
  assert.is(kept.amount, "500");

  const again = await tx("bid", "--key", key, "--amount", "600");
  assert.is(again.code, 2);
  assert.match(again.err, /bid-4\.json exists: a bid for epoch 4 was made already/);

  node.chain.slot = 22; // the reveal phase of epoch 2
  const reveal = await tx("reveal", "--key", key, "--wait");
  assert.is(reveal.code, 0, reveal.err);
  const revealed = ssz.BidRevealPayload.deserialize(node.posted[1].body.payload);
  assert.is(node.posted[1].body.kind, TxKind.reveal);
  assert.is(revealed.amount, 500n);
  assert.equal(bidCommitment(CHAIN, 0, 4, revealed.amount, revealed.salt), commit.commitment);

  node.chain.slot = 24; // epoch 3: too late for a bid of epoch 4
  const late = await tx("reveal", "--key", key, "--epoch", "4");
  assert.match(late.err, /reveals for epoch 4 are taken in epoch 2 only \(now epoch 3\): the reveal phase is over/);
});

test("bid and reveal with --genesis: the chain's mechanism and phase; a refused bid leaves no salt file", async () => {
  const posGenesis = await writeGenesis(dir, CHAIN, "pos", seqs);
  const wrong = await tx("bid", "--key", key, "--amount", "5", "--genesis", posGenesis);
  assert.match(wrong.err, /--genesis: this chain runs pos; bid txs belong to the auction mechanism and would be refused/);
  const genesis = await writeGenesis(dir, CHAIN, "auction", seqs);
  const early = await tx("reveal", "--key", key, "--genesis", genesis, "--epoch", "4");
  assert.match(early.err, /no sealed bid for epoch 4 under this key/);
  node.chain.slot = 21; // slot 5 of epoch 2: revealOffset is 4
  const late = await tx("bid", "--key", key, "--amount", "5", "--genesis", genesis);
  assert.match(late.err, /the commit phase of epoch 2 is over \(slot 20\); the next opens at slot 24/);
  node.chain.slot = 17;
  node.chain.refuse = { code: "MEMPOOL_FULL", message: "POST /txs: mempool is full", status: 503 };
  const refused = await tx("bid", "--key", key, "--amount", "5", "--genesis", genesis);
  assert.is(refused.code, 1);
  await stat(`${key}.bid-4.json`).then(() => assert.unreachable("the salt file of a refused bid"), () => undefined);
});

test("evict: a quorum of governance signatures from a comma-separated --signer list, over the given governance nonce", async () => {
  const genesis = await writeGenesis(dir, CHAIN, "pos", seqs, governance);
  const signerFiles = await Promise.all(governance.map((k, i) => writeKey(dir, `gov${i}.json`, k)));
  const one = await tx("evict", "--key", key, "--sequencer", "2", "--genesis", genesis, "--signer", signerFiles[0], "--governance-nonce", "3");
  assert.match(one.err, /--signer: 1 governance signer\(s\) given, the chain needs 2 \(genesis governance.threshold\)/);
  const stranger = await tx("evict", "--key", key, "--sequencer", "2", "--genesis", genesis, "--signer", `${signerFiles[0]},${key}`, "--governance-nonce", "3");
  assert.match(stranger.err, /--signer: .*key\.json: its account key 0x[0-9a-f]{64} is not one of the chain's governance keys/);
  const nobody = await tx("evict", "--key", key, "--sequencer", "7", "--genesis", genesis, "--signer", signerFiles.join(","), "--governance-nonce", "3");
  assert.match(nobody.err, /--sequencer: no sequencer 7 on .* \(sequencers: 0 … 2\)/);
  assert.is(node.posted.length, 0);

  const r = await tx("evict", "--key", key, "--sequencer", "2", "--penalty-bps", "500", "--genesis", genesis, "--signer", `${signerFiles[2]},${signerFiles[0]}`, "--governance-nonce", "3", "--wait");
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /sequencer #2 evicted: ejected, stake 100000; the next governance nonce is 4/);
  const payload = ssz.EvictPayload.deserialize(node.posted[0].body.payload);
  assert.equal(payload.action, { sequencerIndex: 2, penaltyBps: 500, nonce: 3 });
  assert.equal(payload.signatures.map((s) => s.signer), [2, 0]);
  const root = governanceSigningRoot(CHAIN, { kind: "evict", action: payload.action });
  for (const s of payload.signatures) assert.ok(ed25519Verify(governance[s.signer].ed25519.publicKey, root, s.signature), `signer ${s.signer}`);
});

test("admit: only under poa; the new key's BLS key with its proof of possession and account", async () => {
  const signers = (await Promise.all(governance.map((k, i) => writeKey(dir, `g${i}.json`, k)))).join(",");
  const newKey = await writeKey(dir, "authority.json", fresh);
  const pos = await writeGenesis(dir, CHAIN, "pos", seqs, governance);
  const refused = await tx("admit", "--key", key, "--new-key", newKey, "--genesis", pos, "--signer", signers, "--governance-nonce", "0");
  assert.match(refused.err, /this chain runs pos; admit txs belong to the poa mechanism/);
  const poa = await writeGenesis(dir, CHAIN, "poa", seqs, governance);
  const r = await tx("admit", "--key", key, "--new-key", newKey, "--genesis", poa, "--signer", signers, "--governance-nonce", "0");
  assert.is(r.code, 0, r.err);
  const payload = ssz.AdmitPayload.deserialize(node.posted[0].body.payload);
  assert.equal(payload.action.pubkey, fresh.bls.publicKey);
  assert.equal(payload.action.account, fresh.ed25519.publicKey);
  assert.is(payload.signatures.length, 3);
});

test("delegate, undelegate, commission, rejoin, unstake: their payloads; a rejoin of an active sequencer is refused", async () => {
  const cases: [string[], TxKind][] = [
    [["delegate", "--sequencer", "1", "--amount", "700"], TxKind.delegate],
    [["undelegate", "--sequencer", "1", "--amount", "300"], TxKind.undelegate],
    [["commission", "--commission-bps", "250"], TxKind.commission],
    [["rejoin", "--index", "2"], TxKind.rejoin],
    [["unstake", "--amount", "1000"], TxKind.unstake],
  ];
  for (const [argv, kind] of cases) {
    const r = await tx(...argv, "--key", key);
    assert.is(r.code, 0, `${argv[0]}: ${r.err}`);
    assert.is(node.posted.at(-1)?.body.kind, kind, argv[0]);
  }
  assert.equal(ssz.DelegationPayload.deserialize(node.posted[0].body.payload), { sequencerIndex: 1, amount: 700n });
  assert.equal(ssz.CommissionPayload.deserialize(node.posted[2].body.payload), { sequencerIndex: 0, commissionBps: 250 });
  const active = await tx("rejoin", "--key", key);
  assert.match(active.err, /sequencer 0 is active, not ejected: nothing to rejoin/);
  const tooMuch = await tx("unstake", "--key", key, "--amount", "100001");
  assert.match(tooMuch.err, /--amount: sequencer 0 has 100000 staked, less than 100001/);
});

test.run();
