/**
 * The measurement windows of one cluster phase (cluster.ts starts the cluster and runs them in
 * order): at rest, at a small steady load (how cost grows), at the max load (then the queue
 * drained); the steady load is in steady.ts. Each reads the nodes' CPU from /proc, the bench's
 * own CPU, and the nodes' own gauges from GET /metrics around its window.
 */
import { availableParallelism } from "node:os";
import type { Devnet } from "../launcher.js";
import { sleep } from "../sleep.js";
import type { ClusterPhaseOptions, MaxResult, RunningCluster, ScaleResult, WindowCpu } from "./clusterTypes.js";
import { processCpuSeconds, processMemory } from "./procstat.js";
import { perSecond, ratio } from "./stats.js";

export interface NodeGauges {
  /** event-loop lag p99 and max (ms) since the previous scrape (prom-client resets them at each scrape) */
  p99: number | null;
  max: number | null;
  /** MB: V8 heap used and total, memory outside the heap (buffers, native), resident set */
  heapUsedMb: number | null;
  heapTotalMb: number | null;
  externalMb: number | null;
  rssMb: number | null;
}

/** A few of the node's own gauges, from GET /metrics on its metrics listener. */
async function eventLoopLag(metricsUrl: string): Promise<NodeGauges> {
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
    const text = await res.text();
    const gauge = (name: string, scale: number) => {
      const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, "m").exec(text);
      return match ? Number(match[1]) * scale : null;
    };
    const mb = 1 / 2 ** 20;
    return {
      p99: gauge("nodejs_eventloop_lag_p99_seconds", 1000),
      max: gauge("nodejs_eventloop_lag_max_seconds", 1000),
      heapUsedMb: gauge("nodejs_heap_size_used_bytes", mb),
      heapTotalMb: gauge("nodejs_heap_size_total_bytes", mb),
      externalMb: gauge("nodejs_external_memory_bytes", mb),
      rssMb: gauge("process_resident_memory_bytes", mb),
    };
  } catch {
    return { p99: null, max: null, heapUsedMb: null, heapTotalMb: null, externalMb: null, rssMb: null };
  }
}
export const lagOf = (devnet: Devnet) => Promise.all(devnet.nodes.map((node) => eventLoopLag(node.metricsUrl)));

export const cpuOf = (devnet: Devnet) => devnet.nodes.map((node) => processCpuSeconds(node.pid));
export const diff = (before: (number | null)[], after: (number | null)[]) => before.map((value, index) => (value === null || after[index] === null ? null : after[index]! - value));

/** The CPU clocks a window reads: every node's (from /proc) and the bench process's own. */
export interface CpuMark {
  at: number;
  nodes: (number | null)[];
  bench: NodeJS.CpuUsage;
}

export const cpuMark = (devnet: Devnet): CpuMark => ({ at: Date.now(), nodes: cpuOf(devnet), bench: process.cpuUsage() });

/** CPU seconds of each node since `mark`, and the bench's own CPU over the same window. */
export function cpuSince(devnet: Devnet, mark: CpuMark): { nodes: (number | null)[]; window: WindowCpu } {
  const nodes = diff(mark.nodes, cpuOf(devnet));
  const bench = process.cpuUsage(mark.bench);
  const windowMs = Date.now() - mark.at;
  const benchSeconds = (bench.user + bench.system) / 1e6;
  const cpuShare = nodes.some((seconds) => seconds === null) || windowMs <= 0
    ? null
    : (nodes.reduce((sum: number, seconds) => sum + seconds!, 0) + benchSeconds) / ((availableParallelism() * windowMs) / 1000);
  return { nodes, window: { windowMs, benchCores: windowMs > 0 ? benchSeconds / (windowMs / 1000) : 0, cpuShare } };
}

const coresOver = (seconds: (number | null)[], windowMs: number) => seconds.map((value) => (value === null ? null : value / (windowMs / 1000)));
const pct = (share: number | null) => (share === null ? "?" : `${Math.round(share * 100)}%`);

/** A window with no load: the CPU cores each node uses at rest (a fixed cost that each tx rate shares), and the bench's own. */
export async function measureIdle(cluster: RunningCluster, idleMs: number, settleMs = 0): Promise<{ idleCores: (number | null)[]; cpu: WindowCpu }> {
  await sleep(settleMs);
  const mark = cpuMark(cluster.devnet);
  await sleep(idleMs);
  const { nodes, window } = cpuSince(cluster.devnet, mark);
  const idleCores = coresOver(nodes, window.windowMs);
  cluster.options.log(
    `  idle: CPU cores per node ${idleCores.map((cores) => cores?.toFixed(3) ?? "?").join(" ")}; bench process ${window.benchCores.toFixed(3)} cores; nodes + bench used ${pct(window.cpuShare)} of the machine's CPU`,
  );
  return { idleCores, cpu: window };
}

