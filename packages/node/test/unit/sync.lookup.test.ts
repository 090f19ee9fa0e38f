/**
 * Unknown-parent lookups (issue 12): a gossiped batch whose parent is unknown makes the node
 * ask its sender for at most `maxBatches` ancestors (one lookup per peer at a time, a few per
 * second overall), not run a full sync; a sender whose batches never resolve is scored down
 * until it is banned. Driven against a fake chain (roots and parents only) and network.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { pino } from "pino";
import { BatchError, BatchErrorCode, encodeSignedBatch, encodeStatus, headerRoot, toHex, type SignedBatch } from "@baton/core";
import type { Chain } from "../../src/chain/index.js";
import { defaultPeerGuardOptions, PeerGuard } from "../../src/network/peerGuard.js";
import { PeerOffence } from "../../src/network/peerScore.js";
import { defaultLookupOptions, ParentLookup, type LookupNetwork } from "../../src/sync/lookup.js";
import { defaultSyncOptions, SyncService } from "../../src/sync/index.js";

const test = suite("sync: unknown-parent lookup");
const logger = pino({ level: "silent" });
const CURRENT_SLOT = 10_000;
const CONFIRMED = 100;

function batchAt(height: number, parentRoot: Uint8Array, mark = 0): SignedBatch {
  return {
    header: { chainId: 5, slot: height + 10, height, proposerIndex: mark, parentRoot, txRoot: new Uint8Array(32), stateRoot: new Uint8Array(32), randaoReveal: new Uint8Array(96) },
    txs: [],
    signature: new Uint8Array(96),
  };
}

/** A hash-linked chain of batches from height `from` (its first parent: `parent`) to `to`. */
function chainOf(from: number, to: number, parent: Uint8Array, mark = 0): SignedBatch[] {
  const out: SignedBatch[] = [];
  for (let height = from; height <= to; height++) {
    const batch = batchAt(height, out.length === 0 ? parent : headerRoot(out[out.length - 1].header), mark);
    out.push(batch);
  }
  return out;
}

/** Knows the confirmed batch (height 100) and whatever it imported; proposer 99 marks an invalid batch. */
function fakeChain() {
  const confirmed = batchAt(CONFIRMED, new Uint8Array(32).fill(1));
  const known = new Set([toHex(headerRoot(confirmed.header))]);
  const imported: number[] = [];
  const chain = {
    getConfirmed: () => ({ height: CONFIRMED, root: headerRoot(confirmed.header) }),
    importBatch: async (batch: SignedBatch) => {
      const root = toHex(headerRoot(batch.header));
      if (known.has(root)) return { status: "known" as const, root };
      if (!known.has(toHex(batch.header.parentRoot))) return { status: "unknown_parent" as const, root, parentRoot: toHex(batch.header.parentRoot) };
      if (batch.header.proposerIndex === 99) throw new BatchError(BatchErrorCode.BAD_SIGNATURE);
      known.add(root);
      imported.push(batch.header.height);
      return { status: "imported" as const, root, head: true };
    },
  };
  return { chain: chain as unknown as Chain, confirmedRoot: headerRoot(confirmed.header), imported, known };
}

interface Harness {
  lookup: ParentLookup;
  requests: { peer: string; start: number; count: number }[];
  reports: { peer: string; offence: PeerOffence }[];
  fullSyncs: string[];
  advance(ms: number): void;
}

function harness(serve: (peer: string, start: number, count: number) => Promise<Uint8Array[]>, chain: Chain, rangeSyncing = () => false): Harness {
  let clock = 0;
  const requests: Harness["requests"] = [];
  const reports: Harness["reports"] = [];
  const fullSyncs: string[] = [];
  const network: LookupNetwork = {
    requestBatchesByRange: (peer, start, count) => {
      requests.push({ peer, start, count });
      return serve(peer, start, count);
    },
    reportPeer: (peer, offence) => reports.push({ peer, offence }),
  };
  const lookup = new ParentLookup(defaultLookupOptions, {
    chain,
    network,
    logger,
    currentSlot: () => CURRENT_SLOT,
    isRangeSyncing: rangeSyncing,
    fullSync: async (peer) => void fullSyncs.push(peer),
    now: () => clock,
  });
  return { lookup, requests, reports, fullSyncs, advance: (ms) => (clock += ms) };
}

