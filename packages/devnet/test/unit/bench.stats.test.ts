import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseProcStatTicks, parseProcStatusMemory } from "../../src/bench/procstat.js";
import { SseParser } from "../../src/bench/observer.js";
import { growthExponents, percentile, perSecond, rateBetween, ratio, summarize, withinNLogN } from "../../src/bench/stats.js";

const pct = suite("bench: percentiles (nearest rank)");
const one_to_100 = Array.from({ length: 100 }, (_, i) => i + 1);
const pctCases: [string, number[], number, number][] = [
  ["p50 of 1..100", one_to_100, 50, 50],
  ["p99 of 1..100", one_to_100, 99, 99],
  ["p100 is the max", one_to_100, 100, 100],
  ["p1 of 1..100", one_to_100, 1, 1],
  ["unsorted input", [5, 1, 4, 2, 3], 50, 3],
  ["one value", [7], 99, 7],
  ["p50 of two values is the lower", [10, 20], 50, 10],
  ["p99 of 10 values is the max", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99, 10],
  ["p90 of 10 values", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
];
for (const [name, values, p, want] of pctCases) pct(name, () => assert.is(percentile(values, p), want));
pct("empty list is NaN", () => assert.ok(Number.isNaN(percentile([], 50))));
pct("p out of range throws", () => {
  assert.throws(() => percentile([1], 0));
  assert.throws(() => percentile([1], 101));
});
pct("does not reorder its input", () => {
  const v = [3, 1, 2];
  percentile(v, 50);
  assert.equal(v, [3, 1, 2]);
});
pct("summary", () => {
  const s = summarize([4, 1, 3, 2]);
  assert.equal(s, { count: 4, min: 1, max: 4, mean: 2.5, p50: 2, p90: 4, p99: 4 });
  assert.is(summarize([]).count, 0);
});
pct.run();

const rates = suite("bench: ratios and rates");
const ratioCases: [string, number | null | undefined, number | null | undefined, number | null][] = [
  ["plain", 3, 4, 0.75],
  ["b zero", 1, 0, null],
  ["a null", null, 2, null],
  ["b undefined", 1, undefined, null],
  ["NaN", NaN, 2, null],
  ["infinite", Infinity, 2, null],
];
for (const [name, a, b, want] of ratioCases) rates(`ratio: ${name}`, () => assert.is(ratio(a, b), want));
rates("perSecond", () => {
  assert.is(perSecond(500, 250), 2000);
  assert.is(perSecond(5, 0), null);
});
rates("rateBetween: first sample at or above each bound", () => {
  const samples = [
    { t: 0, value: 0 },
    { t: 1000, value: 100 },
    { t: 2000, value: 300 },
    { t: 3000, value: 600 },
  ];
  assert.equal(rateBetween(samples, 100, 600), { rate: 250, ms: 2000, count: 500 });
  // startBelow: from the last sample at or below the start of the part
  assert.equal(rateBetween(samples, 350, 600, true), { rate: 300, ms: 1000, count: 300 });
  assert.is(rateBetween(samples, 100, 700).rate, null);
  assert.is(rateBetween([], 0, 1).rate, null);
});
rates.run();

const growth = suite("bench: growth of a cost");
growth("exponents: linear, quadratic, constant", () => {
  const lin = growthExponents([
    { n: 10, ms: 1 },
    { n: 100, ms: 10 },
  ]);
  assert.is(Math.round(lin[0].exponent * 1000) / 1000, 1);
  const quad = growthExponents([
    { n: 10, ms: 1 },
    { n: 100, ms: 100 },
  ]);
  assert.is(Math.round(quad[0].exponent * 1000) / 1000, 2);
  const flat = growthExponents([
    { n: 10, ms: 5 },
    { n: 100, ms: 5 },
  ]);
  assert.is(flat[0].exponent, 0);
});
growth("exponents skip points without a time", () => {
  assert.equal(growthExponents([{ n: 10, ms: 0 }, { n: 100, ms: 1 }]), []);
});
const nlogn: [string, number, number, number, number, boolean | null][] = [
  ["linear is within n log n", 1000, 1, 10000, 10, true],
  ["n log n itself", 1000, 1, 10000, (10000 * Math.log(10000)) / (1000 * Math.log(1000)), true],
  ["quadratic is not", 1000, 1, 10000, 100, false],
  ["missing time", 1000, 0, 10000, 5, null],
];
for (const [name, n1, t1, n2, t2, want] of nlogn) growth(`withinNLogN: ${name}`, () => assert.is(withinNLogN(n1, t1, n2, t2), want));
growth.run();

const proc = suite("bench: /proc parsing");
proc("stat: utime + stime, a comm with spaces and parentheses", () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  fields[11] = "1234"; // field 14
  fields[12] = "56"; // field 15
  assert.is(parseProcStatTicks(`4242 (node (x) y) ${fields.join(" ")}`), 1290);
  assert.is(parseProcStatTicks("garbage"), null);
});
proc("status: VmHWM and VmRSS in bytes", () => {
  const text = "Name:\tnode\nVmPeak:\t  900 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n";
  assert.equal(parseProcStatusMemory(text), { peakRssBytes: 204800 * 1024, rssBytes: 102400 * 1024 });
  assert.equal(parseProcStatusMemory(""), { peakRssBytes: null, rssBytes: null });
});
proc.run();

const sse = suite("bench: event stream parsing");
sse("events split across chunks, comments skipped", () => {
  const got: [string, string][] = [];
  const p = new SseParser((e, d) => got.push([e, d]));
  p.push(": baton events\n\nevent: batch\ndata: {\"height\":1}\n\nevent: ej");
  p.push("ected\ndata: {\"sequencer\":2}\n");
  assert.equal(got, [["batch", '{"height":1}']]);
  p.push("\ndata: x\n\n");
  assert.equal(got, [
    ["batch", '{"height":1}'],
    ["ejected", '{"sequencer":2}'],
    ["message", "x"],
  ]);
});
sse.run();
