import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ed25519FromSeed, signTx, toHex, txHash, TxKind, type Ed25519Keypair, type Tx } from "@baton/core";
import { Mempool, MempoolError, MempoolErrorCode, type MempoolMetrics } from "../../src/mempool/index.js";

const CHAIN_ID = 7;
const keys = new Map<number, Ed25519Keypair>();
const senderIndexByKey = new Map<string, number>();
function key(sender: number): Ed25519Keypair {
  if (!keys.has(sender)) {
    const k = ed25519FromSeed(new Uint8Array(32).fill(sender + 1));
    keys.set(sender, k);
    senderIndexByKey.set(toHex(k.publicKey), sender);
  }
  return keys.get(sender)!;
}
const senderIndex = (sender: Uint8Array) => senderIndexByKey.get(toHex(sender)) ?? -1;

function makeTx(sender: number, nonce: number, opts: { fee?: bigint; payload?: Uint8Array } = {}): Tx {
  const k = key(sender);
  const payload = opts.payload ?? new Uint8Array([sender & 0xff, nonce & 0xff]);
  return signTx(CHAIN_ID, { sender: k.publicKey, nonce, fee: opts.fee ?? 10n, kind: TxKind.user, payload }, k);
}
const hashOf = (tx: Tx) => toHex(txHash(tx));
const label = (tx: Tx) => `${senderIndex(tx.body.sender)}:${tx.body.nonce}`;

class FakeMetrics implements MempoolMetrics {
  rejected: string[] = [];
  size = 0;
  inclusions: number[] = [];
  onRejected = (code: MempoolErrorCode) => void this.rejected.push(code);
  setSize = (n: number) => void (this.size = n);
  observeInclusion = (seconds: number) => void this.inclusions.push(seconds);
}

function setup(over: { maxSize?: number; minFee?: bigint; maxPayloadBytes?: number; verifiedCacheSize?: number } = {}) {
  const clock = { t: 1_000_000 };
  const metrics = new FakeMetrics();
  const pool = new Mempool({ chainId: CHAIN_ID, maxSize: 100, minFee: 1n, maxPayloadBytes: 64, ...over }, { metrics, now: () => clock.t });
  return { pool, metrics, clock };
}

