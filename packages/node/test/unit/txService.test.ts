/** Txs in and out: bundling, gossip validation outcomes, and rebroadcast of local txs still pending. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { pino } from "pino";
import { makeUserTx, toHex, txHash } from "@baton/core";
import { edKey } from "../../../core/test/unit/helpers.js";
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

function outcome(fn: () => void): string {
  try {
    fn();
    return "accept";
  } catch (e) {
    return e instanceof GossipValidationError ? e.action : "error";
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
  svc.stop();
});

test("gossip validation: new → accept, known → ignore, bad signature or malformed → reject", () => {
  const { svc } = setup();
  const fresh = encodeTxGossip([tx(0), tx(1)], 1);
  assert.is(outcome(() => svc.validateGossip(fresh)), "accept");
  assert.is(outcome(() => svc.validateGossip(encodeTxGossip([tx(0)], 2))), GossipAction.IGNORE);
  const forged = { ...tx(2), signature: new Uint8Array(64).fill(3) };
  assert.is(outcome(() => svc.validateGossip(encodeTxGossip([forged], 3))), GossipAction.REJECT);
  assert.is(outcome(() => svc.validateGossip(new Uint8Array([1, 2]))), GossipAction.REJECT);
  assert.is(outcome(() => svc.validateGossip(new Uint8Array(20).fill(255))), GossipAction.REJECT);
  svc.stop();
});

test.run();
