/** Issue 13's rows: the verify ceiling, the bench's own CPU, p99 runs, memory in steady state, slot lengths, cost growth. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { ClusterPhaseResult, NodeSteadyStats, SteadyResult } from "../../src/bench/clusterTypes.js";
import { MemorySampler } from "../../src/bench/memorySampler.js";
import { benchPlan } from "../../src/bench/plan.js";
import { parseSmapsRollup } from "../../src/bench/procstat.js";
import type { BenchRow } from "../../src/bench/report.js";
import { benchRows, type BenchResults } from "../../src/bench/rows.js";
import { summarize } from "../../src/bench/stats.js";
import { latenciesAt, steadyRun } from "../../src/bench/steady.js";

const driver = { sent: 0, acknowledged: 0, refused: 0, retried: 0, failed: 0, exhausted: false, lastError: null };
const window = (benchCores: number, cpuShare: number | null = 0.5) => ({ windowMs: 4_000, benchCores, cpuShare });

function steadyNode(p50: number, p99: number, batches: number, rssMb: number, pssMb: number): NodeSteadyStats {
  return {
    batchDelay: summarize([20]),
    ownBatchDelay: summarize([10]),
    eventLoopLagP99Ms: 5,
    eventLoopLagMaxMs: 10,
    latency: { ...summarize([p50]), p50, p99 },
    latencyBatches: batches,
    memory: { rssMb, pssMb, samples: 40 },
    notSeen: 0,
    cpuSecondsPer1kTx: 0.2,
  };
}

function steady(nodes: NodeSteadyStats[], runP99: number[], minBatches = 300): SteadyResult {
  return {
    rate: 1000,
    txPerSecond: 1000,
    windowMs: 80_000,
    runs: runP99.map((p99) => ({ windowMs: 20_000, p99ByNode: nodes.map(() => p99), slowestP99: p99, fewestBatches: 80 })),
    minBatches,
    cpu: window(0.12),
    missedSlots: 0,
    perNode: nodes,
    latency: summarize([1]),
    driver,
  };
}

/** A cluster phase with every window of issue 13 measured. */
function phase(nodes: number, extra: Partial<ClusterPhaseResult> = {}): ClusterPhaseResult {
  return {
    name: `p${nodes}`,
    nodes,
    slotMs: 250,
    idleCores: Array.from({ length: nodes }, (_, index) => 0.02 + 0.01 * index),
    idleCpu: window(0.01),
    scale: { ...window(0.03), rate: 100, txPerSecond: 100, retried: 0, nodeCores: Array.from({ length: nodes }, () => 0.05 * (nodes / 4)) },
    max: {
      txPerSecond: 3_000,
      windowMs: 8_000,
      includedTxs: 24_000,
      batches: 32,
      missedSlots: 0,
      perNode: Array.from({ length: nodes }, () => ({ eventLoopLagP99Ms: 5, eventLoopLagMaxMs: 10, memory: { heapUsedMb: 1, heapTotalMb: 2, externalMb: 3, rssMb: 4 }, cpuSeconds: 1, cpuSecondsPer1kTx: 0.15, peakRssBytes: 250 * 2 ** 20 })),
      benchCpuSeconds: 3.2,
      cpuShare: 0.95,
      driver,
    },
    steady: steady(
      Array.from({ length: nodes }, (_, index) => steadyNode(130 + index, 260 + index, 320 - index, 180 + index, 120 + index)),
      [250, 270, 240, 262],
    ),
    failover: null,
    ...extra,
  };
}

const find = (rows: BenchRow[], section: string, metric: string) => {
  const row = rows.find((candidate) => candidate.section.startsWith(section) && candidate.metric.startsWith(metric));
  assert.ok(row, `no row ${section} / ${metric} in:\n${rows.map((candidate) => `${candidate.section} / ${candidate.metric}`).join("\n")}`);
  return row!;
};

const results: BenchResults = {
  verify: { ed25519PerSecond: 16_000, txVerifyPerSecond: 13_000 },
  centralized: phase(1, { scale: null }),
  baton: phase(4),
  sweep: [phase(8)],
  scale: [phase(16, { max: null, steady: null, scale: { ...window(0.04, 0.97), rate: 100, txPerSecond: 100, retried: 0, nodeCores: Array.from({ length: 16 }, () => 0.11) } })],
};
const rows = benchRows(results, 2);

