/** The bench's results table: pure, from what the phases measured (unit-tested with made-up results). */
import type { GossipCeiling, VerifyCeiling } from "./ceilings.js";
import type { ClusterPhaseResult } from "./clusterTypes.js";
import type { CoreScalePoint } from "./coreScale.js";
import { atLeast, atMost, type BenchRow } from "./report.js";
import { growthExponents, ratio, withinNLogN } from "./stats.js";
import type { SyncResult } from "./sync.js";

/** Everything the phases measured, as the rows are built from it (and the JSON keeps it). */
export interface BenchResults {
  verify?: VerifyCeiling;
  gossip?: GossipCeiling;
  levelPutsPerSecond?: number;
  core?: CoreScalePoint[];
  centralized?: ClusterPhaseResult;
  baton?: ClusterPhaseResult;
  sweep?: ClusterPhaseResult[];
  failover?: ClusterPhaseResult[];
  sync?: SyncResult;
}

const MB = 2 ** 20;
const maxOf = (xs: (number | null | undefined)[]): number | null => {
  const v = xs.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  return v.length ? Math.max(...v) : null;
};

/**
 * A note when other work on the machine took a visible share of the CPU during a window. A
 * node is one thread: `nodes` node processes can use at most min(nodes, cores) of the cores.
 */
function busyNote(share: number | null | undefined, nodes: number, cores: number): string | undefined {
  const usable = Math.min(nodes, cores) / cores;
  return share !== null && share !== undefined && share < 0.85 * usable ? `nodes and bench got ${Math.round(share * 100)}% of the CPU: other work shared the machine` : undefined;
}

/** What the rows of every section are judged against: the machine, the verify ceiling and the centralized baseline. */
interface RowContext {
  cores: number;
  /** ed25519 verifies per second on one core; null when the ceilings did not run */
  verify: number | null;
  centralized: ClusterPhaseResult | undefined;
}

/** cores × verify/s ÷ nodes: the txs/s a node can admit when the machine is shared by `nodes` nodes */
const verifyShare = (context: RowContext, nodes: number): number | null => (context.verify === null ? null : (context.cores * context.verify) / nodes);
/** The slowest node's soft-confirmation latency percentile at the steady load. */
const worstLatency = (phase: ClusterPhaseResult | undefined, percentile: "p50" | "p99") => maxOf(phase?.steady?.perNode.map((node) => node.latency[percentile]) ?? []);
/** The busiest node's CPU seconds per 1,000 txs at the max load. */
const maxLoadCpu = (phase: ClusterPhaseResult | undefined) => maxOf(phase?.max?.perNode.map((node) => node.cpuSecondsPer1kTx) ?? []);
/** The busiest node's CPU seconds per 1,000 txs at the steady load. */
const steadyLoadCpu = (phase: ClusterPhaseResult | undefined) => maxOf(phase?.steady?.perNode.map((node) => node.cpuSecondsPer1kTx) ?? []);

/** The table: pure, from what was measured (unit-tested with made-up results). */
export function benchRows(results: BenchResults, cores: number): BenchRow[] {
  const context: RowContext = { cores, verify: results.verify?.ed25519PerSecond ?? null, centralized: results.centralized };
  return [
    ...ceilingRows(results, context),
    ...(results.centralized ? centralizedRows(results.centralized, context) : []),
    ...(results.baton ? batonRows(results.baton, true, context) : []),
    ...(results.sweep ?? []).flatMap((phase) => batonRows(phase, false, context)),
    ...(results.failover ?? []).flatMap(failoverRows),
    ...(results.sync ? syncRows(results.sync, context) : []),
    ...memoryRows(results),
    ...coreScaleRows(results.core ?? []),
  ];
}

/** What one core verifies, what gossipsub carries between two processes, what level writes. */
function ceilingRows(results: BenchResults, context: RowContext): BenchRow[] {
  const rows: BenchRow[] = [];
  if (results.verify) {
    rows.push({ section: "ceilings", metric: "ed25519 verify, one core", value: results.verify.ed25519PerSecond, unit: "/s" });
    rows.push({
      section: "ceilings",
      metric: "tx verify (SSZ signing root + ed25519), one core",
      value: results.verify.txVerifyPerSecond,
      unit: "/s",
      ratio: { value: ratio(results.verify.txVerifyPerSecond, context.verify), of: "ed25519" },
    });
  }
  if (results.gossip) rows.push({ section: "ceilings", metric: `gossipsub, 2 node processes, ${results.gossip.messageBytes} B msgs`, value: results.gossip.msgsPerSecond, unit: "msg/s" });
  if (results.levelPutsPerSecond !== undefined) rows.push({ section: "ceilings", metric: "level, batched puts of 1 KiB", value: results.levelPutsPerSecond, unit: "/s" });
  return rows;
}

