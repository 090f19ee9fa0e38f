/** The bench's results table: pure, from what the phases measured (unit-tested with made-up results). */
import type { GossipCeiling, VerifyCeiling } from "./ceilings.js";
import type { ClusterPhaseResult } from "./clusterTypes.js";
import type { CoreScalePoint } from "./coreScale.js";
import { atLeast, atMost, formatNumber, type BenchRow } from "./report.js";
import { benchCpuRows, growthRows, maxOf, memoryRows } from "./rowsCost.js";
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
  /** the cost-growth clusters not run as the baton or a sweep cluster (at rest and at 100 tx/s only) */
  scale?: ClusterPhaseResult[];
  failover?: ClusterPhaseResult[];
  sync?: SyncResult;
}


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
  /** txs one core checks per second (SSZ signing root + ed25519: what a node does per tx); null when the ceilings did not run */
  verify: number | null;
  centralized: ClusterPhaseResult | undefined;
}

/**
 * The txs/s a node can admit when `nodes` nodes share the machine: every node checks every tx
 * on its one JS thread, so a node gets at most one core and all of them at most every core:
 * min(nodes, cores) × tx verify ÷ nodes (one thread × tx verify for the centralized node).
 */
const verifyShare = (context: RowContext, nodes: number): number | null => (context.verify === null ? null : (Math.min(nodes, context.cores) * context.verify) / nodes);
const verifyShareText = (context: RowContext, nodes: number): string =>
  nodes === 1 ? "one thread × tx verify" : nodes >= context.cores ? `cores × tx verify ÷ ${nodes}` : `${nodes} threads × tx verify ÷ ${nodes}`;
/** "1 node, slot 250 ms": a cluster section's label carries its slot length. */
const clusterSection = (name: string, phase: ClusterPhaseResult) => `${name} (${phase.nodes === 1 ? "1 node" : `${phase.nodes} sequencers`}, slot ${phase.slotMs} ms)`;

/**
 * What a latency row rests on: the fewest batches holding the measured txs at any node, and
 * for the p99 the runs and the spread of their p99 (each run's slowest node), e.g.
 * " (312 batches per node; 4 runs, p99 240-270 ms)". Empty when the phase did not record them.
 */
function latencyBasis(phase: ClusterPhaseResult, percentile: "p50" | "p99"): string {
  const steady = phase.steady;
  const batches = steady?.perNode.map((node) => node.latencyBatches);
  if (!steady || !batches || batches.some((count) => count === undefined)) return "";
  const parts = [`${Math.min(...(batches as number[]))} batches per node`];
  const runP99 = (steady.runs ?? []).map((run) => run.slowestP99).filter((value): value is number => value !== null);
  if (percentile === "p99" && runP99.length > 0) parts.push(`${steady.runs!.length} runs, p99 ${formatNumber(Math.min(...runP99))}-${formatNumber(Math.max(...runP99))} ms`);
  return ` (${parts.join("; ")})`;
}

/** A note on a p99 row that rests on fewer batches than the plan asked for (the full mode asks for 300 per node). */
function fewBatchesNote(phase: ClusterPhaseResult): string | undefined {
  const steady = phase.steady;
  const fewest = minOfBatches(phase);
  if (!steady?.minBatches || fewest === null || fewest >= steady.minBatches) return undefined;
  return `rests on ${fewest} batches at some node, fewer than the ${steady.minBatches} asked for`;
}
const minOfBatches = (phase: ClusterPhaseResult): number | null => {
  const counts = (phase.steady?.perNode ?? []).map((node) => node.latencyBatches).filter((count): count is number => count !== undefined);
  return counts.length === 0 ? null : Math.min(...counts);
};

/** The slowest node's soft-confirmation latency percentile at the steady load. */
const worstLatency = (phase: ClusterPhaseResult | undefined, percentile: "p50" | "p99") => maxOf(phase?.steady?.perNode.map((node) => node.latency[percentile]) ?? []);
/** The busiest node's CPU seconds per 1,000 txs at the max load. */
const maxLoadCpu = (phase: ClusterPhaseResult | undefined) => maxOf(phase?.max?.perNode.map((node) => node.cpuSecondsPer1kTx) ?? []);
/** The busiest node's CPU seconds per 1,000 txs at the steady load. */
const steadyLoadCpu = (phase: ClusterPhaseResult | undefined) => maxOf(phase?.steady?.perNode.map((node) => node.cpuSecondsPer1kTx) ?? []);

