/**
 * The rows about what the bench and the nodes cost besides throughput and latency: the bench
 * process's own CPU in each window, memory (lifetime peak and steady state), and how a node's
 * cost grows with the number of sequencers. Pure (rows.ts puts them in the table).
 */
import type { ClusterPhaseResult, WindowCpu } from "./clusterTypes.js";
import { formatNumber, atMost, type BenchRow } from "./report.js";
import { ratio } from "./stats.js";
import type { SyncResult } from "./sync.js";

const MB = 2 ** 20;

export const maxOf = (values: (number | null | undefined)[]): number | null => {
  const known = values.filter((value): value is number => typeof value === "number" && Number.isFinite(value));
  return known.length ? Math.max(...known) : null;
};

const meanOf = (values: (number | null | undefined)[]): number | null => {
  const known = values.filter((value): value is number => typeof value === "number" && Number.isFinite(value));
  return known.length ? known.reduce((sum, value) => sum + value, 0) / known.length : null;
};

/** "centralized node" / "4 sequencers", the cluster a row is about. */
export const clusterName = (phase: ClusterPhaseResult): string => (phase.nodes === 1 ? "centralized node" : `${phase.nodes} sequencers`);

/** The bench process's CPU (cores) in each window a cluster phase measured, by window. */
function benchWindows(phase: ClusterPhaseResult): [string, number][] {
  const windows: [string, number][] = [];
  if (phase.idleCpu) windows.push(["rest", phase.idleCpu.benchCores]);
  if (phase.scale) windows.push([`${phase.scale.rate} tx/s`, phase.scale.benchCores]);
  if (phase.max) windows.push(["max load", phase.max.windowMs > 0 ? phase.max.benchCpuSeconds / (phase.max.windowMs / 1000) : 0]);
  if (phase.steady?.cpu) windows.push([`${phase.steady.rate} tx/s steady`, phase.steady.cpu.benchCores]);
  return windows;
}

/**
 * One row per cluster: the bench process's CPU (load driver, event observers, samplers) in
 * each window, the highest as the value. A reader sees whether the load generator left the
 * nodes their CPU: one core is half of a 2-core machine.
 */
export function benchCpuRows(phases: ClusterPhaseResult[], cores: number): BenchRow[] {
  return phases.flatMap((phase) => {
    const windows = benchWindows(phase);
    if (windows.length === 0) return [];
    const highest = Math.max(...windows.map(([, benchCores]) => benchCores));
    return [
      {
        section: "bench process CPU (load generator)",
        metric: `${clusterName(phase)}, slot ${phase.slotMs} ms: ${windows.map(([name, benchCores]) => `${name} ${formatNumber(benchCores)}`).join(" / ")} cores`,
        value: highest,
        unit: "cores",
        ratio: { value: ratio(highest, cores), of: "the machine" },
        note: highest >= 0.5 ? `the bench process used ${formatNumber(highest)} cores in one window: it may have taken CPU the nodes needed` : undefined,
      },
    ];
  });
}

/**
 * Memory: the largest node's lifetime peak RSS (VmHWM) at the end of the max-load window,
 * judged against 200 MB, and the largest node's steady-state RSS and PSS (medians of samples
 * taken during the steady load; PSS does not charge each process the pages it shares).
 */
export function memoryRows(phases: (ClusterPhaseResult | undefined)[], sync: SyncResult | undefined): BenchRow[] {
  const peaks: [string, number | null][] = [];
  const steady: BenchRow[] = [];
  for (const phase of phases) {
    if (!phase) continue;
    const who = phase.nodes === 1 ? "centralized node" : `largest of ${phase.nodes} nodes`;
    if (phase.max) peaks.push([`${who} at max load, slot ${phase.slotMs} ms`, maxOf(phase.max.perNode.map((node) => node.peakRssBytes))]);
    const perNode = phase.steady?.perNode ?? [];
    if (phase.steady && perNode.some((node) => node.memory !== undefined)) {
      const samples = Math.min(...perNode.map((node) => node.memory?.samples ?? 0));
      for (const kind of ["rssMb", "pssMb"] as const) {
        steady.push({
          section: "memory (steady load, median of samples)",
          metric: `${who} at ${phase.steady.rate} tx/s, slot ${phase.slotMs} ms, ${kind === "rssMb" ? "RSS" : "PSS"} (${samples} samples per node)`,
          value: maxOf(perNode.map((node) => node.memory?.[kind])),
          unit: "MB",
        });
      }
    }
  }
  if (sync) peaks.push([`syncing node, slot ${sync.slotMs ?? "?"} ms`, sync.syncerPeakRssBytes]);
  const peakRows = peaks.map(([metric, bytes]): BenchRow => {
    const megabytes = bytes === null ? null : bytes / MB;
    return { section: "memory (peak RSS)", metric, value: megabytes, unit: "MB", target: atMost(megabytes, 200, "<= 200 MB") };
  });
  return [...peakRows, ...steady];
}

/**
 * A note when the nodes and the bench used nearly all of the machine (each node then got at
 * most cores ÷ nodes), and when the cluster included clearly less than the load offered.
 */
function growthNote(cpu: WindowCpu | null | undefined, nodes: number, cores: number, included?: { rate: number; txPerSecond: number | null; retried?: number }): string | undefined {
  const notes: string[] = [];
  if (cpu && cpu.cpuShare !== null && cpu.cpuShare >= 0.85) {
    notes.push(`nodes and bench used ${Math.round(cpu.cpuShare * 100)}% of the CPU: the machine was saturated, a node got at most ${formatNumber(cores / nodes)} cores`);
  }
  if (included && included.txPerSecond !== null && included.txPerSecond < 0.9 * included.rate) {
    notes.push(`${formatNumber(included.txPerSecond)} tx/s included of the ${included.rate} offered${included.retried ? ` (${included.retried} txs answered 503, busy)` : ""}`);
  }
  return notes.length > 0 ? notes.join("; ") : undefined;
}

/**
 * How cost grows with the number of sequencers: the mean CPU of a node at rest and at a small
 * steady load (100 tx/s), for each cluster size measured (4, 8, 16), each against the smallest.
 */
export function growthRows(phases: (ClusterPhaseResult | undefined)[], cores: number): BenchRow[] {
  const bySize = new Map<number, ClusterPhaseResult>();
  for (const phase of phases) if (phase?.scale && !bySize.has(phase.nodes)) bySize.set(phase.nodes, phase);
  const sizes = [...bySize.values()].sort((first, second) => first.nodes - second.nodes);
  if (sizes.length === 0) return [];
  const section = `cost growth (slot ${sizes[0].slotMs} ms)`;
  const rest = (phase: ClusterPhaseResult) => meanOf(phase.idleCores ?? []);
  const loaded = (phase: ClusterPhaseResult) => meanOf(phase.scale?.nodeCores ?? []);
  const rows = (what: string, value: (phase: ClusterPhaseResult) => number | null, loadedWindow: boolean): BenchRow[] =>
    sizes.map((phase, index) => ({
      section,
      metric: `CPU per node ${what}, ${phase.nodes} sequencers (mean of the nodes)`,
      value: value(phase),
      unit: "cores",
      ratio: index === 0 ? undefined : { value: ratio(value(phase), value(sizes[0])), of: `${sizes[0].nodes} sequencers` },
      note: loadedWindow ? growthNote(phase.scale, phase.nodes, cores, phase.scale ?? undefined) : growthNote(phase.idleCpu, phase.nodes, cores),
    }));
  const rate = sizes[0].scale!.rate;
  return [...rows("at rest", rest, false), ...rows(`at ${rate} tx/s`, loaded, true)];
}
