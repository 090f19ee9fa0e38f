/** Txs in and out: bundling, gossip validation outcomes, and rebroadcast of local txs still pending. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { pino } from "pino";
import { makeUserTx, toHex, txHash } from "@baton/core";
import { edKey } from "@baton/core/testing";
import { Mempool } from "../../src/mempool/index.js";
import { GossipAction, GossipValidationError } from "../../src/network/errors.js";
import { decodeTxGossip, encodeTxGossip, TxService } from "../../src/txs/index.js";

const test = suite("txService");
const CHAIN = 5;
const key = edKey("sender");

function setup() {
  let now = 1_000;
  const sent: Uint8Array[] = [];
  const mempool = new Mempool({ chainId: CHAIN, maxSize: 100, minFee: 1n, maxPayloadBytes: 100 }, { metrics: null, now: () => now });
  const svc = new TxService(
    { flushIntervalMs: 1, maxBundleTxs: 10, rebroadcastMs: 1_000, maxLocalTxs: 100 },
    { mempool, publishTxs: (d) => sent.push(d), logger: pino({ level: "silent" }), now: () => now },
  );
  return { mempool, svc, sent, tick: (ms: number) => (now += ms) };
}
const tx = (nonce: number) => makeUserTx(CHAIN, key, { nonce, fee: 1n, payload: new Uint8Array([nonce]) });

/** Validation is async (bundles are verified in slices): a sync throw and a rejection count alike. */
async function outcome(fn: () => Promise<void> | void): Promise<string> {
  try {
    await fn();
    return "accept";
  } catch (e) {
    return e instanceof GossipValidationError ? `${e.action}${e.code === "TXS_QUEUE_FULL" ? " (queue full)" : ""}` : "error";
  }
}

test("submitted txs go out in bundles; a resubmission is not a new tx", () => {
  const { svc, sent } = setup();
  const r = svc.submit([tx(0), tx(1), tx(1)]);
  assert.is(r.length, 3);
  assert.ok(r.every((x) => !x.error));
  svc.flush();
  const all = sent.flatMap((d) => decodeTxGossip(d).txs.map((t) => toHex(txHash(t))));
  assert.equal(new Set(all).size, 2);
  svc.stop();
});

test("a local tx still pending is sent again later, in a message with new bytes; once included it is not", () => {
  const { svc, sent, tick, mempool } = setup();
  svc.submit([tx(0)]);
  svc.flush();
  const first = sent.length;
  assert.is(svc.rebroadcast(), 0, "too early");
  tick(1_500);
  assert.is(svc.rebroadcast(), 1);
  svc.flush();
  assert.is(sent.length, first + 1);
  assert.is.not(toHex(sent[sent.length - 1]), toHex(sent[0]), "distinct gossip bytes (message id)");
  mempool.removeIncluded([tx(0)]);
  tick(1_500);
  assert.is(svc.rebroadcast(), 0, "included: no more rebroadcasts");
  // a reorg puts it back in the pool: it is sent again
  mempool.reinsert([tx(0)]);
  tick(1_500);
  assert.is(svc.rebroadcast(), 1, "back in the pool after a reorg: sent again");
  svc.stop();
});

test("gossip validation: new → accept, known → ignore, bad signature or malformed → reject", async () => {
  const { svc } = setup();
  const fresh = encodeTxGossip([tx(0), tx(1)], 1);
  assert.is(await outcome(() => svc.validateGossip(fresh)), "accept");
  assert.is(await outcome(() => svc.validateGossip(encodeTxGossip([tx(0)], 2))), GossipAction.IGNORE);
  const forged = { ...tx(2), signature: new Uint8Array(64).fill(3) };
  assert.is(await outcome(() => svc.validateGossip(encodeTxGossip([forged], 3))), GossipAction.REJECT);
  assert.is(await outcome(() => svc.validateGossip(new Uint8Array([1, 2]))), GossipAction.REJECT);
  assert.is(await outcome(() => svc.validateGossip(new Uint8Array(20).fill(255))), GossipAction.REJECT);
  svc.stop();
});

test("bundles are checked in slices from a bounded queue; a full queue ignores bundles and makes the API push back", async () => {
  const sent: Uint8Array[] = [];
  const mempool = new Mempool({ chainId: CHAIN, maxSize: 100, minFee: 1n, maxPayloadBytes: 100 }, { metrics: null });
  const svc = new TxService(
    { flushIntervalMs: 1, maxBundleTxs: 10, rebroadcastMs: 1_000, maxLocalTxs: 100, maxQueuedTxs: 4, sliceMs: 0 },
    { mempool, publishTxs: (d) => sent.push(d), logger: pino({ level: "silent" }) },
  );
  const first = svc.validateGossip(encodeTxGossip([tx(0), tx(1), tx(2), tx(3)], 1));
  assert.is(svc.queued, 4, "queued, not checked yet: the validation yields first");
  assert.is(mempool.size, 0);
  assert.is(await outcome(() => svc.validateGossip(encodeTxGossip([tx(4), tx(5), tx(6)], 2))), "ignore (queue full)");
  const refused = svc.submit([tx(9)]);
  assert.is(refused[0].error?.code, "MEMPOOL_FULL", "the API answers 503 while the queue is full");
  await first;
  assert.is(mempool.size, 4);
  assert.is(svc.queued, 0);
  assert.is(svc.submit([tx(4)])[0].error, undefined);
  const late = outcome(() => svc.validateGossip(encodeTxGossip([tx(5)], 3)));
  svc.stop();
  assert.is(await late, GossipAction.IGNORE, "a bundle still queued at stop is ignored");
});

test.run();
