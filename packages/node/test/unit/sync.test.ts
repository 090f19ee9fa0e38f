/**
 * Sync trusts nothing a peer claims (issue 12): a peer that claimed a head height of 10^9 and
 * then served one known batch every 9 s put all 4 nodes into `syncing` and cut production from
 * ~90 batches to 10 in 45 s. These drive SyncService against a fake chain and network.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import pino from "pino";
import { encodeSignedBatch, encodeStatus, type StatusMessage } from "@baton/core";
import type { Chain } from "../../src/chain/index.js";
import { defaultSyncOptions, SyncService, type SyncNetwork } from "../../src/sync/index.js";

const test = suite("sync: claims are hints");
const GENESIS = new Uint8Array(32).fill(7);
const CURRENT_SLOT = 1_000;

/** A chain at head height 100 (slot 990) that imports nothing new unless told to. */
function fakeChain(importNew: () => boolean) {
  const head = { root: new Uint8Array(32).fill(1), parentRoot: new Uint8Array(32), slot: 990, height: 100, proposerIndex: 0, committee: [] };
  const chain = {
    config: { chainId: 5 },
    genesisRoot: GENESIS,
    getHead: () => head,
    getConfirmed: () => ({ ...head, height: 98, slot: 988 }),
    hasBatch: () => false,
    importRange: async (items: unknown[]) => {
      if (!importNew()) return { imported: 0, connected: true };
      head.height += items.length;
      head.slot += items.length;
      return { imported: items.length, connected: true };
    },
  };
  return { chain: chain as unknown as Chain, head };
}

function status(headHeight: number, headSlot: number): Uint8Array {
  const s: StatusMessage = {
    chainId: 5, genesisRoot: GENESIS, headRoot: new Uint8Array(32).fill(9), headSlot, headHeight,
    confirmedRoot: new Uint8Array(32), confirmedHeight: 0,
  };
  return encodeStatus(s);
}

const batchBytes = (height: number) =>
  encodeSignedBatch({
    header: { chainId: 5, slot: 880 + height, height, proposerIndex: 0, parentRoot: new Uint8Array(32), txRoot: new Uint8Array(32), stateRoot: new Uint8Array(32), randaoReveal: new Uint8Array(96) },
    txs: [],
    signature: new Uint8Array(96),
  });

function service(chain: Chain, network: SyncNetwork) {
  return new SyncService(defaultSyncOptions, { chain, network, logger: pino({ level: "silent" }), metrics: null, currentSlot: () => CURRENT_SLOT });
}

test("an impossible claim (height 10^9, a slot after now) is refused at once: no range sync, not syncing, peer distrusted", async () => {
  const { chain } = fakeChain(() => false);
  let rangeRequests = 0;
  const network: SyncNetwork = {
    requestStatus: async () => status(1_000_000_000, 1_000_000_000),
    requestBatchesByRange: async () => (rangeRequests++, []),
    getPeers: () => [{ peerId: "liar" }],
  };
  const sync = service(chain, network);
  await sync.syncWith("liar");
  assert.is(rangeRequests, 0);
  assert.is(sync.isSyncing(), false);
  assert.ok(sync.isDistrusted("liar"));
  assert.is(sync.progress().targetHeight, 100, "the target is our head, not the claim");
});

test("a plausible claim served only with known batches: never syncing, the producer keeps its slots, peer distrusted", async () => {
  const { chain } = fakeChain(() => false);
  let syncingSeen = false;
  let sync: SyncService | null = null;
  const network: SyncNetwork = {
    requestStatus: async () => status(900, 999),
    requestBatchesByRange: async (_peer, from) => {
      syncingSeen ||= sync?.isSyncing() ?? false;
      return from < 110 ? [batchBytes(from)] : [];
    },
    getPeers: () => [{ peerId: "replayer" }],
  };
  sync = service(chain, network);
  await sync.syncWith("replayer");
  assert.is(syncingSeen, false, "known batches are not progress");
  assert.ok(sync.isDistrusted("replayer"));
  await sync.syncWith("replayer");
  assert.ok(sync.isDistrusted("replayer"), "not asked again while distrusted");
  assert.is(sync.progress().targetHeight, 100, "the claim is forgotten when its sync ends");
});

test("an honest peer that serves new batches: syncing while it imports and the head is behind the clock", async () => {
  const { chain, head } = fakeChain(() => true);
  let syncingSeen = false;
  let sync: SyncService | null = null;
  const network: SyncNetwork = {
    requestStatus: async () => status(120, 999),
    requestBatchesByRange: async (_peer, from, count) => {
      syncingSeen ||= sync?.isSyncing() ?? false;
      return from > 120 ? [] : Array.from({ length: Math.min(count, 5, 121 - from) }, (_, k) => batchBytes(from + k)); // 5 per request
    },
    getPeers: () => [{ peerId: "honest" }],
  };
  sync = service(chain, network);
  await sync.syncWith("honest");
  assert.ok(head.height > 100, `imported (head ${head.height})`);
  assert.ok(syncingSeen, "syncing while new batches came in");
  assert.is(sync.isDistrusted("honest"), false);
  assert.is(sync.isSyncing(), false, "done");
});

test("targetHeight shows the best head a trusted peer reported, also when no sync runs (a hint for /syncing)", async () => {
  const { chain } = fakeChain(() => false);
  const network: SyncNetwork = {
    requestStatus: async () => status(150, 990),
    requestBatchesByRange: async () => {
      throw new Error("connection reset");
    },
    getPeers: () => [{ peerId: "flaky" }],
  };
  const sync = service(chain, network);
  await sync.syncWith("flaky");
  assert.is(sync.isSyncing(), false);
  assert.is(sync.isDistrusted("flaky"), false, "a failed download is not a lie");
  assert.is(sync.bestPeerHeight(), 150);
  assert.is(sync.progress().targetHeight, 150);
});

test.run();