/** The baseline: one node leading every slot. */
function centralizedRows(centralized: ClusterPhaseResult, context: RowContext): BenchRow[] {
  const section = "centralized (1 node)";
  const rate = centralized.steady?.rate ?? "?";
  return [
    {
      section,
      metric: "max sustained throughput",
      value: centralized.max?.txPerSecond ?? null,
      unit: "tx/s",
      ratio: { value: ratio(centralized.max?.txPerSecond, verifyShare(context, 1)), of: "cores × verify" },
      note: busyNote(centralized.max?.cpuShare, 1, context.cores),
    },
    { section, metric: `soft confirmation p50 at ${rate} tx/s`, value: worstLatency(centralized, "p50"), unit: "ms" },
    { section, metric: `soft confirmation p99 at ${rate} tx/s`, value: worstLatency(centralized, "p99"), unit: "ms" },
    { section, metric: "CPU per 1,000 txs at max load", value: maxLoadCpu(centralized), unit: "s" },
    { section, metric: "CPU at rest (no txs)", value: maxOf(centralized.idleCores ?? []), unit: "cores" },
    { section, metric: "CPU per 1,000 txs at the steady load", value: steadyLoadCpu(centralized), unit: "s" },
  ];
}

/** A cluster of sequencers, each number against the centralized baseline; `judged`: the targets apply (the main cluster, not the sweep). */
function batonRows(phase: ClusterPhaseResult, judged: boolean, context: RowContext): BenchRow[] {
  const section = `baton (${phase.nodes} sequencers)`;
  const centralized = context.centralized;
  const throughput = phase.max?.txPerSecond ?? null;
  const share = ratio(throughput, verifyShare(context, phase.nodes));
  const steadyCpu = steadyLoadCpu(phase);
  const steadyRatio = ratio(steadyCpu, steadyLoadCpu(centralized));
  const idle = maxOf(phase.idleCores ?? []);
  const maxCpu = maxLoadCpu(phase);
  return [
    {
      section,
      metric: "max sustained throughput",
      value: throughput,
      unit: "tx/s",
      ratio: { value: share, of: `cores × verify ÷ ${phase.nodes}` },
      target: judged ? atLeast(share, 0.75, ">= 0.75× cores × verify ÷ nodes") : undefined,
      note: busyNote(phase.max?.cpuShare, phase.nodes, context.cores),
    },
    {
      section,
      metric: `CPU per 1,000 txs at ${phase.steady?.rate ?? "?"} tx/s${phase.steady?.rate === centralized?.steady?.rate ? " (the centralized load)" : ""}, busiest node`,
      value: steadyCpu,
      unit: "s",
      ratio: { value: steadyRatio, of: "centralized" },
      target: judged ? atMost(steadyRatio, 1.1, "<= 1.10× centralized") : undefined,
    },
    { section, metric: "CPU at rest (no txs), busiest node", value: idle, unit: "cores", ratio: { value: ratio(idle, maxOf(centralized?.idleCores ?? [])), of: "centralized" } },
    { section, metric: "CPU per 1,000 txs at its max load, busiest node", value: maxCpu, unit: "s", ratio: { value: ratio(maxCpu, maxLoadCpu(centralized)), of: "centralized at its max" } },
    latencyRow(phase, "p50", 150, judged, centralized),
    latencyRow(phase, "p99", 400, judged, centralized),
  ];
}

/** The slowest node's soft confirmation at the steady load, judged against `limitMs` and 1.10× centralized. */
function latencyRow(phase: ClusterPhaseResult, percentile: "p50" | "p99", limitMs: number, judged: boolean, centralized: ClusterPhaseResult | undefined): BenchRow {
  const latency = worstLatency(phase, percentile);
  const toCentralized = ratio(latency, worstLatency(centralized, percentile));
  const both = (first: { met: boolean | null }, second: { met: boolean | null }) => (first.met === null || second.met === null ? null : first.met && second.met);
  return {
    section: `baton (${phase.nodes} sequencers)`,
    metric: `soft confirmation ${percentile} at ${phase.steady?.rate ?? "?"} tx/s, slowest node`,
    value: latency,
    unit: "ms",
    ratio: { value: toCentralized, of: "centralized" },
    target: judged ? { text: `<= ${limitMs} ms and <= 1.10× centralized`, met: both(atMost(latency, limitMs, ""), atMost(toCentralized, 1.1, "")) } : undefined,
  };
}