const ceiling = suite("bench rows: the verify ceiling includes the signing root");
ceiling("the ceilings show ed25519 alone and the tx check, which every ratio uses", () => {
  assert.is(find(rows, "ceilings", "ed25519 verify alone").value, 16_000);
  const tx = find(rows, "ceilings", "tx verify");
  assert.is(tx.value, 13_000);
  assert.is(tx.ratio!.value, 13_000 / 16_000);
});
ceiling("the centralized node is one thread: its throughput against one core's tx checks", () => {
  const row = find(rows, "centralized", "max sustained");
  assert.is(row.ratio!.value, 3_000 / 13_000);
  assert.is(row.ratio!.of, "one thread × tx verify");
});
ceiling("4 nodes on 2 cores share the cores; 1 node on 4 cores still gets one thread", () => {
  assert.is(find(rows, "baton", "max sustained").ratio!.value, 3_000 / ((2 * 13_000) / 4));
  const onFour = benchRows({ verify: results.verify, centralized: phase(1) }, 4);
  assert.is(find(onFour, "centralized", "max sustained").ratio!.value, 3_000 / 13_000);
  const twoOnFour = benchRows({ verify: results.verify, baton: phase(2) }, 4);
  assert.is(find(twoOnFour, "baton", "max sustained").ratio!.of, "2 threads × tx verify ÷ 2");
});
ceiling("sync of full batches is judged against the tx check of one core", () => {
  const withSync = benchRows({ ...results, sync: { light: 10, lightTxs: 1, full: 2, fullTxs: 100, slotMs: 250, prepareMs: 1, lightBatchesPerSecond: 500, fullBatchesPerSecond: 100, fullTxPerSecond: 10_400, reachedHeight: 12, syncerCpuSeconds: 1, syncerPeakRssBytes: 2 ** 27 } }, 2);
  const full = find(withSync, "sync (12 batches, slot 250 ms)", "2 full batches");
  assert.is(full.ratio!.value, 10_400 / 13_000);
  assert.is(full.target!.met, true);
});
ceiling.run();

const slots = suite("bench rows: every cluster row carries its slot length");
slots("cluster sections and memory rows name the slot", () => {
  for (const row of rows.filter((candidate) => !["ceilings", "core scale"].includes(candidate.section))) {
    assert.ok(/slot \d+ ms/.test(`${row.section} ${row.metric}`), `${row.section} / ${row.metric}`);
  }
  find(rows, "centralized (1 node, slot 250 ms)", "max sustained");
  find(rows, "baton (4 sequencers, slot 250 ms)", "max sustained");
  find(rows, "baton (8 sequencers, slot 250 ms)", "max sustained");
});
slots.run();

const latency = suite("bench rows: p99 from many batches, with the spread over runs");
latency("the p99 row says how many batches it rests on and the runs' min-max", () => {
  const p99 = find(rows, "baton (4", "soft confirmation p99");
  assert.is(p99.value, 263);
  assert.ok(p99.metric.endsWith("(317 batches per node; 4 runs, p99 240-270 ms)"), p99.metric);
  assert.is(p99.note, undefined);
  const p50 = find(rows, "baton (4", "soft confirmation p50");
  assert.ok(p50.metric.endsWith("(317 batches per node)"), p50.metric);
  assert.ok(find(rows, "centralized", "soft confirmation p99").metric.includes("320 batches per node; 4 runs"));
});
latency("fewer batches than asked for gives a note; none asked (quick) gives none", () => {
  const few = phase(4, { steady: steady([steadyNode(100, 200, 120, 1, 1)], [200]) });
  assert.match(find(benchRows({ baton: few }, 2), "baton", "soft confirmation p99").note ?? "", /rests on 120 batches/);
  const quick = phase(4, { steady: steady([steadyNode(100, 200, 12, 1, 1)], [200, 210], 0) });
  const row = find(benchRows({ baton: quick }, 2), "baton", "soft confirmation p99");
  assert.is(row.note, undefined);
  assert.ok(row.metric.includes("12 batches per node; 2 runs, p99 200-210 ms"), row.metric);
});
latency("latencies: the txs first sent in a run, ending at the node's importedAt, and the distinct batches", () => {
  const sendTimes = new Map([
    ["0xa", 1_000],
    ["0xb", 1_500],
    ["0xc", 2_500],
    ["0xd", 900],
  ]);
  const seen = new Map([
    ["0xa", { at: 1_200, root: "r1" }],
    ["0xb", { at: 1_700, root: "r1" }],
    ["0xd", { at: 1_100, root: "r0" }],
  ]);
  assert.equal(latenciesAt(sendTimes, seen, { start: 1_000, end: 2_000 }), { values: [200, 200], batches: 1, notSeen: 0 });
  assert.equal(latenciesAt(sendTimes, seen, { start: 2_000, end: 3_000 }), { values: [], batches: 0, notSeen: 1 });
  const run = steadyRun({ start: 900, end: 2_000 }, sendTimes, [seen, new Map([["0xa", { at: 1_900, root: "r9" }]])]);
  assert.equal(run, { windowMs: 1_100, p99ByNode: [200, 900], slowestP99: 900, fewestBatches: 1 });
});
latency.run();

const bench = suite("bench rows: the bench process's own CPU");
bench("one row per cluster, each window listed, the highest as the value", () => {
  const row = find(rows, "bench process CPU", "4 sequencers, slot 250 ms:");
  assert.ok(row.metric.includes("rest 0.01 / 100 tx/s 0.03 / max load 0.4 / 1000 tx/s steady 0.12 cores"), row.metric);
  assert.is(row.value, 0.4);
  assert.is(row.ratio!.value, 0.2);
  assert.is(row.note, undefined);
  assert.ok(find(rows, "bench process CPU", "centralized node").metric.includes("max load"));
  assert.ok(find(rows, "bench process CPU", "16 sequencers").metric.endsWith("rest 0.01 / 100 tx/s 0.04 cores"));
});
bench("a bench that took half a core or more gets a note", () => {
  const busy = phase(4, { idleCpu: window(0.6) });
  assert.match(find(benchRows({ baton: busy }, 2), "bench process CPU", "4 sequencers").note ?? "", /may have taken CPU the nodes needed/);
});
bench.run();

