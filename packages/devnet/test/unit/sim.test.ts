/** The mechanisms lab: deterministic runs on the real core, profiles, measures, table and charts. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { MECHANISM_NAMES, SequencerStatus } from "@baton/core";
import { chartFiles } from "../../src/sim/charts.js";
import { runSim } from "../../src/sim/engine.js";
import { parseProfile, parseProfileMix, ProfileError } from "../../src/sim/profiles.js";
import { formatTable } from "../../src/sim/report.js";
import { gini, nakamoto } from "../../src/sim/stats.js";

const test = suite("sim");
const small = { sequencers: 20, epochs: 40, slotsPerEpoch: 8, committeeSize: 0, load: 2 };

test("deterministic: the same options give the same run", () => {
  const a = runSim({ mechanism: "pos", ...small });
  const b = runSim({ mechanism: "pos", ...small });
  assert.equal(a.slotsLed, b.slotsLed);
  assert.equal({ ...a.metrics }, { ...b.metrics });
  const other = runSim({ mechanism: "pos", ...small, seed: "another" });
  assert.not.equal(other.slotsLed, a.slotsLed);
});

for (const m of MECHANISM_NAMES) {
  test(`${m}: runs, fills most slots, includes the load`, () => {
    const r = runSim({ mechanism: m, ...small });
    assert.ok(r.metrics.liveness > 0.8, `liveness ${r.metrics.liveness}`);
    assert.is(r.metrics.droppedUserTxs, 0, "every user tx the leaders took was valid");
    assert.ok(r.metrics.includedTxs > 0.8 * r.metrics.offeredTxs);
    if (m === "auction") assert.ok(r.metrics.treasury > 0n, "winning bids paid the treasury");
    if (m === "dpos") assert.ok(r.metrics.issued > 0n && r.state.delegations.length > 0, "delegations and rewards");
  });
}

test("a crash: the sequencer is ejected after missesToEject of its slots, then leaks", () => {
  const profiles = parseProfileMix("crash@100,reliable*5", 6);
  const r = runSim({ mechanism: "pos", ...small, sequencers: 6, profiles });
  assert.is(r.metrics.ejected, 1);
  assert.is(r.metrics.missesBeforeEjection, 3);
  assert.ok(r.metrics.leaked > 0n);
  assert.not.equal(r.state.sequencers[0].status, SequencerStatus.active);
});

test("a censor leaves its targets' txs to the others; governance can evict it", () => {
  const profiles = parseProfileMix("censor:0.5,reliable*3", 4);
  const r = runSim({ mechanism: "poa", ...small, sequencers: 4, profiles });
  assert.ok(r.metrics.targetedDelaySlots > r.metrics.otherDelaySlots, "censored txs wait longer");
  const evicted = runSim({ mechanism: "poa", ...small, sequencers: 4, profiles, evictCensorAt: 5 });
  assert.ok(evicted.state.sequencers[0].evicted);
  assert.ok(evicted.metrics.censorShare < r.metrics.censorShare);
});

test("restakers withdraw while off duty and come back in time: no restake leak", () => {
  const profiles = parseProfileMix("restaker*4,reliable*8", 12);
  const r = runSim({ mechanism: "pos", ...small, sequencers: 12, committeeSize: 4, epochs: 60, profiles });
  assert.is(r.state.leaked, 0n);
  const base = runSim({ mechanism: "pos", ...small, sequencers: 12, committeeSize: 4, epochs: 60, profiles: parseProfileMix("reliable*12", 12) });
  assert.ok(r.metrics.capitalLocked < base.metrics.capitalLocked, `${r.metrics.capitalLocked} < ${base.metrics.capitalLocked}`);
});

test("a joiner enters later (poa: admitted by governance)", () => {
  for (const m of ["pos", "poa"] as const) {
    const r = runSim({ mechanism: m, ...small, sequencers: 5, profiles: parseProfileMix("reliable*4,joiner@5", 5) });
    assert.is(r.state.sequencers.length, 5, m);
    assert.ok(r.slotsLed[4] > 0, `${m}: the joiner led batches`);
  }
});

const profileCases: [string, object | null][] = [
  ["reliable", { kind: "reliable" }],
  ["crash@120", { kind: "crash", atSlot: 120 }],
  ["flaky:0.25", { kind: "flaky", missRate: 0.25 }],
  ["censor:1", { kind: "censor", share: 1 }],
  ["joiner@7", { kind: "joiner", atEpoch: 7 }],
  ["flaky:2", null],
  ["lazy", null],
];
for (const [text, expected] of profileCases) {
  test(`parseProfile ${text}`, () => {
    if (expected === null) assert.throws(() => parseProfile(text), (e: unknown) => e instanceof ProfileError);
    else assert.equal(parseProfile(text), expected);
  });
}

test("parseProfileMix: counts, filled with reliable, joiners last; too many is an error", () => {
  const mix = parseProfileMix("joiner@9,flaky:0.1*2", 5);
  assert.equal(mix.map((p) => p.kind), ["flaky", "flaky", "reliable", "reliable", "joiner"]);
  assert.throws(() => parseProfileMix("reliable*6", 5), /6 profiles for 5/);
});

const concentration: [number[], number, number][] = [
  [[1, 1, 1, 1], 0, 3],
  [[0, 0, 0, 4], 0.75, 1],
  [[1, 2, 3, 4], 0.25, 2],
];
for (const [xs, g, n] of concentration) {
  test(`gini and nakamoto of ${xs.join(",")}`, () => {
    assert.ok(Math.abs(gini(xs) - g) < 1e-9, `gini ${gini(xs)}`);
    assert.is(nakamoto(xs), n);
  });
}

test("table and charts", () => {
  const results = MECHANISM_NAMES.slice(0, 2).map((m) => runSim({ mechanism: m, ...small, epochs: 10 }));
  const table = formatTable(results).split("\n");
  assert.is(table.length, 4);
  assert.match(table[0], /\| mechanism +\| liveness/);
  assert.match(table[2], /^\| pos /);
  const files = chartFiles(results);
  assert.equal(Object.keys(files).sort(), ["capital.svg", "censor.svg", "comparison.svg", "liveness.svg", "lorenz.svg"]);
  for (const svg of Object.values(files)) assert.match(svg, /^<svg [^>]*>[\s\S]*<\/svg>\n$/);
  assert.not.match(Object.values(files).join(""), /NaN/);
});

test.run();