/** A small open-loop load (100 tx/s) after the window at rest: each node's CPU cores with txs flowing, far from any limit. */
export async function measureScale(cluster: RunningCluster, scale: NonNullable<ClusterPhaseOptions["scale"]>): Promise<ScaleResult> {
  const { options, devnet, driver } = cluster;
  const reference = cluster.observers[0];
  options.log(`  ${scale.rate} tx/s: ${scale.warmupMs / 1000} s warm-up + ${scale.windowMs / 1000} s window (each node's CPU with a little load)`);
  await driver.runRate(scale.rate, Date.now() + scale.warmupMs);
  options.signal?.throwIfAborted();
  const retriedBefore = driver.stats.retried;
  const mark = cpuMark(devnet);
  await driver.runRate(scale.rate, mark.at + scale.windowMs);
  options.signal?.throwIfAborted();
  const { nodes, window } = cpuSince(devnet, mark);
  const nodeCores = coresOver(nodes, window.windowMs);
  const included = perSecond(reference.includedBetween(mark.at, mark.at + window.windowMs).txs, window.windowMs);
  const result: ScaleResult = { rate: scale.rate, txPerSecond: included, nodeCores, retried: driver.stats.retried - retriedBefore, ...window };
  options.log(
    `  ${scale.rate} tx/s: ${Math.round(result.txPerSecond ?? 0)} tx/s included (${result.retried} txs answered 503 and sent again); CPU cores per node ${nodeCores.map((cores) => cores?.toFixed(3) ?? "?").join(" ")}; ` +
      `bench process ${window.benchCores.toFixed(3)} cores; nodes + bench used ${pct(window.cpuShare)} of the machine's CPU`,
  );
  return result;
}

/** A closed-loop load always keeping `backlog` txs waiting: included txs per second over the window, CPU and memory of every node. */
export async function measureMaxLoad(cluster: RunningCluster, max: NonNullable<ClusterPhaseOptions["max"]>): Promise<MaxResult> {
  const { options, devnet, observers, driver } = cluster;
  const reference = observers[0];
  options.log(`  max load: keeping ${max.backlog} txs queued, ${max.warmupMs / 1000} s warm-up + ${max.windowMs / 1000} s window`);
  await driver.runBacklog(max.backlog, () => reference.includedTxs, Date.now() + max.warmupMs);
  options.signal?.throwIfAborted();
  await lagOf(devnet);
  const mark = cpuMark(devnet);
  const windowStart = mark.at;
  await driver.runBacklog(max.backlog, () => reference.includedTxs, windowStart + max.windowMs);
  const windowEnd = Date.now();
  const { nodes: cpu, window } = cpuSince(devnet, mark);
  options.signal?.throwIfAborted();
  const lag = await lagOf(devnet);
  const peakRss = devnet.nodes.map((node) => processMemory(node.pid).peakRssBytes);
  const included = reference.includedBetween(windowStart, windowEnd);
  const result: MaxResult = {
    txPerSecond: perSecond(included.txs, windowEnd - windowStart),
    windowMs: windowEnd - windowStart,
    includedTxs: included.txs,
    batches: included.batches,
    missedSlots: reference.missesBetween(windowStart, windowEnd),
    perNode: observers.map((observer, index) => {
      const here = observer.includedBetween(windowStart, windowEnd).txs;
      const { heapUsedMb, heapTotalMb, externalMb, rssMb } = lag[index];
      return {
        eventLoopLagP99Ms: lag[index].p99,
        eventLoopLagMaxMs: lag[index].max,
        memory: { heapUsedMb, heapTotalMb, externalMb, rssMb },
        cpuSeconds: cpu[index],
        cpuSecondsPer1kTx: ratio(cpu[index], here / 1000),
        peakRssBytes: peakRss[index],
      };
    }),
    benchCpuSeconds: (window.benchCores * window.windowMs) / 1000,
    cpuShare: window.cpuShare,
    driver: { ...driver.stats },
  };
  options.log(
    `  max load: ${Math.round(result.txPerSecond ?? 0)} tx/s (${included.txs} txs in ${included.batches} batches, ${result.missedSlots} missed slots, ` +
      `nodes + bench used ${pct(result.cpuShare)} of the machine's CPU, the bench process ${window.benchCores.toFixed(2)} cores), ` +
      `event-loop lag p99/max ms ${lag.map((gauges) => `${Math.round(gauges.p99 ?? NaN)}/${Math.round(gauges.max ?? NaN)}`).join(" ")}, ` +
      `CPU s/1k tx per node ${result.perNode.map((node) => node.cpuSecondsPer1kTx?.toFixed(3) ?? "?").join(" ")}, ` +
      `peak RSS MB ${peakRss.map((bytes) => (bytes === null ? "?" : Math.round(bytes / 2 ** 20))).join(" ")} ` +
      `(heap used/total, external at the end: ${lag.map((gauges) => `${Math.round(gauges.heapUsedMb ?? NaN)}/${Math.round(gauges.heapTotalMb ?? NaN)}, ${Math.round(gauges.externalMb ?? NaN)}`).join("; ")})`,
  );
  if (driver.stats.exhausted) options.log("  note: the pre-signed pool ran out during the max-load window");
  return result;
}

/** After the max load: the txs still queued included (at most 8 s) before the steady load. */
export async function drainQueue(cluster: RunningCluster): Promise<void> {
  const { driver } = cluster;
  const reference = cluster.observers[0];
  await driver.settle();
  const drainUntil = Date.now() + 8_000;
  while (Date.now() < drainUntil && reference.includedTxs < driver.submitted) await reference.nextEvent(500);
}
