/**
 * The steady load of a cluster phase: an open-loop load at a fixed rate (capped below the max
 * just measured when asked), one warm-up, then `runs` windows back to back (more while some
 * node has imported fewer than `minBatches` batches holding the runs' txs), then a tail so the
 * last txs are included. Soft confirmation of each tx sent in a run: from its POST to each
 * node's `importedAt` of the first batch holding it (the batch event on GET /events). Pooled
 * over the runs for the p50/p99 rows (with how many batches they rest on), per run for the
 * spread of the p99. CPU per 1,000 txs over the runs; RSS and PSS sampled during them.
 */
import { slotStartTime } from "@baton/core";
import type { ClusterPhaseOptions, MaxResult, NodeSteadyStats, RunningCluster, SteadyResult, SteadyRun } from "./clusterTypes.js";
import { cpuMark, cpuSince, lagOf, type NodeGauges } from "./clusterWindows.js";
import { MemorySampler } from "./memorySampler.js";
import type { NodeObserver, TxSeen } from "./observer.js";
import { perSecond, ratio, summarize } from "./stats.js";

type SteadyOptions = NonNullable<ClusterPhaseOptions["steady"]>;
export interface Span {
  start: number;
  end: number;
}

/** The rate the steady load runs at: the plan's, or at most `capAtMaxFraction` of the cluster's max (rounded down to 50 tx/s). */
function steadyRate(steady: SteadyOptions, max: MaxResult | null): number {
  const cap = steady.capAtMaxFraction !== undefined && max?.txPerSecond ? Math.floor((steady.capAtMaxFraction * max.txPerSecond) / 50) * 50 : Infinity;
  return Math.max(50, Math.min(steady.rate, cap));
}

/** Batches holding txs that each node imported in [from, now): enough to decide whether another run is needed. */
const fewestBatchesSince = (observers: NodeObserver[], from: number): number =>
  Math.min(...observers.map((observer) => observer.batches.filter((batch) => batch.at >= from && batch.txs > 0).length));