/** The table: pure, from what was measured (unit-tested with made-up results). */
export function benchRows(results: BenchResults, cores: number): BenchRow[] {
  const context: RowContext = { cores, verify: results.verify?.txVerifyPerSecond ?? null, centralized: results.centralized };
  const measured = [results.centralized, results.baton, ...(results.sweep ?? [])];
  const growth = [results.baton, ...(results.sweep ?? []), ...(results.scale ?? [])];
  return [
    ...ceilingRows(results),
    ...(results.centralized ? centralizedRows(results.centralized, context) : []),
    ...(results.baton ? batonRows(results.baton, true, context) : []),
    ...(results.sweep ?? []).flatMap((phase) => batonRows(phase, false, context)),
    ...growthRows(growth, cores),
    ...(results.failover ?? []).flatMap(failoverRows),
    ...(results.sync ? syncRows(results.sync, context) : []),
    ...memoryRows(measured, results.sync),
    ...benchCpuRows([...measured, ...(results.scale ?? [])].filter((phase): phase is ClusterPhaseResult => phase !== undefined), cores),
    ...coreScaleRows(results.core ?? []),
  ];
}

/** What one core verifies, what gossipsub carries between two processes, what level writes. */
function ceilingRows(results: BenchResults): BenchRow[] {
  const rows: BenchRow[] = [];
  if (results.verify) {
    rows.push({ section: "ceilings", metric: "ed25519 verify alone, one core", value: results.verify.ed25519PerSecond, unit: "/s" });
    rows.push({
      section: "ceilings",
      metric: "tx verify (SSZ signing root + ed25519), one core: the verify ceiling",
      value: results.verify.txVerifyPerSecond,
      unit: "/s",
      ratio: { value: ratio(results.verify.txVerifyPerSecond, results.verify.ed25519PerSecond), of: "ed25519 alone" },
    });
  }
  if (results.gossip) rows.push({ section: "ceilings", metric: `gossipsub, 2 node processes, ${results.gossip.messageBytes} B msgs`, value: results.gossip.msgsPerSecond, unit: "msg/s" });
  if (results.levelPutsPerSecond !== undefined) rows.push({ section: "ceilings", metric: "level, batched puts of 1 KiB", value: results.levelPutsPerSecond, unit: "/s" });
  return rows;
}

/** The baseline: one node leading every slot. */
function centralizedRows(centralized: ClusterPhaseResult, context: RowContext): BenchRow[] {
  const section = clusterSection("centralized", centralized);
  const rate = centralized.steady?.rate ?? "?";
  return [
    {
      section,
      metric: "max sustained throughput",
      value: centralized.max?.txPerSecond ?? null,
      unit: "tx/s",
      ratio: { value: ratio(centralized.max?.txPerSecond, verifyShare(context, 1)), of: verifyShareText(context, 1) },
      note: busyNote(centralized.max?.cpuShare, 1, context.cores),
    },
    { section, metric: `soft confirmation p50 at ${rate} tx/s${latencyBasis(centralized, "p50")}`, value: worstLatency(centralized, "p50"), unit: "ms" },
    { section, metric: `soft confirmation p99 at ${rate} tx/s${latencyBasis(centralized, "p99")}`, value: worstLatency(centralized, "p99"), unit: "ms", note: fewBatchesNote(centralized) },
    { section, metric: "CPU per 1,000 txs at max load", value: maxLoadCpu(centralized), unit: "s" },
    { section, metric: "CPU at rest (no txs)", value: maxOf(centralized.idleCores ?? []), unit: "cores" },
    { section, metric: "CPU per 1,000 txs at the steady load", value: steadyLoadCpu(centralized), unit: "s" },
  ];
}

/** A cluster of sequencers, each number against the centralized baseline; `judged`: the targets apply (the main cluster, not the sweep). */
function batonRows(phase: ClusterPhaseResult, judged: boolean, context: RowContext): BenchRow[] {
  const section = clusterSection("baton", phase);
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
      ratio: { value: share, of: verifyShareText(context, phase.nodes) },
      target: judged ? atLeast(share, 0.75, ">= 0.75× cores × tx verify ÷ nodes") : undefined,
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
    section: clusterSection("baton", phase),
    metric: `soft confirmation ${percentile} at ${phase.steady?.rate ?? "?"} tx/s, slowest node${latencyBasis(phase, percentile)}`,
    value: latency,
    unit: "ms",
    ratio: { value: toCentralized, of: "centralized" },
    target: judged ? { text: `<= ${limitMs} ms and <= 1.10× centralized`, met: both(atMost(latency, limitMs, ""), atMost(toCentralized, 1.1, "")) } : undefined,
    note: percentile === "p99" ? fewBatchesNote(phase) : undefined,
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
  const section = `sync (${sync.light + sync.full} batches${sync.slotMs === undefined ? "" : `, slot ${sync.slotMs} ms`})`;
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
      ratio: { value: txShare, of: "tx verify, one core" },
      target: atLeast(txShare, 0.8, ">= 0.80× tx verify ceiling"),
    },
  ];
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
