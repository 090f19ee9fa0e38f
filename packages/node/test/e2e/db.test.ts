import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ed25519FromSeed, signTx, TxKind, type SignedBatch, type State } from "@baton/core";
import { BatonDb, DbError, DbErrorCode, MetaKey } from "../../src/db/index.js";

const DB_MODULE = fileURLToPath(new URL("../../src/db/index.ts", import.meta.url));

const root = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const pubkey = (n: number): Uint8Array => new Uint8Array(48).fill(n);
const plain = (b: Uint8Array | null): number[] | null => (b === null ? null : Array.from(b));

function makeBatch(slot: number, parent: Uint8Array): SignedBatch {
  const key = ed25519FromSeed(new Uint8Array(32).fill(7));
  const txs = [0, 1].map((nonce) =>
    signTx(1, { sender: key.publicKey, nonce, fee: 5n, kind: TxKind.user, payload: new Uint8Array([slot, nonce]) }, key),
  );
  const header = { chainId: 1, slot, height: slot, proposerIndex: 0, parentRoot: parent, txRoot: root(9), stateRoot: root(8) };
  return { header: { ...header, randaoReveal: new Uint8Array(96).fill(3) }, txs, signature: new Uint8Array(96).fill(4) };
}

function makeState(slot: number): State {
  const committee = { epoch: 0, seed: root(2), members: [{ index: 0, weight: 100n }], equalShares: false, fallbacks: [] };
  return {
    chainId: 1, slot, height: slot, epoch: 0, randaoMix: root(1), currentCommittee: committee, nextCommittee: committee,
    sequencers: [
      { pubkey: pubkey(1), account: root(3), stake: 100n, status: 0, produced: 1, misses: 0, consecutiveMisses: 0,
        ejectedEpoch: 0, rejoinEpoch: 0, slashed: false, tokenStakes: [], delegated: 0n, commissionBps: 0, score: 1_000_000,
        probationUntil: 0, lastProduced: 0, lastMisses: 0, restakeOwed: 0n, bondLockedUntil: 0, evicted: false, lastCommitteeEpoch: 0, missBits: 0n },
    ],
    accounts: [{ pubkey: root(3), balance: 10n ** 18n, nonce: 2, tokens: [] }],
    treasury: 0n,
    burned: 0n,
    leaked: 0n, issued: 0n, supply: 10n ** 18n + 100n, graceUntilSlot: 0, governanceNonce: 0, epochTxs: 0, txVolume: 0, bids: [], delegations: [], unbonding: [],
  };
}

/**
 * Runs a child node process that opens `dir` with BatonDb. mode "hold": keeps it open until
 * its stdin closes; mode "try": prints the error code (or "OPENED") and exits.
 */
function startChild(dir: string, mode: "hold" | "try") {
  const code = `
    const { BatonDb } = await import(${JSON.stringify(DB_MODULE)});
    let db;
    try { db = await BatonDb.open(${JSON.stringify(dir)}); } catch (e) { console.log("ERR " + e.code); process.exit(0); }
    if (${JSON.stringify(mode)} === "try") { console.log("OPENED"); await db.close(); process.exit(0); }
    console.log("READY");
    process.stdin.resume();
    process.stdin.on("end", async () => { await db.close(); process.exit(0); });
  `;
  const child = spawn(process.execPath, [...process.execArgv, "--input-type=module", "-e", code], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  const exited = new Promise<string>((resolve) => child.on("exit", () => resolve(out.trim())));
  const line = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(out.trim());
    });
    child.on("exit", () => resolve(out.trim()));
    setTimeout(() => reject(new Error("child did not answer within 20 s")), 20_000).unref();
  });
  return { child, line, exited };
}

const test = suite("db");
let dir = "";

test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), "baton-db-test-"));
});
test.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

test("batch, state, meta and tx index round trips", async () => {
  const db = await BatonDb.open(dir);
  try {
    const batch = makeBatch(5, root(0));
    assert.is(await db.batches.get(root(5)), null);
    assert.is(await db.batches.has(root(5)), false);
    await db.batches.put(root(5), batch);
    assert.is(await db.batches.has(root(5)), true);
    assert.equal(await db.batches.get(root(5)), batch);
    assert.ok((await db.batches.getBytes(root(5)))!.length > 0);
    await db.batches.delete(root(5));
    assert.is(await db.batches.get(root(5)), null);

    const state = makeState(5);
    await db.states.put(root(5), state);
    assert.equal(await db.states.get(root(5)), state);

    await db.meta.put(MetaKey.headRoot, root(5));
    assert.equal(plain(await db.meta.get(MetaKey.headRoot)), plain(root(5)));
    assert.is(await db.meta.get("nothing"), null);

    await db.txIndex.put(root(11), root(5));
    assert.equal(plain(await db.txIndex.get(root(11))), plain(root(5)));

    assert.throws(() => db.batches.putOp(new Uint8Array(31), batch), /32 bytes/);
  } finally {
    await db.close();
  }
});