function expectCode(fn: () => unknown, code: MempoolErrorCode, message?: RegExp) {
  try {
    fn();
  } catch (e) {
    assert.instance(e, MempoolError);
    assert.is((e as MempoolError).code, code);
    if (message) assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

/** sender → next nonce, as the head state would say */
const nonces = (m: Record<number, number>) => (sender: Uint8Array) => m[senderIndex(sender)] ?? 0;
/** Accounts of the head state: sender index → nonce (balance 1,000); others do not exist. */
const accounts = (m: Record<number, number>, balance = 1_000n) => (sender: Uint8Array) => {
  const nonce = m[senderIndex(sender)];
  return nonce === undefined ? undefined : { nonce, balance };
};

const test = suite("mempool");

test("add: dedup by hash, lookups, arrival time", () => {
  const { pool, metrics, clock } = setup();
  const tx = makeTx(1, 0);
  const first = pool.add(tx);
  assert.equal(first, { hash: hashOf(tx), added: true });
  assert.match(first.hash, /^0x[0-9a-f]{64}$/);
  clock.t += 500;
  assert.equal(pool.add(tx), { hash: hashOf(tx), added: false });
  assert.is(pool.size, 1);
  assert.is(metrics.size, 1);
  assert.ok(pool.has(first.hash));
  assert.is(pool.get(first.hash), tx);
  assert.is(pool.arrivalTime(first.hash), 1_000_000);
  assert.equal(pool.pendingHashes(), [first.hash]);
  assert.is(pool.get("0x00"), undefined);
});

const rejections: Array<[string, (p: ReturnType<typeof setup>) => Tx, MempoolErrorCode, RegExp?]> = [
  ["forged signature", () => ({ ...makeTx(1, 0), signature: new Uint8Array(64).fill(1) }), MempoolErrorCode.BAD_SIGNATURE],
  ["body changed after signing", () => ({ ...makeTx(1, 0), body: { ...makeTx(1, 0).body, fee: 999n } }), MempoolErrorCode.BAD_SIGNATURE],
  ["signed for another chain", () => signTx(CHAIN_ID + 1, makeTx(1, 0).body, key(1)), MempoolErrorCode.BAD_SIGNATURE],
  ["fee below minimum", () => makeTx(1, 0, { fee: 0n }), MempoolErrorCode.FEE_TOO_LOW, /below the minimum 1/],
  ["payload too large", () => makeTx(1, 0, { payload: new Uint8Array(65) }), MempoolErrorCode.TOO_LARGE, /65 bytes/],
  ["same sender+nonce as a pending tx", ({ pool }) => (pool.add(makeTx(1, 0)), makeTx(1, 0, { payload: new Uint8Array([42]) })),
    MempoolErrorCode.DUPLICATE_NONCE],
  ["nonce already used in the head state", ({ pool }) => (pool.setAccountLookup(accounts({ 1: 3 })), makeTx(1, 2)),
    MempoolErrorCode.STALE_NONCE],
  // issue 12: 50,000 txs from unfunded keys filled every node's pool; issue 11: an unfunded account's tx vanished silently
  ["a sender with no account", ({ pool }) => (pool.setAccountLookup(accounts({ 1: 0 })), makeTx(2, 0)),
    MempoolErrorCode.UNKNOWN_SENDER, /must be funded/],
  ["a fee the balance cannot pay", ({ pool }) => (pool.setAccountLookup(accounts({ 1: 0 }, 5n)), makeTx(1, 0, { fee: 10n })),
    MempoolErrorCode.INSUFFICIENT_BALANCE, /balance 5 cannot pay the fee 10/],
  ["a nonce 10^6 ahead", ({ pool }) => (pool.setAccountLookup(accounts({ 1: 0 })), makeTx(1, 1_000_000)),
    MempoolErrorCode.NONCE_TOO_FAR, /more than 256 above the account nonce 0/],
  ["pool full", ({ pool }) => (pool.add(makeTx(1, 0)), pool.add(makeTx(2, 0)), makeTx(3, 0)),
    MempoolErrorCode.FULL, /full \(max size 2 txs\)/],
];
for (const [name, build, code, message] of rejections) {
  test(`add rejects: ${name}`, () => {
    const p = setup({ maxSize: 2 });
    const tx = build(p);
    const sizeBefore = p.pool.size;
    expectCode(() => p.pool.add(tx), code, message);
    assert.is(p.pool.size, sizeBefore);
    assert.equal(p.metrics.rejected, [code]);
    assert.is(p.pool.isVerified(hashOf(tx)), false);
  });
}

test("select: per sender only nonces contiguous from the state nonce", () => {
  const { pool } = setup();
  for (const [s, n] of [[1, 0], [1, 1], [1, 3], [2, 5], [2, 6], [3, 1]]) pool.add(makeTx(s, n));
  const pick = (m: Record<number, number>, max = 100) => pool.select(max, nonces(m)).map(label);
  assert.equal(pick({ 1: 0, 2: 5, 3: 0 }), ["1:0", "1:1", "2:5", "2:6"]); // 1:3 after a gap, 3:1 waits for nonce 0
  assert.equal(pick({ 1: 1, 2: 6, 3: 1 }), ["1:1", "2:6", "3:1"]);
  assert.equal(pick({ 1: 2, 2: 0, 3: 2 }), []);
  assert.equal(pick({ 1: 3 }), ["1:3"]);
  assert.equal(pick({ 1: 0, 2: 5 }, 3), ["1:0", "1:1", "2:5"]); // stops at max
  assert.equal(pick({ 1: 0 }, 0), []);
  assert.is(pool.size, 6); // select does not remove
});

test("select: senders in order of their oldest pending tx", () => {
  const { pool } = setup();
  for (const [s, n] of [[2, 0], [1, 0], [1, 1], [2, 1], [3, 0]]) pool.add(makeTx(s, n)); // in this arrival order
  assert.equal(pool.select(10, nonces({})).map(label), ["2:0", "2:1", "1:0", "1:1", "3:0"]);
  pool.removeIncluded([makeTx(2, 0)]);
  // sender 2's oldest is now 2:1, which arrived after 1:0 but before 3:0
  assert.equal(pool.select(10, nonces({ 2: 1 })).map(label), ["1:0", "1:1", "2:1", "3:0"]);
  pool.removeIncluded([makeTx(1, 0)]);
  // sender 1's oldest is now 1:1, which arrived before 2:1
  assert.equal(pool.select(10, nonces({ 1: 1, 2: 1 })).map(label), ["1:1", "2:1", "3:0"]);
  pool.add(makeTx(1, 0, { payload: new Uint8Array([9]) })); // a later tx does not change sender 1's place
  assert.equal(pool.select(10, nonces({ 1: 0, 2: 1 })).map(label), ["1:0", "1:1", "2:1", "3:0"]);
  pool.removeIncluded([makeTx(1, 1)]);
  pool.removeIncluded([makeTx(1, 0, { payload: new Uint8Array([9]) })]);
  assert.equal(pool.select(10, nonces({ 1: 2, 2: 1 })).map(label), ["2:1", "3:0"]);
});

test("removeIncluded: drops by sender+nonce, observes inclusion latency of exact matches", () => {
  const { pool, metrics, clock } = setup();
  const a = makeTx(1, 0);
  const b = makeTx(1, 1);
  pool.add(a);
  clock.t += 1000;
  pool.add(b);
  pool.add(makeTx(2, 0));
  clock.t += 250;
  const conflicting = makeTx(2, 0, { payload: new Uint8Array([1, 2, 3]) }); // same nonce, other tx
  assert.is(pool.removeIncluded([a, b, conflicting, makeTx(9, 0)]), 3);
  assert.is(pool.size, 0);
  assert.is(metrics.size, 0);
  assert.equal(metrics.inclusions, [1.25, 0.25]);
  assert.is(pool.has(hashOf(a)), false);
  assert.is(pool.arrivalTime(hashOf(a)), undefined);
});

test("reinsert: txs of a lost fork come back without re-verification", () => {
  const { pool, metrics } = setup();
  const txs = [makeTx(1, 0), makeTx(1, 1), makeTx(2, 0)];
  for (const tx of txs) pool.add(tx);
  pool.removeIncluded(txs);
  pool.add(txs[2]); // already pending again: skipped
  const unverifiable = { ...makeTx(3, 0), signature: new Uint8Array(64).fill(7) };
  assert.is(pool.reinsert([...txs, unverifiable]), 3);
  assert.is(pool.size, 4);
  assert.is(metrics.size, 4);
  assert.ok(pool.isVerified(hashOf(unverifiable)));
  assert.equal(pool.select(10, nonces({})).map(label), ["2:0", "1:0", "1:1", "3:0"]);
  // a nonce the head state has used is not put back
  pool.removeIncluded(txs);
  pool.setAccountLookup(accounts({ 1: 1, 2: 0, 3: 0 }));
  assert.is(pool.reinsert(txs), 2);
  assert.equal(pool.select(10, nonces({ 1: 1 })).map(label), ["3:0", "1:1", "2:0"]);
});

test("one sender holds at most maxPerSender places", () => {
  const small = new Mempool({ chainId: CHAIN_ID, maxSize: 100, minFee: 1n, maxPayloadBytes: 64, maxPerSender: 3 }, { metrics: null });
  for (let n = 0; n < 3; n++) small.add(makeTx(1, n));
  expectCode(() => small.add(makeTx(1, 3)), MempoolErrorCode.SENDER_FULL, /3 txs pending already/);
  small.add(makeTx(2, 0)); // others still get in
  assert.is(small.size, 4);
});

test("a pending tx older than ttlMs is dropped, and a full pool makes room that way", () => {
  const clock = { t: 0 };
  const pool = new Mempool({ chainId: CHAIN_ID, maxSize: 2, minFee: 1n, maxPayloadBytes: 64, ttlMs: 1_000 }, { metrics: null, now: () => clock.t });
  pool.add(makeTx(1, 0));
  clock.t = 600;
  pool.add(makeTx(2, 0));
  expectCode(() => pool.add(makeTx(3, 0)), MempoolErrorCode.FULL);
  clock.t = 1_200; // the first is 1.2 s old
  pool.add(makeTx(3, 0));
  assert.equal(pool.select(10, nonces({})).map(label).sort(), ["2:0", "3:0"]);
  clock.t = 5_000;
  assert.is(pool.expire(), 2);
  assert.is(pool.size, 0);
});

// issue 12: with full mempools the slasher's evidence tx was refused MEMPOOL_FULL on every node
test("system txs have a reserve beyond maxSize: a flood of user txs cannot lock out slash evidence", () => {
  const pool = new Mempool({ chainId: CHAIN_ID, maxSize: 2, minFee: 1n, maxPayloadBytes: 64, systemReserve: 1 }, { metrics: null });
  pool.add(makeTx(1, 0));
  pool.add(makeTx(2, 0));
  expectCode(() => pool.add(makeTx(3, 0)), MempoolErrorCode.FULL);
  const k = key(4);
  const slash = signTx(CHAIN_ID, { sender: k.publicKey, nonce: 0, fee: 10n, kind: TxKind.slash, payload: new Uint8Array([1]) }, k);
  assert.ok(pool.add(slash).added);
  const k5 = key(5);
  const another = signTx(CHAIN_ID, { sender: k5.publicKey, nonce: 0, fee: 10n, kind: TxKind.slash, payload: new Uint8Array([2]) }, k5);
  expectCode(() => pool.add(another), MempoolErrorCode.FULL);
});

test("pruneStale: drops txs below the state nonce", () => {
  const { pool, metrics } = setup();
  for (const [s, n] of [[1, 0], [1, 1], [1, 2], [2, 0], [3, 4]]) pool.add(makeTx(s, n));
  assert.is(pool.pruneStale(nonces({ 1: 2, 2: 1, 3: 0 })), 3);
  assert.equal(pool.select(10, nonces({ 1: 2, 3: 4 })).map(label), ["1:2", "3:4"]);
  assert.is(metrics.size, 2);
  assert.is(pool.pruneStale(nonces({})), 0);
});

test("verified cache: outlives the pool entry, bounded, lets add skip the check", () => {
  const { pool } = setup({ verifiedCacheSize: 2 });
  const [a, b, c] = [makeTx(1, 0), makeTx(2, 0), makeTx(3, 0)];
  pool.add(a);
  pool.removeIncluded([a]);
  assert.ok(pool.isVerified(hashOf(a)));
  pool.add(b);
  assert.ok(pool.isVerified(hashOf(a))); // touch a: b is now the least recently used
  pool.add(c);
  assert.is(pool.isVerified(hashOf(b)), false);
  assert.ok(pool.isVerified(hashOf(a)) && pool.isVerified(hashOf(c)));
  // a hash marked verified (e.g. by batch import) is not checked again
  const forged = { ...makeTx(4, 0), signature: new Uint8Array(64).fill(3) };
  pool.markVerified(hashOf(forged));
  assert.ok(pool.add(forged).added);
});

test("many removals between selects keep the fairness order", () => {
  const { pool } = setup({ maxSize: 1000 });
  for (let n = 0; n < 150; n++) pool.add(makeTx(1, n));
  pool.add(makeTx(2, 0));
  for (let n = 0; n < 149; n++) pool.removeIncluded([makeTx(1, n)]); // each pushes a new heap node for sender 1
  pool.add(makeTx(3, 0));
  assert.equal(pool.select(10, nonces({ 1: 149 })).map(label), ["1:149", "2:0", "3:0"]);
});

test("select matches a reference model under random operations", () => {
  let seed = 12345;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const { pool, clock } = setup({ maxSize: 10_000 });
  const state: Record<number, number> = {};
  const pending = new Map<string, { tx: Tx; seq: number }>(); // key "s:n"
  let seq = 0;
  for (let round = 0; round < 60; round++) {
    for (let i = 0; i < 25; i++) {
      const s = rand(12);
      const n = (state[s] ?? 0) + rand(6);
      if (pending.has(`${s}:${n}`)) continue;
      clock.t += 1;
      const tx = makeTx(s, n, { payload: new Uint8Array([round, i]) });
      pool.add(tx);
      pending.set(`${s}:${n}`, { tx, seq: seq++ });
    }
    const max = 1 + rand(40);
    const got = pool.select(max, nonces(state)).map(label);
    // reference: senders by their oldest pending tx, contiguous nonces from the state nonce
    const oldest = new Map<number, number>();
    for (const [k, v] of pending) {
      const s = Number(k.split(":")[0]);
      oldest.set(s, Math.min(oldest.get(s) ?? Infinity, v.seq));
    }
    const want: string[] = [];
    for (const s of [...oldest.keys()].sort((x, y) => oldest.get(x)! - oldest.get(y)!)) {
      for (let n = state[s] ?? 0; want.length < max && pending.has(`${s}:${n}`); n++) want.push(`${s}:${n}`);
    }
    assert.equal(got, want.slice(0, max), `round ${round}`);
    // include a prefix of the selection, advance the state, prune
    const included = got.slice(0, rand(got.length + 1));
    pool.removeIncluded(included.map((l) => pending.get(l)!.tx));
    for (const l of included) {
      const [s, n] = l.split(":").map(Number);
      pending.delete(l);
      state[s] = n + 1;
    }
    pool.pruneStale(nonces(state));
    for (const [k] of pending) if (Number(k.split(":")[1]) < (state[Number(k.split(":")[0])] ?? 0)) pending.delete(k);
    assert.is(pool.size, pending.size);
  }
});

test.run();
