/**
 * Sync: how fast a node catches up. The chain is written offline, in-process, through the
 * node's own Chain and store (every batch built and signed by its slot's leader, exactly as
 * the producer does), into the data dir of node A: `light` batches of `lightTxs` txs, then
 * `full` batches of `fullTxs` txs. Then two node processes start without sequencer keys:
 * A serves that chain, B starts empty and range-syncs it from A. B's head height, sampled
 * through its API, gives batches per second for each part.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { pino } from "pino";
import { buildBatch, decodeTx, devnetPreset, fromHex, getEffectiveLeader, processSlots, type Tx } from "@baton/core";
import { BatonDb, Chain, Mempool } from "@baton/node";
import { createDevnet, deriveSequencerKeys } from "../generate.js";
import { dialAddr, GENESIS_FILE, nodeLayout } from "../layout.js";
import { NodeProcess } from "../process.js";
import { sleep } from "../sleep.js";
import { startArgs } from "../startArgs.js";
import { processCpuSeconds, processMemory } from "./procstat.js";
import { rateBetween } from "./stats.js";
import type { TxPool } from "./txPool.js";

export interface SyncPhaseOptions {
  light: number;
  lightTxs: number;
  full: number;
  fullTxs: number;
  slotMs: number;
  baseApiPort: number;
  baseP2pPort: number;
  seed: Uint8Array;
  loadAccounts: number;
  pool: TxPool;
  timeoutMs: number;
  log: (line: string) => void;
  signal?: AbortSignal;
}

export interface SyncResult {
  light: number;
  lightTxs: number;
  full: number;
  fullTxs: number;
  /** the chain's slot length (the rows print it) */
  slotMs?: number;
  /** ms to write the chain offline (build, sign, import, store) */
  prepareMs: number;
  lightBatchesPerSecond: number | null;
  fullBatchesPerSecond: number | null;
  /** fullBatchesPerSecond × fullTxs */
  fullTxPerSecond: number | null;
  /** height B reached (light + full when it finished) */
  reachedHeight: number;
  syncerCpuSeconds: number | null;
  syncerPeakRssBytes: number | null;
}

const SEQUENCERS = 4;

/** Writes the chain into `dataDir` (node A's); returns its height. */
async function writeChain(o: SyncPhaseOptions, dataDir: string, genesis: Parameters<typeof Chain.init>[0]): Promise<number> {
  const config = genesis.config;
  const db = await BatonDb.open(join(dataDir, "db"));
  const logger = pino({ level: "silent" });
  const mempool = new Mempool({ chainId: config.chainId, maxSize: 1, minFee: config.minFee, maxPayloadBytes: config.maxPayloadBytes }, { metrics: null });
  const keys = Array.from({ length: SEQUENCERS }, (_, i) => deriveSequencerKeys(o.seed, i).bls);
  let cursor = 0;
  const nextTxs = (n: number): Tx[] => {
    const out: Tx[] = [];
    for (; out.length < n && cursor < o.pool.size; cursor++) out.push(decodeTx(fromHex(o.pool.hex[cursor])));
    return out;
  };
  try {
    const chain = await Chain.init(genesis, { db, mempool, metrics: null, logger });
    const total = o.light + o.full;
    let lastLog = Date.now();
    for (let slot = 1; slot <= total; slot++) {
      if (slot % 256 === 0) o.signal?.throwIfAborted();
      const head = chain.getHead();
      const state = chain.getHeadState();
      const leader = getEffectiveLeader(processSlots(state, slot, config), config, slot);
      const built = buildBatch(state, config, {
        slot,
        proposerIndex: leader,
        parentRoot: head.root,
        candidateTxs: nextTxs(slot <= o.light ? o.lightTxs : o.fullTxs),
        blsKey: keys[leader],
        isTxVerified: () => true,
      });
      await chain.importBatch(built.batch, "produced", built.state);
      if (Date.now() - lastLog > 5_000) {
        lastLog = Date.now();
        o.log(`  sync: written ${slot} of ${total} batches`);
      }
    }
    return chain.getHead().height;
  } finally {
    await db.close();
  }
}

async function headHeight(apiUrl: string): Promise<number | null> {
  try {
    const res = await fetch(`${apiUrl}/status`, { signal: AbortSignal.timeout(2_000) });
    const s = (await res.json()) as { head?: { height?: number } };
    return typeof s.head?.height === "number" ? s.head.height : null;
  } catch {
    return null;
  }
}

