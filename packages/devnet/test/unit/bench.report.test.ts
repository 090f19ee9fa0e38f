import { suite } from "uvu";
import * as assert from "uvu/assert";
import { atLeast, atMost, formatNumber, formatTable, markdownTable, replaceResults, summarizeTargets, type BenchRow } from "../../src/bench/report.js";
import { benchRows, type BenchResults } from "../../src/bench/run.js";
import type { ClusterPhaseResult } from "../../src/bench/cluster.js";
import { summarize } from "../../src/bench/stats.js";

const fmt = suite("bench: number formatting");
const numbers: [number | null, string][] = [
  [12345.6, "12,346"],
  [1234567, "1,234,567"],
  [123.4, "123"],
  [12.34, "12.3"],
  [1.234, "1.23"],
  [0.01234, "0.0123"],
  [0, "0"],
  [3, "3"],
  [-2500, "-2,500"],
  [null, "n/a"],
  [NaN, "n/a"],
  [Infinity, "inf"],
];
for (const [v, want] of numbers) fmt(`${v} → ${want}`, () => assert.is(formatNumber(v), want));
fmt.run();

const targets = suite("bench: targets");
const judged: [string, ReturnType<typeof atMost>, boolean | null][] = [
  ["at most, met", atMost(140, 150, "<= 150"), true],
  ["at most, equal is met", atMost(150, 150, "<= 150"), true],
  ["at most, missed", atMost(151, 150, "<= 150"), false],
  ["at least, met", atLeast(0.8, 0.75, ">= 0.75"), true],
  ["at least, missed", atLeast(0.7, 0.75, ">= 0.75"), false],
  ["no value: not judged", atMost(null, 1, ""), null],
  ["NaN: not judged", atLeast(NaN, 1, ""), null],
];
for (const [name, t, want] of judged) targets(name, () => assert.is(t.met, want));
targets("summary counts and lists the missed ones", () => {
  const rows: BenchRow[] = [
    { section: "a", metric: "x", value: 1, unit: "ms", target: atMost(1, 2, "<= 2") },
    { section: "a", metric: "y", value: 3, unit: "ms", target: atMost(3, 2, "<= 2"), note: "why" },
    { section: "b", metric: "z", value: null, unit: "ms", target: atMost(null, 2, "<= 2") },
    { section: "b", metric: "w", value: 5, unit: "" },
  ];
  const s = summarizeTargets(rows);
  assert.equal([s.met, s.missed, s.unjudged], [1, 1, 1]);
  assert.equal(s.missedLines, ["a: y = 3 ms (target <= 2) — why"]);
});
targets.run();

const table = suite("bench: tables");
const rows: BenchRow[] = [
  { section: "ceilings", metric: "verify", value: 9300, unit: "/s" },
  { section: "ceilings", metric: "level", value: 110000, unit: "/s" },
  { section: "baton", metric: "p50", value: 140, unit: "ms", ratio: { value: 1.05, of: "centralized" }, target: atMost(140, 150, "<= 150 ms") },
];
table("text: header, rule, section once per group, values right-aligned", () => {
  const lines = formatTable(rows).split("\n");
  assert.is(lines.length, 5);
  assert.ok(lines[0].startsWith("section"));
  assert.ok(/^-+ +-+/.test(lines[1]));
  assert.ok(lines[2].startsWith("ceilings"));
  assert.ok(lines[3].startsWith(" "), "the repeated section name is blank");
  assert.ok(lines[4].includes("1.05× centralized") && lines[4].includes("<= 150 ms") && lines[4].endsWith("met"));
  const valueEnd = (l: string, v: string) => l.indexOf(v) + v.length;
  assert.is(valueEnd(lines[2], "9,300 /s"), valueEnd(lines[3], "110,000 /s"));
});
table("markdown: one row per result, pipes escaped", () => {
  const md = markdownTable([...rows, { section: "x", metric: "a|b", value: 1, unit: "" }]).split("\n");
  assert.is(md.length, 2 + 4);
  assert.is(md[3], "| | level | 110,000 /s | | | |");
  assert.ok(md[5].includes("a\\|b"));
});
table("results between markers are replaced, the prose kept", () => {
  const doc = "# Perf\n\nprose\n\n<!-- bench:results -->\nold table\n<!-- /bench:results -->\n\nmore prose\n";
  assert.is(replaceResults(doc, "new table"), "# Perf\n\nprose\n\n<!-- bench:results -->\nnew table\n<!-- /bench:results -->\n\nmore prose\n");
  assert.is(replaceResults(null, "t"), "<!-- bench:results -->\nt\n<!-- /bench:results -->\n");
  assert.is(replaceResults("no markers", "t"), "<!-- bench:results -->\nt\n<!-- /bench:results -->\n");
});
table.run();

