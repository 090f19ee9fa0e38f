import { suite } from "uvu";
import * as assert from "uvu/assert";
import { decodeTx, ed25519FromSeed, fromHex, toHex, txHash, verifyTxSignature, type Tx } from "@baton/core";
import { ApiError, ApiUnreachableError } from "@baton/client";
import { LoadGenerator, type LoadApi, type LoadOptions } from "../../src/load.js";

const CHAIN_ID = 31337;
const accounts = [1, 2, 3].map((b) => ed25519FromSeed(new Uint8Array(32).fill(b)));
const who = (tx: Tx) => accounts.findIndex((a) => toHex(a.publicKey) === toHex(tx.body.sender));

/**
 * A fake node API with a nonce-checking "mempool": a tx is acknowledged iff its nonce is the
 * sender's next one. `refuse` can force refusals; `down` makes a URL unreachable.
 */
class FakeApi implements LoadApi {
  next = new Map<string, number>();
  posts: { url: string; txs: Tx[] }[] = [];
  nonceQueries: string[] = [];
  refuseNext = 0;
  down = new Set<string>();
  async postTxs(url: string, txsHex: string[]) {
    if (this.down.has(url)) throw new ApiUnreachableError(url, new Error("ECONNREFUSED"));
    const txs = txsHex.map((h) => decodeTx(fromHex(h)));
    this.posts.push({ url, txs });
    const hashes: string[] = [];
    for (const tx of txs) {
      assert.ok(verifyTxSignature(CHAIN_ID, tx), "signed for the chain");
      const key = toHex(tx.body.sender);
      const expected = this.next.get(key) ?? 0;
      if (this.refuseNext > 0) {
        this.refuseNext--;
        continue;
      }
      if (tx.body.nonce !== expected) continue;
      this.next.set(key, expected + 1);
      hashes.push(toHex(txHash(tx)));
    }
    if (hashes.length === 0) throw new ApiError("TX_BAD_NONCE", "txs[0]: bad nonce", 400);
    return { hashes };
  }
  async getNonce(_url: string, pubkey: string) {
    this.nonceQueries.push(pubkey);
    return this.next.get(pubkey) ?? 0;
  }
}

const make = (api: FakeApi, over: Partial<LoadOptions> = {}) =>
  new LoadGenerator({ rate: 60, tickMs: 100, apiUrls: ["http://a", "http://b"], accounts, chainId: CHAIN_ID, api, now: () => 0, ...over });

/** One tick, then let the nonce look-ups it started finish. */
async function tick(g: LoadGenerator) {
  await g.tick();
  await new Promise((r) => setImmediate(r));
}

const load = suite("devnet: load generator");

load("first tick reads nonces; then every account's nonces go up by one", async () => {
  const api = new FakeApi();
  const g = make(api);
  await tick(g); // 6 txs due, but nonces are unknown: look-ups only
  assert.is(api.posts.length, 0);
  assert.is(api.nonceQueries.length, 3);
  assert.equal(g.nonces(), [0, 0, 0]);
  for (let i = 0; i < 5; i++) await tick(g);
  const sent = api.posts.flatMap((p) => p.txs);
  assert.is(sent.length, 30);
  for (const a of [0, 1, 2]) assert.equal(sent.filter((t) => who(t) === a).map((t) => t.body.nonce), [...Array(10).keys()]);
  assert.equal(g.stats, { sent: 30, acknowledged: 30, refused: 0, failed: 0, inFlight: 0, skippedTicks: 0, lastError: null });
  assert.equal(g.nonces(), [10, 10, 10]);
});

load("bundles go round-robin across nodes", async () => {
  const api = new FakeApi();
  const g = make(api);
  for (let i = 0; i < 5; i++) await tick(g);
  assert.equal(api.posts.map((p) => p.url), ["http://a", "http://b", "http://a", "http://b"]);
});

load("fractional rates add up over ticks", async () => {
  const api = new FakeApi();
  const g = make(api, { rate: 5 }); // 0.5 tx per tick
  await g.prepare();
  for (let i = 0; i < 20; i++) await tick(g);
  assert.is(g.stats.sent, 10);
});