/** A leader killed just before its slot: the next batch, its ejection, the slots it missed meanwhile. */
function failoverRows(phase: ClusterPhaseResult): BenchRow[] {
  const failover = phase.failover;
  if (!failover) return [];
  const section = `failover (${phase.nodes} nodes, slot ${failover.slotMs} ms)`;
  const nextSlots = failover.nextBatchMs === null ? null : failover.nextBatchMs / failover.slotMs;
  return [
    {
      section,
      metric: "leader dies → next batch (from its slot's start)",
      value: failover.nextBatchMs,
      unit: "ms",
      ratio: { value: nextSlots, of: "slots" },
      target: atMost(nextSlots, 2, "<= 2 slots"),
      note: failover.nextBatchSlot !== null && failover.nextBatchSlot > failover.killSlot + 1 ? `the dead sequencer also led slot ${failover.killSlot + 1}` : undefined,
    },
    {
      section,
      metric: "leader dies → ejected (from its slot's start)",
      value: failover.ejectionMs,
      unit: "ms",
      ratio: { value: failover.ejectionMs === null ? null : failover.ejectionMs / failover.slotMs, of: "slots" },
    },
    {
      section,
      metric: "its own slots until ejected",
      value: failover.deadLeaderSlotsToEjection,
      unit: "slots",
      target: atMost(failover.deadLeaderSlotsToEjection, failover.missesToEject + 1, `<= missesToEject + 1 = ${failover.missesToEject + 1}`),
    },
  ];
}

/** A node catching up: light batches per second, and txs per second of full batches against the verify ceiling. */
function syncRows(sync: SyncResult, context: RowContext): BenchRow[] {
  const section = `sync (${sync.light + sync.full} batches)`;
  const txShare = ratio(sync.fullTxPerSecond, context.verify);
  return [
    {
      section,
      metric: `${sync.light} light batches (${sync.lightTxs} tx each)`,
      value: sync.lightBatchesPerSecond,
      unit: "batch/s",
      target: atLeast(sync.lightBatchesPerSecond, 2_000, ">= 2,000 batch/s"),
    },
    {
      section,
      metric: `${sync.full} full batches (${sync.fullTxs} txs each)`,
      value: sync.fullTxPerSecond,
      unit: "tx/s",
      ratio: { value: txShare, of: "verify, one core" },
      target: atLeast(txShare, 0.8, ">= 0.80× verify ceiling"),
    },
  ];
}

/** The largest node's peak RSS in each phase that measured it. */
function memoryRows(results: BenchResults): BenchRow[] {
  const peaks: [string, number | null][] = [];
  const centralized = results.centralized;
  if (centralized?.max) peaks.push(["centralized node at max load", maxOf(centralized.max.perNode.map((node) => node.peakRssBytes))]);
  for (const phase of [results.baton, ...(results.sweep ?? [])]) {
    if (phase?.max) peaks.push([`largest of ${phase.nodes} nodes at max load`, maxOf(phase.max.perNode.map((node) => node.peakRssBytes))]);
  }
  if (results.sync) peaks.push(["syncing node", results.sync.syncerPeakRssBytes]);
  return peaks.map(([metric, bytes]) => {
    const megabytes = bytes === null ? null : bytes / MB;
    return { section: "memory (peak RSS)", metric, value: megabytes, unit: "MB", target: atMost(megabytes, 200, "<= 200 MB") };
  });
}

/** The core's own costs by number of sequencers: the epoch schedule, applying a batch, and how each grows. */
function coreScaleRows(points: CoreScalePoint[]): BenchRow[] {
  if (points.length === 0) return [];
  const section = "core scale";
  const rows: BenchRow[] = [];
  for (const point of points) {
    rows.push({
      section,
      metric: `epoch schedule, ${point.sequencers.toLocaleString("en-US")} sequencers`,
      value: point.scheduleMs,
      unit: "ms",
      target: point.sequencers >= 10_000 ? atMost(point.scheduleMs, 100, "< 100 ms") : undefined,
    });
  }
  for (const point of points) {
    rows.push({ section, metric: `apply a ${point.txs.toLocaleString("en-US")}-tx batch, ${point.sequencers.toLocaleString("en-US")} sequencers`, value: point.applyBatchMs, unit: "ms" });
  }
  for (const [key, what] of [["scheduleMs", "schedule"], ["applyBatchMs", "apply batch"]] as const) {
    const row = growthRow(points, key, what);
    if (row) rows.push(row);
  }
  return rows;
}

/** The growth exponent between the two largest sizes (null with fewer than two); the schedule is judged against n log n. */
function growthRow(points: CoreScalePoint[], key: "scheduleMs" | "applyBatchMs", what: string): BenchRow | null {
  const timed = points.map((point) => ({ n: point.sequencers, ms: point[key] }));
  const last = growthExponents(timed).at(-1);
  if (!last) return null;
  const smaller = timed[timed.length - 2];
  const larger = timed[timed.length - 1];
  return {
    section: "core scale",
    metric: `${what} growth ${smaller.n.toLocaleString("en-US")} → ${larger.n.toLocaleString("en-US")} (exponent; n log n ≈ 1.1)`,
    value: last.exponent,
    unit: "",
    ratio: { value: larger.ms / smaller.ms, of: `time for ${larger.n / smaller.n}× the sequencers` },
    target: key === "scheduleMs" ? { text: "no worse than n log n", met: withinNLogN(smaller.n, smaller.ms, larger.n, larger.ms) } : undefined,
  };
}
