/**
 * The cluster phase's options and results (cluster.ts runs it; run.ts and the report read them),
 * and the running cluster its measurement windows share (clusterWindows.ts).
 */
import type { Devnet } from "../launcher.js";
import type { DriverStats, LoadDriver } from "./driver.js";
import type { NodeObserver } from "./observer.js";
import type { SteadyPlan } from "./plan.js";
import type { Summary } from "./stats.js";
import type { TxPool } from "./txPool.js";

export interface ClusterPhaseOptions {
  name: string;
  nodes: number;
  slotMs: number;
  slotsPerEpoch: number;
  missesToEject: number;
  baseApiPort: number;
  baseP2pPort: number;
  /** the devnet seed: the pool's accounts must be its load accounts */
  seed: Uint8Array;
  loadAccounts: number;
  pool: TxPool;
  /** a window with no load first, to measure the nodes' cost at rest */
  idleMs?: number;
  /** before it, this long for the start-up's tail (identify, mesh, first imports) to pass */
  idleSettleMs?: number;
  max?: { warmupMs: number; windowMs: number; backlog: number };
  /** `capAtMaxFraction`: run the steady load at most at this fraction of the max measured just before (a cluster slower than the load would only queue) */
  steady?: SteadyPlan & { capAtMaxFraction?: number };
  /** after the window at rest: a small steady load (100 tx/s), each node's CPU over its window (how cost grows with the number of sequencers) */
  scale?: { rate: number; warmupMs: number; windowMs: number };
  failover?: { rate: number; timeoutMs: number };
  log: (line: string) => void;
  /** keep the devnet directory (node logs) after a successful phase */
  keepDir?: boolean;
  /** node log level (default info) */
  logLevel?: string;
  /** aborts the phase (Ctrl-C): the load stops, the cluster is torn down, the phase throws */
  signal?: AbortSignal;
}

export interface NodeMaxStats {
  /** event-loop lag over the window (ms): how late a slot timer or a batch can be handled */
  eventLoopLagP99Ms: number | null;
  eventLoopLagMaxMs: number | null;
  /** the node's own memory gauges at the end of the window (MB) */
  memory: { heapUsedMb: number | null; heapTotalMb: number | null; externalMb: number | null; rssMb: number | null };
  cpuSeconds: number | null;
  cpuSecondsPer1kTx: number | null;
  peakRssBytes: number | null;
}

export interface MaxResult {
  txPerSecond: number | null;
  windowMs: number;
  includedTxs: number;
  batches: number;
  /** slots recorded as missed (at the first node) during the window */
  missedSlots: number;
  perNode: NodeMaxStats[];
  /** the bench process's own CPU over the window (load driver, observers) */
  benchCpuSeconds: number;
  /** CPU the nodes and the bench used over the window ÷ (cores × window): below ~0.9 other work shared the machine */
  cpuShare: number | null;
  driver: DriverStats;
}

/** The bench process's own CPU over a window, and the share of the machine the nodes and the bench used together. */
export interface WindowCpu {
  windowMs: number;
  /** the bench process (load driver, observers, samplers): CPU seconds ÷ window seconds */
  benchCores: number;
  /** CPU the nodes and the bench used over the window ÷ (cores × window); null when a node's CPU is unknown */
  cpuShare: number | null;
}

/** A small steady load after the window at rest: what each node costs with txs flowing but far from its limit. */
export interface ScaleResult extends WindowCpu {
  rate: number;
  txPerSecond: number | null;
  /** CPU cores each node used over the window */
  nodeCores: (number | null)[];
  /** txs the nodes answered 503 (busy) to during the window: sent again later */
  retried: number;
}

/** One run of the steady load (the runs are back to back): each node's p99 over the txs sent in it. */
export interface SteadyRun {
  windowMs: number;
  /** per node, ms; null when it saw none of the run's txs */
  p99ByNode: (number | null)[];
  /** the slowest node's p99 (what the p99 row shows for all runs together) */
  slowestP99: number | null;
  /** the fewest batches any node imported holding the run's txs */
  fewestBatches: number;
}

export interface NodeSteadyStats {
  /** ms from the start of a batch's slot to this node reporting it (production + propagation + import) */
  batchDelay: Summary;
  /** the same for the batches this node produced itself (production only) */
  ownBatchDelay: Summary;
  eventLoopLagP99Ms: number | null;
  eventLoopLagMaxMs: number | null;
  /** ms from POST to this node's importedAt of the first batch holding the tx, for the txs sent in every run */
  latency: Summary;
  /** distinct batches that hold those txs at this node: how many batches the percentiles rest on */
  latencyBatches?: number;
  /** medians of the RSS and PSS samples (/proc/<pid>/smaps_rollup) taken during the runs, MB */
  memory?: { rssMb: number | null; pssMb: number | null; samples: number };
  /** txs sent in the window that this node never reported included */
  notSeen: number;
  cpuSecondsPer1kTx: number | null;
}

export interface SteadyResult {
  rate: number;
  txPerSecond: number | null;
  /** all runs together */
  windowMs: number;
  /** each run on its own: the spread of the p99 across runs */
  runs?: SteadyRun[];
  /** the batches per node the plan asked the p99 to rest on (0: no minimum) */
  minBatches?: number;
  /** the bench's own CPU over the runs */
  cpu?: WindowCpu;
  missedSlots: number;
  perNode: NodeSteadyStats[];
  /** every node's samples together */
  latency: Summary;
  driver: DriverStats;
}

export interface FailoverResult {
  slotMs: number;
  missesToEject: number;
  killedNode: number;
  killedSequencer: number;
  /** the slot the killed node was due to lead */
  killSlot: number;
  /** ms from the start of the slot the killed leader failed to lead (it died just before) to the next batch a survivor imported */
  nextBatchMs: number | null;
  nextBatchSlot: number | null;
  /** ms from the start of that slot to the survivor's event that the dead sequencer was ejected */
  ejectionMs: number | null;
  ejectionSlot: number | null;
  /** slots scheduled to the dead sequencer from the kill slot to its ejection, inclusive */
  deadLeaderSlotsToEjection: number | null;
}

export interface ClusterPhaseResult {
  name: string;
  nodes: number;
  slotMs: number;
  /** CPU cores each node uses with no tx load (batches, gossip heartbeats, peers) */
  idleCores: (number | null)[] | null;
  /** the bench's own CPU over the window at rest */
  idleCpu?: WindowCpu | null;
  /** each node's CPU at a small steady load (100 tx/s), after the window at rest */
  scale?: ScaleResult | null;
  max: MaxResult | null;
  steady: SteadyResult | null;
  failover: FailoverResult | null;
}

/** A cluster phase's cluster once it is up: what its measurement windows and the failover share. */
export interface RunningCluster {
  options: ClusterPhaseOptions;
  devnet: Devnet;
  /** each node's API, in node order */
  urls: string[];
  /** each node's sequencer index (null: not a sequencer), in node order */
  sequencerIndexes: (number | null)[];
  /** one per node, in node order; the windows count included txs at the first */
  observers: NodeObserver[];
  driver: LoadDriver;
}