test("writeAtomic updates several buckets in one batch", async () => {
  const db = await BatonDb.open(dir);
  try {
    const batch = makeBatch(1, root(0));
    await db.meta.put(MetaKey.confirmedRoot, root(0));
    await db.writeAtomic([
      db.batches.putOp(root(1), batch),
      db.canonical.putOp(1, root(1)),
      db.states.putOp(root(1), makeState(1)),
      db.txIndex.putOp(root(21), root(1)),
      db.meta.putOp(MetaKey.headRoot, root(1)),
      db.meta.deleteOp(MetaKey.confirmedRoot),
    ]);
    assert.equal(await db.batches.get(root(1)), batch);
    assert.equal(plain(await db.canonical.get(1)), plain(root(1)));
    assert.equal(await db.states.get(root(1)), makeState(1));
    assert.equal(plain(await db.txIndex.get(root(21))), plain(root(1)));
    assert.equal(plain(await db.meta.get(MetaKey.headRoot)), plain(root(1)));
    assert.is(await db.meta.get(MetaKey.confirmedRoot), null);
    await db.writeAtomic([]); // nothing to do
  } finally {
    await db.close();
  }
});

test("canonical index: range by height, stops at a gap, last height", async () => {
  const db = await BatonDb.open(dir);
  try {
    assert.is(await db.canonical.lastHeight(), null);
    // 255 and 256 check big-endian ordering across a byte boundary
    const heights = [0, 1, 2, 3, 4, 255, 256, 257];
    await db.writeAtomic(heights.map((h) => db.canonical.putOp(h, root(h % 250))));
    await db.meta.put("zzz", root(1)); // a later bucket must not leak into the range
    assert.equal((await db.canonical.getRange(1, 3)).map(plain), [1, 2, 3].map((h) => plain(root(h))));
    assert.equal((await db.canonical.getRange(3, 10)).map(plain), [3, 4].map((h) => plain(root(h))));
    assert.equal((await db.canonical.getRange(255, 5)).map(plain), [255, 256, 257].map((h) => plain(root(h % 250))));
    assert.equal(await db.canonical.getRange(5, 10), []);
    assert.equal(await db.canonical.getRange(0, 0), []);
    assert.is(await db.canonical.lastHeight(), 257);
  } finally {
    await db.close();
  }
});

test("reopen after close keeps the data", async () => {
  const db = await BatonDb.open(dir);
  const batch = makeBatch(3, root(2));
  await db.writeAtomic([db.batches.putOp(root(3), batch), db.canonical.putOp(3, root(3)), db.meta.putOp(MetaKey.headRoot, root(3))]);
  await db.close();
  await db.close(); // idempotent

  const again = await BatonDb.open(dir);
  try {
    assert.equal(await again.batches.get(root(3)), batch);
    assert.equal(plain(await again.canonical.get(3)), plain(root(3)));
    assert.equal(plain(await again.meta.get(MetaKey.headRoot)), plain(root(3)));
  } finally {
    await again.close();
  }
});

test("slashing protection: only goes up, persisted across reopen", async () => {
  const db = await BatonDb.open(dir);
  const pk = pubkey(1);
  assert.is(await db.slashing.getLastSignedSlot(pk), null);
  await db.slashing.setLastSignedSlot(pk, 10);
  assert.is(await db.slashing.getLastSignedSlot(pk), 10);
  await db.slashing.setLastSignedSlot(pk, 10); // same slot: no-op
  await db.slashing.setLastSignedSlot(pk, 12);
  try {
    await db.slashing.setLastSignedSlot(pk, 11);
    assert.unreachable("lowering the slot must throw");
  } catch (e) {
    assert.instance(e, DbError);
    assert.is((e as DbError).code, DbErrorCode.SLASHING_PROTECTION);
  }
  // claimSlot (check-and-record before signing) refuses the same slot twice
  await db.slashing.claimSlot(pk, 13);
  await assertRejects(db.slashing.claimSlot(pk, 13), DbErrorCode.SLASHING_PROTECTION);
  // concurrent claims of one slot: exactly one wins
  const results = await Promise.allSettled([db.slashing.claimSlot(pk, 14), db.slashing.claimSlot(pk, 14)]);
  assert.equal(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
  assert.is(await db.slashing.getLastSignedSlot(pubkey(2)), null);
  await db.close();

  const again = await BatonDb.open(dir);
  try {
    assert.is(await again.slashing.getLastSignedSlot(pk), 14);
    await assertRejects(again.slashing.setLastSignedSlot(pk, 5), DbErrorCode.SLASHING_PROTECTION);
  } finally {
    await again.close();
  }
});

test("a data dir open in another process gives a clear error", async () => {
  const holder = startChild(dir, "hold");
  try {
    assert.is(await holder.line, "READY");
    try {
      await BatonDb.open(dir);
      assert.unreachable("second open must fail");
    } catch (e) {
      assert.instance(e, DbError);
      assert.is((e as DbError).code, DbErrorCode.LOCKED);
      assert.is((e as Error).message, `data dir ${dir} is in use by another process`);
    }
  } finally {
    holder.child.stdin.end();
    await holder.exited;
  }
  const db = await BatonDb.open(dir); // released once the other process closed it
  await db.close();
});

test("a second open in the same process is refused and keeps the lock", async () => {
  const db = await BatonDb.open(dir);
  try {
    await assertRejects(BatonDb.open(dir), DbErrorCode.LOCKED);
    await db.meta.put("still", root(1)); // the first instance still works
    const other = startChild(dir, "try");
    assert.is(await other.exited, `ERR ${DbErrorCode.LOCKED}`);
  } finally {
    await db.close();
  }
});

async function assertRejects(p: Promise<unknown>, code: DbErrorCode): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.is((e as DbError).code, code);
    return;
  }
  assert.unreachable(`expected a ${code} error`);
}

test.run();
