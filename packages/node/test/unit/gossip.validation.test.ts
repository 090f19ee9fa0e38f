/**
 * Gossip validation of batches (issue 12): what is provably invalid is REJECTed (it costs the
 * sender score), never IGNOREd — a batch more than one slot ahead of the clock (after the
 * disparity allowance), a height above its slot, more bytes than any valid batch — and it is
 * refused before any import or parent lookup. A batch with an unknown parent hands the batch
 * itself to the lookup. Every REJECT reaches the peer guard through the topic validator.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { pino } from "pino";
import { TopicValidatorResult } from "@libp2p/gossipsub";
import type { GossipsubMessage } from "@libp2p/gossipsub";
import type { PeerId } from "@libp2p/interface";
import { devnetPreset, encodeSignedBatch, slotStartTime, type ChainConfig, type SignedBatch, type Tx } from "@baton/core";
import type { Chain } from "../../src/chain/index.js";
import { CLOCK_FAULT_MS, maxBatchBytes, validateGossipBatch } from "../../src/chain/validation.js";
import { GossipAction, GossipValidationError } from "../../src/network/errors.js";
import { createTopicValidator } from "../../src/network/gossip.js";
import { GossipType } from "../../src/network/topics.js";

const test = suite("gossip: batch validation");
const config = { ...devnetPreset, genesisTime: 1_000_000, maxBatchTxs: 4, mechanismParams: {} } as unknown as ChainConfig;
const CONFIRMED = 5;

function batch(slot: number, height: number, txs: Tx[] = []): SignedBatch {
  return {
    header: { chainId: config.chainId, slot, height, proposerIndex: 0, parentRoot: new Uint8Array(32).fill(3), txRoot: new Uint8Array(32), stateRoot: new Uint8Array(32), randaoReveal: new Uint8Array(96) },
    txs,
    signature: new Uint8Array(96),
  };
}

/** Every batch it sees has an unknown parent. */
function harness() {
  const imports: number[] = [];
  const lookups: { peer: string; slot: number; bytes: number }[] = [];
  const chain = {
    config,
    getConfirmed: () => ({ height: CONFIRMED }),
    importBatch: async (imported: SignedBatch) => {
      imports.push(imported.header.slot);
      return { status: "unknown_parent" as const, root: "0x", parentRoot: "0x" };
    },
  } as unknown as Chain;
  let lastError: GossipValidationError | null = null;
  const validate = async (input: SignedBatch | Uint8Array, now: number): Promise<string> => {
    const bytes = input instanceof Uint8Array ? input : encodeSignedBatch(input);
    try {
      await validateGossipBatch(bytes, "sender", {
        chain,
        now: () => now,
        onUnknownParent: (peer, orphan, raw) => lookups.push({ peer, slot: orphan.header.slot, bytes: raw.length }),
      });
      return "accept";
    } catch (error) {
      assert.instance(error, GossipValidationError);
      const err = error as GossipValidationError;
      lastError = err;
      return `${err.action}:${err.code}`;
    }
  };
  return { validate, imports, lookups, lastError: () => lastError };
}

const at = (slot: number) => slotStartTime(config, slot);

test("more than one slot ahead of the clock is REJECTed; one slot ahead is IGNOREd; the disparity allowance counts", async () => {
  const { validate, imports } = harness();
  const now = at(100) + 10; // early in slot 100
  assert.is(await validate(batch(102, 50), now), "reject:BATCH_TOO_FAR_IN_FUTURE");
  assert.is(await validate(batch(5_000, 50), now), "reject:BATCH_TOO_FAR_IN_FUTURE");
  assert.is(await validate(batch(101, 50), now), "ignore:BATCH_FROM_FUTURE");
  const late = at(101) - config.clockDisparityMs + 1; // within the allowance of slot 101
  assert.is(await validate(batch(101, 50), late), "ignore:BATCH_UNKNOWN_PARENT", "slot 101 is importable");
  assert.is(await validate(batch(102, 50), late), "ignore:BATCH_FROM_FUTURE", "102 is then one slot ahead");
  assert.is(await validate(batch(103, 50), late), "reject:BATCH_TOO_FAR_IN_FUTURE");
  assert.equal(imports, [101], "nothing refused was imported");
});