load("a refused tx makes its account re-read its nonce, then sending resumes", async () => {
  const api = new FakeApi();
  const g = make(api, { rate: 30 }); // 3 txs per tick: one per account
  await tick(g);
  await tick(g);
  assert.equal(g.nonces(), [1, 1, 1]);
  api.refuseNext = 1; // the next tx (account 0, nonce 1) is refused; the others pass
  await tick(g);
  assert.is(g.stats.refused, 1);
  assert.equal(g.nonces(), [null, 2, 2]);
  // account 1 and 2's nonce 2 were acknowledged; account 0 re-reads nonce 1 from the node
  await tick(g);
  await tick(g);
  assert.ok(api.nonceQueries.filter((q) => q === toHex(accounts[0].publicKey)).length >= 2);
  const zero = api.posts.flatMap((p) => p.txs).filter((t) => who(t) === 0).map((t) => t.body.nonce);
  assert.equal(zero, [0, 1, 1], "nonce 1 sent again after the refusal");
  assert.is(api.next.get(toHex(accounts[0].publicKey)), 2);
  assert.is(g.stats.acknowledged, g.stats.sent - 1);
});

load("a gap (the node lost txs) heals through the nonce look-up", async () => {
  const api = new FakeApi();
  const g = make(api, { rate: 30 });
  await tick(g);
  await tick(g);
  await tick(g); // nonces 0, 1 acknowledged
  api.next.set(toHex(accounts[1].publicKey), 1); // the node forgot account 1's nonce-1 tx
  await tick(g); // account 1 sends nonce 2: refused
  assert.is(g.nonces()[1], null);
  for (let i = 0; i < 3; i++) await tick(g);
  const one = api.posts.flatMap((p) => p.txs).filter((t) => who(t) === 1).map((t) => t.body.nonce);
  assert.equal(one.slice(-2), [1, 2]);
});

load("a nonce is signed once: a stale nonce read sends the same tx again, never a second one", async () => {
  const api = new FakeApi();
  const g = make(api, { rate: 30 });
  for (let i = 0; i < 3; i++) await tick(g); // nonce look-ups, then nonces 0 and 1 acknowledged
  api.next.set(toHex(accounts[0].publicKey), 1); // a node behind (just unfrozen): account 0 at nonce 1
  for (let i = 0; i < 4; i++) await tick(g); // nonce 2 refused, nonce 1 re-read, 1 and 2 sent again
  const all = api.posts.flatMap((p) => p.txs);
  const zero = all.filter((t) => who(t) === 0).map((t) => t.body.nonce);
  assert.equal(zero.slice(0, 5), [0, 1, 2, 1, 2]);
  const hashes = new Map<string, Set<string>>();
  for (const t of all) {
    const k = `${toHex(t.body.sender)}:${t.body.nonce}`;
    hashes.set(k, (hashes.get(k) ?? new Set()).add(toHex(txHash(t))));
  }
  for (const [k, h] of hashes) assert.is(h.size, 1, `one tx for ${k}`);
});

load("an unreachable node counts as failed and is skipped for a while", async () => {
  let now = 0;
  const api = new FakeApi();
  const g = make(api, { now: () => now });
  await g.prepare();
  api.down.add("http://a");
  await tick(g); // goes to a: fails
  assert.is(g.stats.failed, 6);
  assert.match(g.stats.lastError ?? "", /no answer/);
  for (let i = 0; i < 4; i++) await tick(g);
  assert.ok(api.posts.slice(-2).every((p) => p.url === "http://b"), "b only while a is down");
  api.down.clear();
  now = 3_000;
  for (let i = 0; i < 3; i++) await tick(g);
  assert.ok(api.posts.slice(-2).some((p) => p.url === "http://a"), "a is tried again later");
  // nothing acknowledged is lost track of: every account's nonce matches the fake node's
  for (const [i, a] of accounts.entries()) {
    const n = g.nonces()[i];
    if (n !== null) assert.is(n, api.next.get(toHex(a.publicKey)) ?? 0);
  }
});

load("onAcknowledged reports the acknowledged hashes", async () => {
  const api = new FakeApi();
  const seen: string[] = [];
  const g = make(api, { onAcknowledged: (h) => seen.push(...h) });
  for (let i = 0; i < 3; i++) await tick(g);
  const sent = api.posts.flatMap((p) => p.txs).map((t) => toHex(txHash(t)));
  assert.equal(seen, sent);
});

load("stop() waits for outstanding answers", async () => {
  const api = new FakeApi();
  let release!: () => void;
  const slow: LoadApi = {
    getNonce: (u, p) => api.getNonce(u, p),
    postTxs: async (u, t) => {
      await new Promise<void>((r) => (release = r));
      return api.postTxs(u, t);
    },
  };
  const g = make(api, { api: slow });
  await tick(g);
  void g.tick();
  await new Promise((r) => setImmediate(r));
  assert.is(g.stats.inFlight, 1);
  const stopped = g.stop();
  release();
  await stopped;
  assert.is(g.stats.inFlight, 0);
  assert.is(g.stats.acknowledged, 6);
});
load.run();
