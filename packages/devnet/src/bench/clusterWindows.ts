/**
 * The measurement windows of one cluster phase (cluster.ts starts the cluster and runs them in
 * order): at rest, at the max load (then the queue drained), at the steady load. Each reads the
 * nodes' CPU from /proc and their own gauges from GET /metrics around its window.
 */
import { availableParallelism } from "node:os";
import { slotStartTime } from "@baton/core";
import type { Devnet } from "../launcher.js";
import { sleep } from "../sleep.js";
import type { ClusterPhaseOptions, MaxResult, NodeSteadyStats, RunningCluster, SteadyResult } from "./clusterTypes.js";
import { processCpuSeconds, processMemory } from "./procstat.js";
import { perSecond, ratio, summarize } from "./stats.js";

interface NodeGauges {
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
const lagOf = (devnet: Devnet) => Promise.all(devnet.nodes.map((node) => eventLoopLag(node.metricsUrl)));

const cpuOf = (devnet: Devnet) => devnet.nodes.map((node) => processCpuSeconds(node.pid));
const diff = (before: (number | null)[], after: (number | null)[]) => before.map((value, index) => (value === null || after[index] === null ? null : after[index]! - value));

/** A window with no load: the CPU cores each node uses at rest (a fixed cost that each tx rate shares). */
export async function measureIdle(cluster: RunningCluster, idleMs: number): Promise<(number | null)[]> {
  const cpuBefore = cpuOf(cluster.devnet);
  const startedAt = Date.now();
  await sleep(idleMs);
  const idleCores = diff(cpuBefore, cpuOf(cluster.devnet)).map((seconds) => (seconds === null ? null : seconds / ((Date.now() - startedAt) / 1000)));
  cluster.options.log(`  idle: CPU cores per node ${idleCores.map((cores) => cores?.toFixed(3) ?? "?").join(" ")}`);
  return idleCores;
}

/** A closed-loop load always keeping `backlog` txs waiting: included txs per second over the window, CPU and memory of every node. */
export async function measureMaxLoad(cluster: RunningCluster, max: NonNullable<ClusterPhaseOptions["max"]>): Promise<MaxResult> {
  const { options, devnet, observers, driver } = cluster;
  const reference = observers[0];
  options.log(`  max load: keeping ${max.backlog} txs queued, ${max.warmupMs / 1000} s warm-up + ${max.windowMs / 1000} s window`);
  await driver.runBacklog(max.backlog, () => reference.includedTxs, Date.now() + max.warmupMs);
  options.signal?.throwIfAborted();
  await lagOf(devnet);
  const cpuBefore = cpuOf(devnet);
  const benchCpuBefore = process.cpuUsage();
  const windowStart = Date.now();
  await driver.runBacklog(max.backlog, () => reference.includedTxs, windowStart + max.windowMs);
  const windowEnd = Date.now();
  options.signal?.throwIfAborted();
  const cpu = diff(cpuBefore, cpuOf(devnet));
  const lag = await lagOf(devnet);
  const benchCpu = process.cpuUsage(benchCpuBefore);
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
    benchCpuSeconds: (benchCpu.user + benchCpu.system) / 1e6,
    cpuShare: cpu.some((seconds) => seconds === null)
      ? null
      : (cpu.reduce((sum, seconds) => sum! + seconds!, 0)! + (benchCpu.user + benchCpu.system) / 1e6) / ((availableParallelism() * (windowEnd - windowStart)) / 1000),
    driver: { ...driver.stats },
  };
  options.log(
    `  max load: ${Math.round(result.txPerSecond ?? 0)} tx/s (${included.txs} txs in ${included.batches} batches, ${result.missedSlots} missed slots, ` +
      `nodes + bench used ${Math.round((result.cpuShare ?? NaN) * 100)}% of the machine's CPU), ` +
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

/**
 * An open-loop load at a fixed rate (capped below the max just measured when asked): each tx's
 * time from its POST to a batch holding it at every node, and CPU per 1,000 txs.
 */
export async function measureSteadyLoad(cluster: RunningCluster, steady: NonNullable<ClusterPhaseOptions["steady"]>, max: MaxResult | null): Promise<SteadyResult> {
  const { options, devnet, observers, driver } = cluster;
  const cap = steady.capAtMaxFraction !== undefined && max?.txPerSecond ? Math.floor((steady.capAtMaxFraction * max.txPerSecond) / 50) * 50 : Infinity;
  const load = { ...steady, rate: Math.max(50, Math.min(steady.rate, cap)) };
  options.log(
    `  steady load: ${load.rate} tx/s${load.rate < steady.rate ? ` (${steady.capAtMaxFraction} of this cluster's max, below the ${steady.rate} tx/s of the others)` : ""}, ${load.warmupMs / 1000} s warm-up + ${load.windowMs / 1000} s window`,
  );
  await driver.runRate(load.rate, Date.now() + load.warmupMs);
  options.signal?.throwIfAborted();
  for (const observer of observers) observer.trackHashes = true;
  driver.trackSendTimes = true;
  await lagOf(devnet);
  const cpuBefore = cpuOf(devnet);
  const windowStart = Date.now();
  await driver.runRate(load.rate, windowStart + load.windowMs);
  const windowEnd = Date.now();
  const lag = await lagOf(devnet);
  driver.trackSendTimes = false;
  // keep the load on while the last txs of the window are included
  await driver.runRate(load.rate, Date.now() + load.tailMs);
  options.signal?.throwIfAborted();
  const cpu = diff(cpuBefore, cpuOf(devnet));
  for (const observer of observers) observer.trackHashes = false;
  const { perNode, latencies } = await steadyPerNode(cluster, { start: windowStart, end: windowEnd }, lag, cpu);
  const included = observers[0].includedBetween(windowStart, windowEnd);
  const result: SteadyResult = {
    rate: load.rate,
    txPerSecond: perSecond(included.txs, windowEnd - windowStart),
    windowMs: windowEnd - windowStart,
    missedSlots: observers[0].missesBetween(windowStart, windowEnd),
    perNode,
    latency: summarize(latencies),
    driver: { ...driver.stats },
  };
  options.log(
    `  steady load: ${Math.round(result.txPerSecond ?? 0)} tx/s included, ${result.missedSlots} missed slots; latency p50/p99 ms per node ` +
      perNode.map((node) => `${Math.round(node.latency.p50)}/${Math.round(node.latency.p99)}`).join(" ") +
      `; CPU s/1k tx ${perNode.map((node) => node.cpuSecondsPer1kTx?.toFixed(3) ?? "?").join(" ")}` +
      `; event-loop lag p99/max ms ${lag.map((gauges) => `${Math.round(gauges.p99 ?? NaN)}/${Math.round(gauges.max ?? NaN)}`).join(" ")}` +
      `; batch imported after slot start p50/p99 ms ${perNode.map((node) => `${Math.round(node.batchDelay.p50)}/${Math.round(node.batchDelay.p99)}`).join(" ")}` +
      ` (own batches ${perNode.map((node) => `${Math.round(node.ownBatchDelay.p50)}/${Math.round(node.ownBatchDelay.p99)}`).join(" ")})`,
  );
  return result;
}

/** Each node's latencies for the txs sent in the window, its batch delays and CPU; `latencies`: every node's together. */
async function steadyPerNode(
  cluster: RunningCluster,
  window: { start: number; end: number },
  lag: NodeGauges[],
  cpu: (number | null)[],
): Promise<{ perNode: NodeSteadyStats[]; latencies: number[] }> {
  const { observers, driver } = cluster;
  const config = cluster.devnet.genesis.config;
  const latencies: number[] = [];
  const seenAt = await Promise.all(observers.map((observer) => observer.txSeenAt()));
  const perNode = observers.map((observer, index) => {
    const nodeLatencies: number[] = [];
    let notSeen = 0;
    for (const [hash, sentAt] of driver.sendTimes) {
      const seen = seenAt[index].get(hash);
      if (seen === undefined) notSeen++;
      else nodeLatencies.push(seen - sentAt);
    }
    latencies.push(...nodeLatencies);
    const here = observer.includedBetween(window.start, window.end).txs;
    const inWindow = observer.batches.filter((batch) => batch.at >= window.start && batch.at < window.end);
    const batchDelay = summarize(inWindow.map((batch) => batch.at - slotStartTime(config, batch.slot)));
    const ownBatchDelay = summarize(inWindow.filter((batch) => batch.source === "produced").map((batch) => batch.at - slotStartTime(config, batch.slot)));
    return { batchDelay, ownBatchDelay, eventLoopLagP99Ms: lag[index].p99, eventLoopLagMaxMs: lag[index].max, latency: summarize(nodeLatencies), notSeen, cpuSecondsPer1kTx: ratio(cpu[index], here / 1000) };
  });
  return { perNode, latencies };
}