test("a batch up to a minute ahead (a clock fault) is REJECTed without counting toward a ban; further ahead it counts", async () => {
  const { validate, lastError } = harness();
  const now = at(100);
  assert.is(await validate(batch(102, 50), now), "reject:BATCH_TOO_FAR_IN_FUTURE");
  assert.is(lastError()?.scored, false, "two slots ahead: gossipsub's score only");
  const minuteSlots = CLOCK_FAULT_MS / config.slotMs;
  assert.is(await validate(batch(100 + minuteSlots, 50), now), "reject:BATCH_TOO_FAR_IN_FUTURE");
  assert.is(lastError()?.scored, false, "a minute ahead");
  assert.is(await validate(batch(101 + minuteSlots, 50), now), "reject:BATCH_TOO_FAR_IN_FUTURE");
  assert.is(lastError()?.scored, true, "more than a minute ahead");
  assert.is(await validate(batch(40, 41), now), "reject:BATCH_HEIGHT_ABOVE_SLOT");
  assert.is(lastError()?.scored, true);
});

test("a height above its slot is REJECTed before import", async () => {
  const { validate, imports, lookups } = harness();
  assert.is(await validate(batch(40, 41), at(100)), "reject:BATCH_HEIGHT_ABOVE_SLOT");
  assert.equal(imports, []);
  assert.equal(lookups, []);
});

test("more bytes than any valid batch under the chain's limits is REJECTed before it is decoded or looked up", async () => {
  const { validate, imports, lookups } = harness();
  const fat: Tx = {
    body: { sender: new Uint8Array(32), nonce: 0, fee: 1n, kind: 0, payload: new Uint8Array(2048) },
    signature: new Uint8Array(64),
  } as unknown as Tx;
  const oversized = batch(50, 40, Array.from({ length: config.maxBatchTxs + 1 }, (_, nonce) => ({ ...fat, body: { ...fat.body, nonce } }) as Tx));
  const bytes = encodeSignedBatch(oversized);
  assert.ok(bytes.length > maxBatchBytes(config), `${bytes.length} bytes`);
  assert.is(await validate(bytes, at(100)), "reject:BATCH_TOO_LARGE");
  assert.equal(imports, []);
  assert.equal(lookups, [], "no lookup for it");
  const full = encodeSignedBatch(batch(50, 40, oversized.txs.slice(0, config.maxBatchTxs)));
  assert.ok(full.length <= maxBatchBytes(config), "a batch at the limit fits");
});

test("an unknown parent hands the batch and its bytes to the lookup, and is IGNOREd", async () => {
  const { validate, lookups } = harness();
  const orphan = batch(99, 40);
  assert.is(await validate(orphan, at(100)), "ignore:BATCH_UNKNOWN_PARENT");
  assert.equal(lookups, [{ peer: "sender", slot: 99, bytes: encodeSignedBatch(orphan).length }]);
});

test("the topic validator tells the peer guard of every scored REJECT, and of nothing else", async () => {
  const rejects: string[] = [];
  const outcomes = [GossipAction.REJECT, GossipAction.IGNORE, null, "crash", "unscored"] as const;
  let next = 0;
  const validator = createTopicValidator(
    GossipType.batch,
    () => {
      const outcome = outcomes[next++];
      if (outcome === "crash") throw new TypeError("our bug");
      if (outcome === "unscored") throw new GossipValidationError(GossipAction.REJECT, "CLOCK", undefined, { scored: false });
      if (outcome !== null) throw new GossipValidationError(outcome, "TEST");
    },
    null,
    pino({ level: "silent" }),
    (from, type, code) => rejects.push(`${from}:${type}:${code}`),
  );
  const peer = { toString: () => "peer-1" } as PeerId;
  const msg = { data: new Uint8Array([1]) } as unknown as GossipsubMessage["msg"];
  const results = [];
  for (let round = 0; round < outcomes.length; round++) results.push(await validator(peer, msg));
  assert.equal(results, [TopicValidatorResult.Reject, TopicValidatorResult.Ignore, TopicValidatorResult.Accept, TopicValidatorResult.Ignore, TopicValidatorResult.Reject]);
  assert.equal(rejects, ["peer-1:batch:TEST"], "an unscored REJECT is still a REJECT for gossipsub, but not reported");
});

test.run();
