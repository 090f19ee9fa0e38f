/** GET /health's rules (health.ts): 200 following, 206 syncing, 503 isolated or stalled. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { healthHttpStatus, judgeHealth, judgeSyncing, maxHeadLagSlots } from "../../src/api/health.js";

const test = suite("api: health");
const base = { peers: 3, otherSequencers: 3, headSlot: 100, currentSlot: 101, syncing: false, maxLagSlots: 16 };

test("a node following the head with peers is healthy (200)", () => {
  const h = judgeHealth(base);
  assert.is(h.status, "healthy");
  assert.is(healthHttpStatus(h), 200);
  assert.equal(h.reasons, []);
});

test("an isolated node (no peers, other sequencers exist) is unhealthy (503), even with its head on the clock", () => {
  const h = judgeHealth({ ...base, peers: 0 });
  assert.is(healthHttpStatus(h), 503);
  assert.equal(h.reasons, ["no peers"]);
});

test("the only sequencer of a chain needs no peers", () => {
  assert.is(healthHttpStatus(judgeHealth({ ...base, peers: 0, otherSequencers: 0 })), 200);
});

test("a head more than maxLagSlots behind the clock is unhealthy; at the limit it is not", () => {
  assert.is(healthHttpStatus(judgeHealth({ ...base, headSlot: 100, currentSlot: 116 })), 200);
  const h = judgeHealth({ ...base, headSlot: 100, currentSlot: 117 });
  assert.is(healthHttpStatus(h), 503);
  assert.match(h.reasons[0], "17 slots behind");
});

test("syncing is 206 while behind; an isolated syncing node is still 503", () => {
  assert.is(healthHttpStatus(judgeHealth({ ...base, syncing: true, headSlot: 10, currentSlot: 500 })), 206);
  assert.is(healthHttpStatus(judgeHealth({ ...base, syncing: true, peers: 0 })), 503);
});

test("the lag limit is one epoch, at least 4 slots", () => {
  assert.is(maxHeadLagSlots({ slotsPerEpoch: 16 }), 16);
  assert.is(maxHeadLagSlots({ slotsPerEpoch: 2 }), 4);
});

test("/syncing: distance, target at least the head, stalled only when not syncing", () => {
  const s = judgeSyncing({ headSlot: 50, headHeight: 40, currentSlot: 100, bestPeerHeight: 0, syncing: false, maxLagSlots: 16 });
  assert.equal([s.syncDistance, s.targetHeight, s.isStalled], [50, 40, true]);
  const t = judgeSyncing({ headSlot: 50, headHeight: 40, currentSlot: 100, bestPeerHeight: 90, syncing: true, maxLagSlots: 16 });
  assert.equal([t.targetHeight, t.isStalled, t.isSyncing], [90, false, true]);
});

test.run();