const encode = (batches: SignedBatch[]) => batches.map((batch) => encodeSignedBatch(batch));
const noise = (seed: number) => new Uint8Array(32).fill(200 + seed);

test("an honest sender: the missing ancestors are fetched in one request, imported, then the batch; nobody penalised", async () => {
  const { chain, confirmedRoot, imported } = fakeChain();
  const honest = chainOf(CONFIRMED + 1, CONFIRMED + 6, confirmedRoot);
  const tip = honest.pop()!;
  const h = harness(async (_peer, start, count) => encode(honest.filter((batch) => batch.header.height >= start && batch.header.height < start + count)), chain);
  assert.is(await h.lookup.request("honest", tip, encodeSignedBatch(tip)), "resolved");
  assert.equal(h.requests, [{ peer: "honest", start: CONFIRMED + 1, count: 5 }]);
  assert.equal(imported, [101, 102, 103, 104, 105, 106]);
  assert.equal(h.reports, []);
});

test("at most maxBatches ancestors are asked for; a wider gap that checks out hands over to the full sync, unpenalised", async () => {
  const { chain, confirmedRoot } = fakeChain();
  const far = chainOf(CONFIRMED + 1, CONFIRMED + 200, confirmedRoot);
  const tip = far.pop()!;
  const h = harness(async (_peer, start, count) => encode(far.filter((batch) => batch.header.height >= start && batch.header.height < start + count)), chain);
  assert.is(await h.lookup.request("ahead", tip, encodeSignedBatch(tip)), "too_far");
  assert.equal(h.requests, [{ peer: "ahead", start: CONFIRMED + 200 - defaultLookupOptions.maxBatches, count: defaultLookupOptions.maxBatches }]);
  assert.equal(h.fullSyncs, ["ahead"]);
  assert.equal(h.reports, []);
});

test("a sender that serves nothing, or ancestors that do not link to its batch, is penalised; invalid ancestors cost more", async () => {
  const { chain, confirmedRoot } = fakeChain();
  const linked = chainOf(CONFIRMED + 1, CONFIRMED + 4, confirmedRoot);
  const orphan = batchAt(CONFIRMED + 5, noise(1)); // claims a parent nobody has
  const h = harness(async (peer, start, count) => {
    if (peer === "empty") return [];
    if (peer === "unlinked") return encode(linked.slice(0, count));
    if (peer === "garbage") return Array.from({ length: count }, () => new Uint8Array([1, 2, 3]));
    const bad = chainOf(start, start + count - 1, confirmedRoot, 99); // signed wrong: proposer 99
    const tip = batchAt(start + count, headerRoot(bad[bad.length - 1].header));
    badTip = tip;
    return encode(bad);
  }, chain);
  let badTip: SignedBatch | null = null;
  assert.is(await h.lookup.request("empty", orphan, encodeSignedBatch(orphan)), "unresolved");
  assert.is(await h.lookup.request("unlinked", orphan, encodeSignedBatch(orphan)), "unresolved");
  assert.is(await h.lookup.request("garbage", orphan, encodeSignedBatch(orphan)), "invalid");
  await h.lookup.request("invalid", orphan, encodeSignedBatch(orphan)); // learns the tip that links
  h.advance(1_000);
  assert.is(await h.lookup.request("invalid", badTip!, encodeSignedBatch(badTip!)), "invalid");
  assert.equal(
    h.reports.map((report) => `${report.peer}:${report.offence}`),
    ["empty:unresolved_parent", "unlinked:unresolved_parent", "garbage:invalid_batch", "invalid:unresolved_parent", "invalid:invalid_batch"],
  );
});