export async function measureSteadyLoad(cluster: RunningCluster, steady: SteadyOptions, max: MaxResult | null): Promise<SteadyResult> {
  const { options, devnet, observers, driver } = cluster;
  const rate = steadyRate(steady, max);
  options.log(
    `  steady load: ${rate} tx/s${rate < steady.rate ? ` (${steady.capAtMaxFraction} of this cluster's max, below the ${steady.rate} tx/s of the others)` : ""}, ` +
      `${steady.warmupMs / 1000} s warm-up + ${steady.runs} run(s) of ${steady.windowMs / 1000} s${steady.minBatches > 0 ? ` (more, up to ${steady.maxRuns}, until every node imported ${steady.minBatches} batches)` : ""}`,
  );
  await driver.runRate(rate, Date.now() + steady.warmupMs);
  options.signal?.throwIfAborted();
  for (const observer of observers) observer.trackHashes = true;
  driver.trackSendTimes = true;
  await lagOf(devnet);
  const memory = new MemorySampler(devnet.nodes.map((node) => node.pid), steady.memorySampleMs);
  memory.start();
  const mark = cpuMark(devnet);
  const runs: Span[] = [];
  while (runs.length < steady.runs || (runs.length < steady.maxRuns && fewestBatchesSince(observers, mark.at) < steady.minBatches)) {
    const start = Date.now();
    await driver.runRate(rate, start + steady.windowMs);
    runs.push({ start, end: Date.now() });
    options.signal?.throwIfAborted();
    options.log(`  steady load: run ${runs.length} done; every node imported at least ${fewestBatchesSince(observers, mark.at)} batches with txs so far`);
  }
  const window: Span = { start: runs[0].start, end: runs[runs.length - 1].end };
  const { nodes: cpu, window: cpuWindow } = cpuSince(devnet, mark);
  const memoryPerNode = await memory.stop();
  const lag = await lagOf(devnet);
  driver.trackSendTimes = false;
  // keep the load on while the last txs of the runs are included
  await driver.runRate(rate, Date.now() + steady.tailMs);
  options.signal?.throwIfAborted();
  for (const observer of observers) observer.trackHashes = false;
  const seenAt = await Promise.all(observers.map((observer) => observer.txSeenAt()));
  const perNode = steadyPerNode(cluster, window, seenAt, { lag, cpu }).map((node, index) => ({ ...node, memory: memoryPerNode[index] }));
  const included = observers[0].includedBetween(window.start, window.end);
  const result: SteadyResult = {
    rate,
    txPerSecond: perSecond(included.txs, window.end - window.start),
    windowMs: window.end - window.start,
    runs: runs.map((run) => steadyRun(run, driver.sendTimes, seenAt)),
    minBatches: steady.minBatches,
    cpu: cpuWindow,
    missedSlots: observers[0].missesBetween(window.start, window.end),
    perNode,
    latency: summarize(perNode.flatMap((_, index) => latenciesAt(driver.sendTimes, seenAt[index], window).values)),
    driver: { ...driver.stats },
  };
  logSteady(cluster, result, lag);
  return result;
}

/** Latencies at one node of the txs first sent in `window`, and the distinct batches holding them there. */
export function latenciesAt(sendTimes: Map<string, number>, seen: Map<string, TxSeen>, window: Span): { values: number[]; batches: number; notSeen: number } {
  const values: number[] = [];
  const roots = new Set<string>();
  let notSeen = 0;
  for (const [hash, sentAt] of sendTimes) {
    if (sentAt < window.start || sentAt >= window.end) continue;
    const at = seen.get(hash);
    if (at === undefined) {
      notSeen++;
      continue;
    }
    values.push(at.at - sentAt);
    roots.add(at.root);
  }
  return { values, batches: roots.size, notSeen };
}

/** One run: each node's p99 over the txs sent in it, the slowest, and the fewest batches they rest on. */
export function steadyRun(run: Span, sendTimes: Map<string, number>, seenAt: Map<string, TxSeen>[]): SteadyRun {
  const atNodes = seenAt.map((seen) => latenciesAt(sendTimes, seen, run));
  const p99ByNode = atNodes.map((node) => (node.values.length === 0 ? null : summarize(node.values).p99));
  const known = p99ByNode.filter((value): value is number => value !== null);
  return {
    windowMs: run.end - run.start,
    p99ByNode,
    slowestP99: known.length === 0 ? null : Math.max(...known),
    fewestBatches: Math.min(...atNodes.map((node) => node.batches)),
  };
}

/** Each node's latencies for the txs sent in the runs, the batches they rest on, its batch delays and CPU. */
function steadyPerNode(
  cluster: RunningCluster,
  window: Span,
  seenAt: Map<string, TxSeen>[],
  measured: { lag: NodeGauges[]; cpu: (number | null)[] },
): NodeSteadyStats[] {
  const { observers, driver } = cluster;
  const config = cluster.devnet.genesis.config;
  return observers.map((observer, index) => {
    const latency = latenciesAt(driver.sendTimes, seenAt[index], window);
    const here = observer.includedBetween(window.start, window.end).txs;
    const inWindow = observer.batches.filter((batch) => batch.at >= window.start && batch.at < window.end);
    const batchDelay = summarize(inWindow.map((batch) => batch.at - slotStartTime(config, batch.slot)));
    const ownBatchDelay = summarize(inWindow.filter((batch) => batch.source === "produced").map((batch) => batch.at - slotStartTime(config, batch.slot)));
    return {
      batchDelay,
      ownBatchDelay,
      eventLoopLagP99Ms: measured.lag[index].p99,
      eventLoopLagMaxMs: measured.lag[index].max,
      latency: summarize(latency.values),
      latencyBatches: latency.batches,
      notSeen: latency.notSeen,
      cpuSecondsPer1kTx: ratio(measured.cpu[index], here / 1000),
    };
  });
}

function logSteady(cluster: RunningCluster, result: SteadyResult, lag: NodeGauges[]): void {
  const { perNode } = result;
  const runP99 = (result.runs ?? []).map((run) => Math.round(run.slowestP99 ?? NaN));
  cluster.options.log(
    `  steady load: ${Math.round(result.txPerSecond ?? 0)} tx/s included, ${result.missedSlots} missed slots; latency p50/p99 ms per node ` +
      perNode.map((node) => `${Math.round(node.latency.p50)}/${Math.round(node.latency.p99)}`).join(" ") +
      ` (over ${perNode.map((node) => node.latencyBatches ?? "?").join(" ")} batches; slowest node's p99 per run ${runP99.join(" ")} ms)` +
      `; CPU s/1k tx ${perNode.map((node) => node.cpuSecondsPer1kTx?.toFixed(3) ?? "?").join(" ")}` +
      `; RSS/PSS MB ${perNode.map((node) => `${Math.round(node.memory?.rssMb ?? NaN)}/${Math.round(node.memory?.pssMb ?? NaN)}`).join(" ")}` +
      `; bench process ${result.cpu?.benchCores.toFixed(3) ?? "?"} cores` +
      `; event-loop lag p99/max ms ${lag.map((gauges) => `${Math.round(gauges.p99 ?? NaN)}/${Math.round(gauges.max ?? NaN)}`).join(" ")}` +
      `; batch imported after slot start p50/p99 ms ${perNode.map((node) => `${Math.round(node.batchDelay.p50)}/${Math.round(node.batchDelay.p99)}`).join(" ")}` +
      ` (own batches ${perNode.map((node) => `${Math.round(node.ownBatchDelay.p50)}/${Math.round(node.ownBatchDelay.p99)}`).join(" ")})`,
  );
}
