/**
 * The sizes of every phase of `baton bench`, full and quick. The quick mode only checks that
 * every phase still runs (CI, about a minute on 2 cores); its numbers mean nothing.
 */
import { defaultSyncOptions } from "@baton/node";

/**
 * Range sync imports chunks of this many batches (their signatures checked together): the
 * light part is a whole number of chunks, so the full batches come in chunks of their own and
 * the two rates are measured apart (a chunk that mixed them would hide the full ones' cost).
 */
const SYNC_CHUNK = defaultSyncOptions.batchSize;

/** The steady load: one warm-up, then `runs` windows back to back (each a run of the latency rows), then a tail. */
export interface SteadyPlan {
  rate: number;
  warmupMs: number;
  /** the length of one run */
  windowMs: number;
  /** the load stays on this long after the last run, so the last txs sent are included */
  tailMs: number;
  runs: number;
  /** more runs (up to `maxRuns`) while some node imported fewer batches than this: the p99 rests on at least this many batches */
  minBatches: number;
  maxRuns: number;
  /** RSS and PSS of every node (/proc/<pid>/smaps_rollup) every this many ms during the runs */
  memorySampleMs: number;
}

/** How cost grows with the number of sequencers: each cluster's CPU at rest, then at a small steady load. */
export interface ScalePlan {
  nodes: number[];
  rate: number;
  warmupMs: number;
  windowMs: number;
}

/** Sizes of every phase; the quick mode only checks that each phase runs. */
export interface BenchPlan {
  ceilingMs: number;
  gossipMs: number;
  coreSizes: number[];
  coreTxs: number;
  poolAccounts: number;
  poolPerAccount: number;
  /** backlog: most txs kept submitted but not included; null = 0.4 s of the cluster's verify capacity (cores × verify ÷ nodes), 1,000 to 4,000 */
  maxLoad: { warmupMs: number; windowMs: number; backlog: number | null };
  /** a window with no load before the max load: the nodes' cost at rest */
  idleMs: number;
  /** the wait before it, once every node has its peers and a batch: the start-up's tail is not rest */
  idleSettleMs: number;
  steady: SteadyPlan;
  scale: ScalePlan;
  batonNodes: number;
  sweepNodes: number[];
  failoverSlotMs: number[];
  failoverTimeoutMs: number;
  sync: { light: number; lightTxs: number; full: number; fullTxs: number; timeoutMs: number };
}

export function benchPlan(quick: boolean, steadyRate?: number): BenchPlan {
  if (quick) {
    return {
      ceilingMs: 300,
      gossipMs: 1_000,
      coreSizes: [10, 100],
      coreTxs: 200,
      poolAccounts: 50,
      poolPerAccount: 400,
      maxLoad: { warmupMs: 1_000, windowMs: 2_000, backlog: 1_000 },
      idleMs: 1_000,
      idleSettleMs: 500,
      steady: { rate: steadyRate ?? 200, warmupMs: 500, windowMs: 1_200, tailMs: 800, runs: 2, minBatches: 0, maxRuns: 2, memorySampleMs: 400 },
      scale: { nodes: [4, 8], rate: 100, warmupMs: 600, windowMs: 1_500 },
      batonNodes: 4,
      sweepNodes: [],
      failoverSlotMs: [250],
      failoverTimeoutMs: 10_000,
      sync: { light: SYNC_CHUNK, lightTxs: 1, full: 10, fullTxs: 200, timeoutMs: 30_000 },
    };
  }
  return {
    ceilingMs: 1_500,
    gossipMs: 4_000,
    coreSizes: [10, 100, 1_000, 10_000],
    coreTxs: 1_000,
    // the centralized node alone uses ~90k txs at its max load and 85-125k in the steady runs
    poolAccounts: 200,
    poolPerAccount: 1_100,
    maxLoad: { warmupMs: 3_000, windowMs: 8_000, backlog: null },
    idleMs: 4_000,
    idleSettleMs: 2_000,
    // 4 runs of 20 s at slot 250 ms: ~320 batches per node under the p99
    steady: { rate: steadyRate ?? 1_000, warmupMs: 2_000, windowMs: 20_000, tailMs: 1_500, runs: 4, minBatches: 300, maxRuns: 6, memorySampleMs: 2_000 },
    // a warm-up long enough that the txs' path is compiled (JIT) and the first batches are in
    scale: { nodes: [4, 8, 16], rate: 100, warmupMs: 3_000, windowMs: 6_000 },
    batonNodes: 4,
    sweepNodes: [8],
    failoverSlotMs: [250, 1_000],
    failoverTimeoutMs: 30_000,
    sync: { light: 40 * SYNC_CHUNK, lightTxs: 1, full: 30, fullTxs: 1_000, timeoutMs: 120_000 },
  };
}