test("bounded: one lookup per peer at a time, maxConcurrent at once, perSecond started per second, none while range syncing", async () => {
  const { chain } = fakeChain();
  const pending: (() => void)[] = [];
  let syncing = false;
  const h = harness(() => new Promise<Uint8Array[]>((resolve) => pending.push(() => resolve([]))), chain, () => syncing);
  const orphan = (seed: number) => batchAt(CONFIRMED + 5, noise(seed));
  const first = h.lookup.request("p1", orphan(1), encodeSignedBatch(orphan(1)));
  assert.is(await h.lookup.request("p1", orphan(2), encodeSignedBatch(orphan(2))), "busy", "same peer, one at a time");
  const more = ["p2", "p3", "p4"].map((peer, index) => h.lookup.request(peer, orphan(3 + index), encodeSignedBatch(orphan(3 + index))));
  assert.is(await h.lookup.request("p5", orphan(9), encodeSignedBatch(orphan(9))), "busy", "maxConcurrent reached");
  for (const release of pending.splice(0)) release();
  await Promise.all([first, ...more]);
  assert.is(await h.lookup.request("p6", orphan(10), encodeSignedBatch(orphan(10))), "rate_limited", "4 started within the second");
  h.advance(250);
  const next = h.lookup.request("p6", orphan(11), encodeSignedBatch(orphan(11)));
  for (const release of pending.splice(0)) release();
  assert.is(await next, "unresolved", "a token came back after 250 ms");
  syncing = true;
  h.advance(1_000);
  assert.is(await h.lookup.request("p7", orphan(12), encodeSignedBatch(orphan(12))), "syncing");
  assert.is(h.requests.length, 5, "five requests in all");
  assert.ok(h.requests.every((request) => request.count <= defaultLookupOptions.maxBatches));
});

test("a peer whose unknown-parent batches never resolve is banned after about ten, through the same guard as gossip", async () => {
  const { chain } = fakeChain();
  const guard = new PeerGuard(defaultPeerGuardOptions, { logger });
  let clock = 0;
  const lookup = new ParentLookup(defaultLookupOptions, {
    chain,
    network: { requestBatchesByRange: async () => [], reportPeer: (peer, offence) => guard.report(peer, offence) },
    logger,
    currentSlot: () => CURRENT_SLOT,
    isRangeSyncing: () => false,
    fullSync: async () => {},
    now: () => clock,
  });
  let sent = 0;
  while (!guard.isBanned("liar") && sent < 50) {
    const orphan = batchAt(CONFIRMED + 3, noise(sent++));
    await lookup.request("liar", orphan, encodeSignedBatch(orphan));
    clock += 300;
  }
  assert.ok(guard.isBanned("liar"), "banned");
  assert.ok(sent >= 10 && sent <= 11, `after ${sent} unresolved lookups`);
});

test("wired into SyncService: lookupParent asks the sender for ancestors (not its status), and sync distrust is reported as an offence", async () => {
  const { chain, confirmedRoot } = fakeChain();
  const extended = Object.assign(chain, { getHead: () => ({ height: CONFIRMED, slot: CONFIRMED + 10, root: confirmedRoot }), config: { chainId: 5 }, genesisRoot: new Uint8Array(32) });
  const calls: string[] = [];
  const reports: string[] = [];
  const lie = encodeStatus({ chainId: 5, genesisRoot: new Uint8Array(32), headRoot: noise(9), headSlot: 500, headHeight: 1_000_000, confirmedRoot: noise(8), confirmedHeight: 0 });
  const sync = new SyncService(defaultSyncOptions, {
    chain: extended,
    network: {
      requestStatus: async (peer) => (calls.push(`status:${peer}`), lie),
      requestBatchesByRange: async (peer, start, count) => (calls.push(`range:${peer}:${start}:${count}`), []),
      getPeers: () => [],
      reportPeer: (peer, offence) => void reports.push(`${peer}:${offence}`),
    },
    logger,
    metrics: null,
    currentSlot: () => CURRENT_SLOT,
  });
  const orphan = batchAt(CONFIRMED + 3, noise(1));
  assert.is(await sync.lookupParent("sender", orphan, encodeSignedBatch(orphan)), "unresolved");
  assert.equal(calls, ["range:sender:101:2"]);
  assert.equal(reports, ["sender:unresolved_parent"]);
  await sync.syncWith("claimer"); // a head height above its slot: distrusted
  assert.equal(reports, ["sender:unresolved_parent", "claimer:sync_distrust"]);
  sync.stop();
});

test.run();