const memory = suite("bench rows: memory, peak and steady state");
memory("peak RSS keeps its target; steady RSS and PSS are the largest node's medians", () => {
  const peak = find(rows, "memory (peak RSS)", "largest of 4 nodes at max load, slot 250 ms");
  assert.is(peak.value, 250);
  assert.is(peak.target!.met, false);
  const rss = find(rows, "memory (steady load", "largest of 4 nodes at 1000 tx/s, slot 250 ms, RSS");
  assert.is(rss.value, 183);
  assert.ok(rss.metric.includes("40 samples per node"));
  assert.is(find(rows, "memory (steady load", "largest of 4 nodes at 1000 tx/s, slot 250 ms, PSS").value, 123);
  assert.is(find(rows, "memory (steady load", "centralized node at 1000 tx/s, slot 250 ms, PSS").value, 120);
});
memory("smaps_rollup: Rss and Pss in bytes", () => {
  const text = "55c39078a000-7ffde6a3e000 ---p 00000000 00:00 0    [rollup]\nRss:    1752 kB\nPss:     249 kB\nPss_Dirty:    112 kB\n";
  assert.equal(parseSmapsRollup(text), { rssBytes: 1752 * 1024, pssBytes: 249 * 1024 });
  assert.equal(parseSmapsRollup(""), { rssBytes: null, pssBytes: null });
});
memory("the sampler takes a sample at start; an unknown pid gives nulls", async () => {
  const sampler = new MemorySampler([process.pid, null], 60_000);
  sampler.start();
  const [own, unknown] = await sampler.stop();
  assert.equal(unknown, { rssMb: null, pssMb: null, samples: 0 });
  if (process.platform === "linux") {
    assert.is(own.samples, 1);
    assert.ok(own.rssMb! > 0 && own.pssMb! > 0 && own.pssMb! <= own.rssMb!);
  }
});
memory.run();

const growth = suite("bench rows: how cost grows with the number of sequencers");
growth("CPU per node at rest and at 100 tx/s for 4, 8 and 16 sequencers, each against 4", () => {
  const section = rows.filter((row) => row.section === "cost growth (slot 250 ms)");
  assert.equal(
    section.map((row) => row.metric.replace(" (mean of the nodes)", "")),
    ["at rest, 4", "at rest, 8", "at rest, 16", "at 100 tx/s, 4", "at 100 tx/s, 8", "at 100 tx/s, 16"].map((what) => `CPU per node ${what} sequencers`),
  );
  assert.is(Math.round(section[0].value! * 1000) / 1000, 0.035); // mean of 0.02..0.05
  assert.is(section[0].ratio, undefined);
  assert.is(Math.round(section[1].ratio!.value! * 1000) / 1000, Math.round((0.055 / 0.035) * 1000) / 1000);
  assert.is(Math.round(section[5].value! * 1000) / 1000, 0.11);
  assert.is(Math.round(section[4].ratio!.value! * 100) / 100, 2);
  assert.match(section[5].note ?? "", /saturated, a node got at most 0.125 cores/);
  assert.is(section[3].note, undefined);
});
growth("a cluster that included clearly less than the 100 tx/s offered gets a note", () => {
  const behind = phase(8, { scale: { ...window(0.1, 0.6), rate: 100, txPerSecond: 55, retried: 0, nodeCores: Array.from({ length: 8 }, () => 0.2) } });
  const rs = benchRows({ baton: phase(4), sweep: [behind] }, 2).filter((row) => row.section.startsWith("cost growth"));
  assert.is(rs[3].note, "55 tx/s included of the 100 offered");
  assert.is(rs[1].note, undefined, "the window at rest is not judged by the load");
});
growth("the centralized node and clusters without the window add no growth rows", () => {
  assert.equal(benchRows({ centralized: phase(1, { scale: null }) }, 2).filter((row) => row.section.startsWith("cost growth")), []);
});
growth.run();

const plan = suite("bench plan: sizes the issue asks for");
plan("full: runs long enough for 300 batches per node at slot 250 ms; cost growth at 4, 8, 16", () => {
  const full = benchPlan(false);
  assert.ok((full.steady.runs * full.steady.windowMs) / 250 >= full.steady.minBatches);
  assert.ok(full.steady.minBatches >= 300 && full.steady.runs >= 2);
  assert.equal(full.scale.nodes, [4, 8, 16]);
  assert.is(full.scale.rate, 100);
});
plan("quick: cost growth at 4 and 8 (4 is the baton cluster), no batch minimum", () => {
  const quick = benchPlan(true);
  assert.equal(quick.scale.nodes, [4, 8]);
  assert.is(quick.batonNodes, 4);
  assert.is(quick.steady.minBatches, 0);
  assert.ok(quick.steady.runs >= 2, "two runs, so the spread is computed");
});
plan.run();