export async function runSyncPhase(o: SyncPhaseOptions): Promise<SyncResult> {
  const dir = mkdtempSync(join(tmpdir(), "baton-bench-sync-"));
  const total = o.light + o.full;
  const nodes: NodeProcess[] = [];
  // nodes run in their own process group: if the bench dies, kill them with it
  const killAll = () => nodes.forEach((n) => n.killNow());
  process.on("exit", killAll);
  let ok = false;
  try {
    // Genesis far enough in the past that every slot of the chain has passed.
    const ports = { baseApiPort: o.baseApiPort, baseP2pPort: o.baseP2pPort };
    const gen = await createDevnet(
      dir,
      {
        nodes: SEQUENCERS,
        slotMs: o.slotMs,
        slotsPerEpoch: devnetPreset.slotsPerEpoch,
        missesToEject: devnetPreset.missesToEject,
        genesisTime: Date.now() - (total + 100) * o.slotMs,
        loadAccounts: o.loadAccounts,
        seed: o.seed,
      },
      ports,
    );
    const t0 = Date.now();
    const height = await writeChain(o, nodeLayout(dir, 1, ports).dataDir, gen.genesis);
    const prepareMs = Date.now() - t0;
    o.log(`  sync: wrote ${height} batches in ${(prepareMs / 1000).toFixed(1)} s; starting the server node and the syncing node`);

    const genesisFile = join(dir, GENESIS_FILE);
    const [a, b] = [1, 2].map((i) => nodeLayout(dir, i, ports));
    const addrA = dialAddr(a, gen.sequencers[0].peerId);
    // both are full nodes (no key): A only serves its chain, B only syncs it
    const args = (n: typeof a, bootstrap: string[]) =>
      startArgs({ genesisFile, keyFile: null, dataDir: n.dataDir, listenAddr: n.listenAddr, bootstrap, apiHost: "127.0.0.1", apiPort: n.apiPort, logLevel: "info" });
    const server = new NodeProcess(a, gen.sequencers[0].peerId, addrA, args(a, []));
    nodes.push(server);
    server.start();
    const deadline = Date.now() + o.timeoutMs;
    while ((await headHeight(a.apiUrl)) !== height) {
      o.signal?.throwIfAborted();
      if (Date.now() > deadline || !server.running) throw new Error(`the server node did not come up with height ${height}; see ${a.logFile}`);
      await sleep(200);
    }
    const syncer = new NodeProcess(b, gen.sequencers[1].peerId, dialAddr(b, gen.sequencers[1].peerId), args(b, [addrA]));
    nodes.push(syncer);
    syncer.start();
    const samples: { t: number; value: number }[] = [];
    let lastLog = Date.now();
    for (;;) {
      const h = await headHeight(b.apiUrl);
      if (h !== null) samples.push({ t: Date.now(), value: h });
      if ((h !== null && h >= total) || Date.now() > deadline || !syncer.running) break;
      o.signal?.throwIfAborted();
      if (Date.now() - lastLog > 3_000 && h !== null) {
        lastLog = Date.now();
        o.log(`  sync: syncing node at height ${h} of ${total}`);
      }
      await sleep(50);
    }
    const cpu = processCpuSeconds(syncer.pid);
    const mem = processMemory(syncer.pid);
    const reached = samples.length ? samples[samples.length - 1].value : 0;
    // the first 2% of the light part is the connection and first request: skip it
    const light = rateBetween(samples, Math.max(1, Math.floor(o.light * 0.02)), o.light);
    const full = o.full > 0 ? rateBetween(samples, o.light, total, true) : { rate: null };
    ok = true;
    return {
      light: o.light,
      lightTxs: o.lightTxs,
      full: o.full,
      fullTxs: o.fullTxs,
      slotMs: o.slotMs,
      prepareMs,
      lightBatchesPerSecond: light.rate,
      fullBatchesPerSecond: full.rate,
      fullTxPerSecond: full.rate === null ? null : full.rate * o.fullTxs,
      reachedHeight: reached,
      syncerCpuSeconds: cpu,
      syncerPeakRssBytes: mem.peakRssBytes,
    };
  } finally {
    await Promise.all(nodes.map((n) => n.stop(5_000)));
    process.off("exit", killAll);
    if (ok) rmSync(dir, { recursive: true, force: true });
    else o.log(`  sync: node logs kept in ${dir}`);
  }
}
