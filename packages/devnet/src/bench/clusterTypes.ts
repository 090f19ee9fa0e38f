/**
 * The cluster phase's options and results (cluster.ts runs it; run.ts and the report read them),
 * and the running cluster its measurement windows share (clusterWindows.ts).
 */
import type { Devnet } from "../launcher.js";
import type { DriverStats, LoadDriver } from "./driver.js";
import type { NodeObserver } from "./observer.js";
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
  max?: { warmupMs: number; windowMs: number; backlog: number };
  /** `capAtMaxFraction`: run the steady load at most at this fraction of the max measured just before (a cluster slower than the load would only queue) */
  steady?: { rate: number; warmupMs: number; windowMs: number; tailMs: number; capAtMaxFraction?: number };
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

export interface NodeSteadyStats {
  /** ms from the start of a batch's slot to this node reporting it (production + propagation + import) */
  batchDelay: Summary;
  /** the same for the batches this node produced itself (production only) */
  ownBatchDelay: Summary;
  eventLoopLagP99Ms: number | null;
  eventLoopLagMaxMs: number | null;
  /** ms from POST to the batch event at this node, for the txs sent in the window */
  latency: Summary;
  /** txs sent in the window that this node never reported included */
  notSeen: number;
  cpuSecondsPer1kTx: number | null;
}

export interface SteadyResult {
  rate: number;
  txPerSecond: number | null;
  windowMs: number;
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