const build = suite("bench: rows from results");
function phase(nodes: number, tput: number, cpu: number[], p50: number[], p99: number[], rss: number): ClusterPhaseResult {
  return {
    name: `p${nodes}`,
    nodes,
    slotMs: 250,
    idleCores: cpu.map(() => 0.05),
    max: {
      txPerSecond: tput,
      windowMs: 8000,
      includedTxs: tput * 8,
      batches: 32,
      missedSlots: 0,
      perNode: cpu.map((c) => ({ eventLoopLagP99Ms: 5, eventLoopLagMaxMs: 10, memory: { heapUsedMb: 1, heapTotalMb: 2, externalMb: 3, rssMb: 4 }, cpuSeconds: c * tput * 8e-3, cpuSecondsPer1kTx: c, peakRssBytes: rss * 2 ** 20 })),
      benchCpuSeconds: 1,
      cpuShare: 0.95,
      driver: { sent: 0, acknowledged: 0, refused: 0, retried: 0, failed: 0, exhausted: false, lastError: null },
    },
    steady: {
      rate: 1000,
      txPerSecond: 1000,
      windowMs: 8000,
      missedSlots: 0,
      perNode: p50.map((x, i) => ({ batchDelay: summarize([20]), ownBatchDelay: summarize([10]), eventLoopLagP99Ms: 5, eventLoopLagMaxMs: 10, latency: { ...summarize([x]), p50: x, p99: p99[i] }, notSeen: 0, cpuSecondsPer1kTx: cpu[i] })),
      latency: summarize(p50),
      driver: { sent: 0, acknowledged: 0, refused: 0, retried: 0, failed: 0, exhausted: false, lastError: null },
    },
    failover: null,
  };
}
const results: BenchResults = {
  verify: { ed25519PerSecond: 10_000, txVerifyPerSecond: 8_000 },
  centralized: phase(1, 6_000, [0.15], [130], [260], 150),
  baton: phase(4, 4_000, [0.16, 0.17, 0.15, 0.16], [135, 145, 140, 138], [270, 300, 280, 290], 180),
  failover: [
    {
      ...phase(4, 0, [], [], [], 0),
      max: null,
      steady: null,
      failover: {
        slotMs: 250,
        missesToEject: 3,
        killedNode: 2,
        killedSequencer: 1,
        killSlot: 40,
        nextBatchMs: 375,
        nextBatchSlot: 41,
        ejectionMs: 3000,
        ejectionSlot: 52,
        deadLeaderSlotsToEjection: 3,
      },
    },
  ],
};
const find = (rs: BenchRow[], section: string, metric: string) => rs.find((r) => r.section.startsWith(section) && r.metric.startsWith(metric))!;
// issue 13: the ceiling is a tx's whole check (signing root + ed25519: txVerifyPerSecond, not
// ed25519 alone), and the centralized node, one JS thread, is judged against one thread
build("throughput ratio is to cores × tx verify ÷ nodes; the centralized node's to one thread", () => {
  const rs = benchRows(results, 2);
  const b = find(rs, "baton", "max sustained");
  assert.is(b.ratio!.value, 4_000 / ((2 * 8_000) / 4));
  assert.is(b.target!.met, true); // 1.0 >= 0.75
  assert.is(find(rs, "centralized", "max sustained").ratio!.value, 6_000 / 8_000);
});
build("CPU and latency are judged against the centralized baseline", () => {
  const rs = benchRows(results, 2);
  const cpu = find(rs, "baton", "CPU per 1,000 txs at 1000 tx/s");
  assert.is(cpu.value, 0.17);
  assert.is(Math.round(cpu.ratio!.value! * 1000) / 1000, Math.round((0.17 / 0.15) * 1000) / 1000);
  assert.is(cpu.target!.met, false); // 1.13 > 1.10, judged at the same load
  assert.is(find(rs, "baton", "CPU per 1,000 txs at its max").target, undefined);
  const p50 = find(rs, "baton", "soft confirmation p50");
  assert.is(p50.value, 145);
  assert.is(p50.target!.met, false); // <= 150 but 145/130 > 1.10
  const p99 = find(rs, "baton", "soft confirmation p99");
  assert.is(p99.value, 300);
  assert.is(p99.target!.met, false); // 300/260 = 1.15
});
build("failover in slots, memory in MB", () => {
  const rs = benchRows(results, 2);
  const next = find(rs, "failover", "leader dies → next batch");
  assert.is(next.ratio!.value, 1.5);
  assert.is(next.target!.met, true);
  assert.is(find(rs, "failover", "its own slots").target!.met, true);
  const mem = rs.filter((r) => r.section.startsWith("memory"));
  assert.equal(
    mem.map((r) => [r.value, r.target!.met]),
    [
      [150, true],
      [180, true],
    ],
  );
});
build("phases not run give no rows", () => {
  assert.equal(benchRows({}, 2), []);
});
build.run();
