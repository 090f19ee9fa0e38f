/**
 * The node's Prometheus metrics: one prom-client Registry (never the global one), grouped by
 * subsystem, names `baton_*` ending in their unit (`_seconds`) or `_total` for counters.
 * Subsystems take `metrics: Metrics | null` (or a narrow hooks interface) so tests pass null.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { BatchErrorCode } from "@baton/core";
import { MempoolErrorCode } from "../mempool/errors.js";
import type { MempoolMetrics } from "../mempool/interface.js";

export const GOSSIP_TOPICS = ["tx", "batch"] as const;
export type GossipTopicType = (typeof GOSSIP_TOPICS)[number];
export const GOSSIP_RESULTS = ["accept", "ignore", "reject"] as const;
export type GossipResultLabel = (typeof GOSSIP_RESULTS)[number];

/** The network's hooks: one count per validated gossip message. */
export interface GossipMetrics {
  onGossipResult(type: GossipTopicType, result: GossipResultLabel): void;
}

export interface Metrics {
  registry: Registry;
  node: {
    /** this node's sequencer status in the head state */
    setSequencerStatus(status: NodeSequencerStatus): void;
    /** what GET /health would answer now */
    setHealth(status: HealthStatusLabel): void;
  };
  clock: {
    slot: Gauge;
    epoch: Gauge;
  };
  chain: {
    headHeight: Gauge;
    headSlot: Gauge;
    confirmedHeight: Gauge;
    batchesProduced: Counter;
    batchesImported: Counter;
    batchImportErrors: Counter<"code">;
    batchImportSeconds: Histogram;
    /** misses recorded by the state transition, per sequencer index */
    misses: Counter<"sequencer">;
    ejections: Counter;
    rejoins: Counter;
    reorgs: Counter;
  };
  mempool: MempoolMetrics & {
    size: Gauge;
    rejected: Counter<"code">;
    txInclusionSeconds: Histogram;
  };
  network: {
    peers: Gauge;
    gossipMessages: Counter<"topic" | "result">;
  };
  sync: {
    batches: Counter;
  };
  /** implements the network's metrics hooks over `network.gossipMessages` */
  gossipMetrics: GossipMetrics;
}

/**
 * Default Node metrics that are gauges named `_total`: `promtool check metrics` rejects them,
 * so they are removed from the registry.
 */
export const LINT_FAILING_DEFAULT_METRICS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
] as const;

/** What `baton_node_sequencer_status` can say about this node: one-hot over these labels. */
export const NODE_SEQUENCER_STATUSES = ["none", "active", "ejected", "exited"] as const;
export type NodeSequencerStatus = (typeof NODE_SEQUENCER_STATUSES)[number];
/** GET /health's answers, for `baton_health_status`. */
export const HEALTH_STATUSES = ["healthy", "syncing", "unhealthy"] as const;
export type HealthStatusLabel = (typeof HEALTH_STATUSES)[number];

export function createMetrics(build: { version: string; runtime: string } = { version: "unknown", runtime: process.version }): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const gauge = (name: string, help: string) => new Gauge({ name, help, registers });
  const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers });

  const clock = {
    slot: gauge("baton_slot", "Current slot of the node's clock"),
    epoch: gauge("baton_epoch", "Current epoch of the node's clock"),
  };

  const chain = {
    headHeight: gauge("baton_head_height", "Height of the head batch"),
    headSlot: gauge("baton_head_slot", "Slot of the head batch"),
    confirmedHeight: gauge("baton_confirmed_height", "Height of the last confirmed batch"),
    batchesProduced: counter("baton_batches_produced_total", "Batches this node produced as slot leader"),
    batchesImported: counter("baton_batches_imported_total", "Batches imported (gossip, sync or own)"),
    batchImportErrors: counter("baton_batch_import_errors_total", "Batches that failed import, by error code", ["code"]),
    batchImportSeconds: new Histogram({
      name: "baton_batch_import_seconds",
      help: "Time to validate, apply and store one batch",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    misses: counter("baton_misses_total", "Missed slots recorded by the chain, by sequencer index", ["sequencer"]),
    ejections: counter("baton_ejections_total", "Sequencer ejections recorded by the chain"),
    rejoins: counter("baton_rejoins_total", "Sequencer rejoins recorded by the chain"),
    reorgs: counter("baton_reorgs_total", "Head changes to a batch that does not descend from the previous head"),
  };

  const size = gauge("baton_mempool_size", "Pending txs in the mempool");
  const rejected = counter("baton_mempool_rejected_total", "Txs refused by the mempool, by error code", ["code"]);
  const txInclusionSeconds = new Histogram({
    name: "baton_tx_inclusion_seconds",
    help: "Time from a tx's arrival in this node's mempool to its inclusion in a batch on this node",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const mempool: Metrics["mempool"] = {
    size,
    rejected,
    txInclusionSeconds,
    onRejected: (code: MempoolErrorCode) => rejected.inc({ code }),
    setSize: (n: number) => size.set(n),
    observeInclusion: (seconds: number) => txInclusionSeconds.observe(seconds),
  };

  const network = {
    peers: gauge("baton_peers", "Connected peers"),
    gossipMessages: counter("baton_gossip_messages_total", "Gossip messages validated, by topic and result", [
      "topic",
      "result",
    ]),
  };
  const gossipMetrics: GossipMetrics = {
    onGossipResult: (type, result) => network.gossipMessages.inc({ topic: type, result }),
  };

  const sync = {
    batches: counter("baton_sync_batches_total", "Batches received through req/resp sync"),
  };

  const buildInfo = new Gauge({ name: "baton_build_info", help: "Always 1; the labels say which build runs", labelNames: ["version", "runtime"], registers });
  buildInfo.set({ version: build.version, runtime: build.runtime }, 1);
  const statusGauge = new Gauge({
    name: "baton_node_sequencer_status",
    help: "This node's sequencer in the head state: 1 on its status (none: no sequencer key, or not in the state)",
    labelNames: ["status"],
    registers,
  });
  const node = {
    setSequencerStatus: (status: NodeSequencerStatus) => {
      for (const s of NODE_SEQUENCER_STATUSES) statusGauge.set({ status: s }, s === status ? 1 : 0);
    },
    setHealth: (status: HealthStatusLabel) => setHealth(status),
  };
  node.setSequencerStatus("none");
  const healthGauge = new Gauge({
    name: "baton_health_status",
    help: "What GET /health says: 1 on healthy, syncing or unhealthy",
    labelNames: ["status"],
    registers,
  });
  const setHealth = (status: HealthStatusLabel) => {
    for (const s of HEALTH_STATUSES) healthGauge.set({ status: s }, s === status ? 1 : 0);
  };
  setHealth("healthy");

  // every label a counter can take starts at 0, so that rate() and alerts see the series from the start
  for (const code of Object.values(BatchErrorCode)) chain.batchImportErrors.inc({ code }, 0);
  for (const code of Object.values(MempoolErrorCode)) rejected.inc({ code }, 0);
  for (const topic of GOSSIP_TOPICS) for (const result of GOSSIP_RESULTS) network.gossipMessages.inc({ topic, result }, 0);

  collectDefaultMetrics({ register: registry });
  for (const name of LINT_FAILING_DEFAULT_METRICS) registry.removeSingleMetric(name);

  return { registry, clock, chain, mempool, network, sync, gossipMetrics, node };
}
