import { suite } from "uvu";
import * as assert from "uvu/assert";
import { computeLeak, createChainConfig } from "@baton/core";
import {
  describeFault,
  FaultKind,
  makeFaultPlan,
  minDurationForOutage,
  outageFits,
  outageGapMs,
  OUTAGE_EARLIEST_MS,
  OUTAGE_RESTART_MS,
  PlanError,
  type PlanOptions,
} from "../../src/chaos/plan.js";
import { devnetOutageRules, epochsToExit, outageLength, OUTAGE_FLOOR_MS } from "../../src/chaos/outageLength.js";
import {
  checkOutageNoPenalty,
  checkOutageRecovery,
  firstBatchFrom,
  outageLivenessFacts,
  outagePenalties,
  outageRecovery,
  type SequencerSnapshot,
} from "../../src/chaos/outageChecks.js";
import { checkLiveness, connectedGroups, healthMap, healthyAt, InvariantName, type ClusterShape, type FaultWindow } from "../../src/chaos/invariants.js";
import { degradedPeriods } from "../../src/chaos/settle.js";
import { buildTimeline, renderTimelineSvg } from "../../src/chaos/svg.js";
import type { BatchInfo, ScheduleSlot, SequencerRecord, StatusSample } from "../../src/chaos/observer.js";

const test = suite("chaos outage");

// ---- how long an outage lasts

const devnet = (slotMs: number, slotsPerEpoch: number, missesToEject = 3, nodes = 4) =>
  devnetOutageRules({ nodes, slotMs, slotsPerEpoch, missesToEject, stake: 100_000n });

test("outage length at the devnet defaults: every sequencer ejected in 12 slots, leaked to exit in 29 epochs, one epoch more", () => {
  const l = outageLength(devnet(500, 16));
  assert.equal([l.ejectSlots, l.exitEpochs, l.slots, l.ms], [12, 29, 12 + 30 * 16, (12 + 30 * 16) * 500]);
});

for (const [slotMs, spe, misses, nodes, ms] of [
  [250, 8, 3, 4, (12 + 30 * 8) * 250],
  [100, 16, 3, 4, OUTAGE_FLOOR_MS], // 492 slots × 100 ms = 49.2 s: the floor applies
  [500, 4, 5, 7, (35 + 30 * 4) * 500],
] as const) {
  test(`outage length at ${slotMs} ms × ${spe} slots/epoch, ${misses} misses, ${nodes} sequencers: ${ms} ms`, () => {
    assert.is(outageLength(devnet(slotMs, spe, misses, nodes)).ms, ms);
  });
}

test("epochs to exit follow core's leak: above the minimum one epoch before, below it at the count", () => {
  const config = createChainConfig({ genesisTime: 0 });
  for (const stake of [1_000n, 1_500n, 100_000n, 10n ** 12n]) {
    const k = epochsToExit({ stake }, config);
    let s = stake;
    for (let e = 1; e < k; e++) s -= computeLeak(s, config.leakRateBps, e);
    assert.ok(s >= config.minStake, `stake ${stake}: still in after ${k - 1} epochs`);
    s -= computeLeak(s, config.leakRateBps, k);
    assert.ok(s < config.minStake, `stake ${stake}: out after ${k} epochs`);
  }
  assert.is(epochsToExit({ stake: 1_000n }, config), 1);
  assert.is(epochsToExit({ stake: 100_000n }, createChainConfig({ genesisTime: 0, leakRateBps: 0 })), 0, "no leak: nobody exits");
  // the slowest sequencer sets the length
  const rules = devnet(500, 16);
  rules.sequencers[2] = { stake: 10n ** 12n };
  assert.ok(outageLength(rules).exitEpochs > 29);
});

// ---- the plan

const ALL = [FaultKind.kill, FaultKind.freeze, FaultKind.stop, FaultKind.cut, FaultKind.split, FaultKind.loss];
const OUTAGE_MS = outageLength(devnet(500, 16)).ms;
const long: PlanOptions = { seed: "1", nodes: 4, durationMs: 600_000, kinds: [...ALL, FaultKind.outage], concurrent: true, slotMs: 500, slotsPerEpoch: 16, outageMs: OUTAGE_MS };

for (const seed of ["1", "2", "3", "ci", "soak", "x"]) {
  test(`plan with an outage, seed ${seed}: exactly one, on every node, alone with its recovery gap, inside the phase`, () => {
    const plan = makeFaultPlan({ ...long, seed });
    const outages = plan.filter((f) => f.kind === FaultKind.outage);
    assert.is(outages.length, 1);
    const o = outages[0];
    assert.equal(o.targets, [1, 2, 3, 4]);
    assert.is(o.durationMs, OUTAGE_MS);
    assert.ok(o.atMs >= OUTAGE_EARLIEST_MS && o.atMs + o.durationMs + outageGapMs(long) <= long.durationMs - 4_000, describeFault(o));
    const busyUntil = o.atMs + o.durationMs + outageGapMs(long);
    for (const f of plan.filter((g) => g !== o)) {
      assert.is.not(f.group, o.group);
      assert.ok(f.atMs + f.durationMs <= o.atMs || f.atMs >= busyUntil, `${describeFault(f)} at ${f.atMs} overlaps the outage ${o.atMs}-${busyUntil}`);
    }
    assert.ok(plan.length >= 3, `other faults too (${plan.length})`);
    assert.equal(plan.map((f) => f.id), plan.map((_, k) => k + 1));
    assert.equal(makeFaultPlan({ ...long, seed }), plan, "same seed, same plan");
  });
}

test("short slots: the outage still waits for the cluster to settle (not before OUTAGE_EARLIEST_MS), then the bag faults around it", () => {
  const outageMs = outageLength(devnet(250, 8)).ms;
  const o: PlanOptions = { seed: "ci", nodes: 4, durationMs: 115_000, kinds: [FaultKind.kill, FaultKind.split, FaultKind.outage], concurrent: true, slotMs: 250, slotsPerEpoch: 8, outageMs };
  assert.is(outageMs, 63_000);
  const plan = makeFaultPlan(o);
  assert.equal(plan.map((f) => f.kind), [FaultKind.kill, FaultKind.split, FaultKind.outage]);
  const outage = plan[2];
  assert.ok(outage.atMs >= OUTAGE_EARLIEST_MS);
  assert.ok(plan[0].atMs < OUTAGE_EARLIEST_MS, "bag faults may come before it");
  assert.ok(outage.atMs + outageMs + outageGapMs(o) <= o.durationMs - 2_000);
});

test("the outage lands at different points for different seeds", () => {
  const at = new Set(["1", "2", "3", "4", "5", "6"].map((seed) => makeFaultPlan({ ...long, seed }).find((f) => f.kind === FaultKind.outage)!.atMs));
  assert.ok(at.size >= 3, `${[...at]}`);
});

test("a run too short for the outage plans without it, exactly as if it had not been asked for", () => {
  const short = { ...long, durationMs: 120_000 };
  assert.not.ok(outageFits(short));
  assert.equal(makeFaultPlan(short), makeFaultPlan({ ...short, kinds: ALL }));
  // at the boundary
  const min = minDurationForOutage(long);
  assert.is(min, 20_000 + OUTAGE_MS + OUTAGE_RESTART_MS + (2 * 16 + 16) * 500 + 4_000, "earliest start, outage, restart + 2 epochs + 16 slots, cool-down");
  assert.ok(outageFits({ ...long, durationMs: min }));
  assert.not.ok(outageFits({ ...long, durationMs: min - 1 }));
  const only = makeFaultPlan({ ...long, kinds: [FaultKind.outage], durationMs: min });
  assert.equal(only.map((f) => [f.kind, f.atMs, f.durationMs]), [[FaultKind.outage, OUTAGE_EARLIEST_MS, OUTAGE_MS]]);
  assert.equal(makeFaultPlan({ ...long, kinds: [FaultKind.outage], durationMs: min - 1 }), []);
  assert.throws(() => makeFaultPlan({ ...long, outageMs: undefined }), (e: Error) => e instanceof PlanError);
  assert.is(describeFault(only[0]), "outage (all of n1,n2,n3,n4)");
});

// ---- recovery after the restart

const shape: ClusterShape = { nodes: 4, weights: [1, 1, 1, 1], missesToEject: 3, slotsPerEpoch: 16, slotMs: 500, genesisTime: 0 };
const sample = (t: number, node: number, headSlot: number, syncing = false, confirmed = 0): StatusSample => ({
  t,
  node,
  slot: Math.floor(t / 500),
  head: { height: headSlot, slot: headSlot, root: `h${headSlot}` },
  confirmed: { height: confirmed, slot: confirmed, root: `c${confirmed}` },
  peers: 3,
  syncing,
});
// every node killed at slot 100 (t = 50 s), restarted at slot 300 (t = 150 s)
const outage = (over: Partial<FaultWindow> = {}): FaultWindow => ({
  id: 3, kind: FaultKind.outage, targets: [1, 2, 3, 4], label: "outage (all of n1,n2,n3,n4)",
  startMs: 50_000, endMs: 154_000, startSlot: 100, endSlot: 308, restartMs: 150_000, restartSlot: 300, ...over,
});

test("recovery: >2/3 of the weight is back when the third node answers in sync; syncing answers and answers before the restart do not count", () => {
  const samples = [sample(40_000, 1, 80), sample(151_000, 1, 99), sample(152_000, 2, 99, true), sample(152_500, 3, 99), sample(153_000, 2, 99), sample(160_000, 4, 99)];
  const r = outageRecovery(shape, samples, 150_000);
  assert.equal(r.upAtMs, [151_000, 153_000, 152_500, 160_000]);
  assert.is(r.readyMs, 153_000);
  assert.is(outageRecovery(shape, samples.slice(0, 3), 150_000).readyMs, null);
  // weights count, not nodes: n1 holds 5 of 8
  const heavy = { ...shape, weights: [5, 1, 1, 1] };
  assert.is(outageRecovery(heavy, samples, 150_000).readyMs, 152_500, "n1 + n3 = 6/8 > 2/3");
});

test("the first new batch: the earliest at or after the restart slot, in the chain or in a head a node reported", () => {
  const chain = [batch(1, 90), batch(2, 99), batch(3, 309)];
  assert.is(firstBatchFrom(chain, [], 300, 150_000), 309);
  assert.is(firstBatchFrom(chain, [sample(155_000, 2, 307)], 300, 150_000), 307, "an orphaned head counts: a batch was produced");
  assert.is(firstBatchFrom(chain.slice(0, 2), [sample(140_000, 2, 99)], 300, 150_000), null);
});

function batch(height: number, slot: number, proposer = 0): BatchInfo {
  return { root: `r${height}`, slot, height, proposer, parentRoot: `r${height - 1}`, txs: [] };
}
const upSamples = [sample(151_000, 1, 99), sample(152_000, 2, 99), sample(154_000, 3, 99), sample(158_000, 4, 99)];
// >2/3 up at t = 154 s: slot 308

for (const [first, held, measured] of [
  [308, true, 0],
  [310, true, 2],
  [311, false, 3],
  [305, true, -3], // produced before >2/3 was back
] as const) {
  test(`outage recovery: first new batch at slot ${first}, >2/3 back at slot 308 → ${measured} slots, ${held ? "held" : "violated"}`, () => {
    const f = outageLivenessFacts(shape, outage(), upSamples, [batch(1, 99), batch(2, first)], new Map());
    assert.equal([f.readySlot, f.firstBatchSlot, f.slotsToFirstBatch, f.held], [308, first, measured, held]);
    const inv = checkOutageRecovery([f]);
    assert.is(inv.name, InvariantName.outageRecovery);
    assert.is(inv.held, held);
    assert.match(inv.summary, `${measured} slots`);
    assert.match(inv.evidence[0], /n1 \+1\.0 s, n2 \+2\.0 s, n3 \+4\.0 s, n4 \+8\.0 s/);
  });
}

test("outage recovery: a slot whose leader was still down when it began is excused; one whose leader was up is not", () => {
  // epoch 19 = slots 304..319; n4 (sequencer 3) answers at 158 s = slot 316
  const schedule: ScheduleSlot[] = Array.from({ length: 16 }, (_, k) => ({ slot: 304 + k, leader: k === 4 || k === 5 ? 3 : k % 3, fallbacks: [] }));
  const schedules = new Map([[19, schedule]]);
  // slots 308, 309 led by n4 (down), 310 by n1: a batch at 311 is 3 slots later, 2 excused
  const f = outageLivenessFacts(shape, outage(), upSamples, [batch(1, 99), batch(2, 311)], schedules);
  assert.equal(f.excused, [{ slot: 308, leaderNode: 4 }, { slot: 309, leaderNode: 4 }]);
  assert.ok(f.held);
  assert.match(checkOutageRecovery([f]).evidence[0], /2 excused: slot 308 led by n4, still down/);
  const late = outageLivenessFacts(shape, outage(), upSamples, [batch(1, 99), batch(2, 313)], schedules);
  assert.equal([late.slotsToFirstBatch, late.excused.length, late.held], [5, 2, false]);
});

test("outage recovery is violated when >2/3 never comes back or no batch follows", () => {
  const never = outageLivenessFacts(shape, outage(), upSamples.slice(0, 2), [batch(1, 99)], new Map());
  assert.equal([never.readyMs, never.held], [null, false]);
  const stuck = outageLivenessFacts(shape, outage(), upSamples, [batch(1, 99)], new Map());
  assert.equal([stuck.firstBatchSlot, stuck.held], [null, false]);
  const inv = checkOutageRecovery([never, stuck]);
  assert.not.ok(inv.held);
  assert.match(inv.evidence[0], /never up and in sync/);
  assert.match(inv.evidence[1], /NO new batch/);
  assert.match(inv.summary, /never, never/);
});

// ---- no penalty for the outage

const rec = (index: number, status = "active", stake = "100000", misses = 0): SequencerRecord => ({ index, status, stake, produced: 10, misses, consecutiveMisses: 0 });
const snap = (headSlot: number, sequencers: SequencerRecord[]): SequencerSnapshot => ({ node: 2, t: 0, head: { height: headSlot, slot: headSlot, root: `h${headSlot}` }, sequencers });
const before = snap(99, [rec(0), rec(1), rec(2), rec(3, "ejected", "90000")]);

test("penalties: active before and ejected or exited after, or less stake, is one; more stake or a sequencer already out is not", () => {
  assert.equal(outagePenalties(before.sequencers, [rec(0), rec(1, "active", "100500"), rec(2), rec(3, "ejected", "80000")]), []);
  assert.equal(outagePenalties(before.sequencers, [rec(0, "ejected"), rec(1, "exited", "0"), rec(2, "active", "99000"), rec(3, "ejected", "90000")]), [
    "s0 active → ejected",
    "s1 active → exited",
    "s1 lost stake 100000 → 0 (-100000)",
    "s2 lost stake 100000 → 99000 (-1000)",
  ]);
  assert.equal(outagePenalties(before.sequencers, [rec(0), rec(1), rec(3, "ejected", "90000")]), ["s2 active before is missing after"]);
});

test("no outage penalty: held with the same records after; violated by an ejection, a chain that never moved past the outage, or no records", () => {
  const same = checkOutageNoPenalty([{ label: "outage", restartSlot: 300, before, after: snap(320, [rec(0), rec(1, "active", "100000", 1), rec(2), rec(3, "ejected", "90000")]) }]);
  assert.is(same.name, InvariantName.outageNoPenalty);
  assert.ok(same.held, same.evidence.join("\n"));
  assert.match(same.summary, /all 3 sequencers active before/);
  assert.match(same.evidence[0], /misses s0 0→0, s1 0→1/);
  const ejected = checkOutageNoPenalty([{ label: "outage", restartSlot: 300, before, after: snap(320, [rec(0, "ejected"), rec(1, "ejected"), rec(2, "ejected"), rec(3, "exited", "0")]) }]);
  assert.not.ok(ejected.held);
  assert.ok(ejected.evidence.some((e) => e.includes("s0 active → ejected")));
  const stuck = checkOutageNoPenalty([{ label: "outage", restartSlot: 300, before, after: snap(99, before.sequencers) }]);
  assert.not.ok(stuck.held);
  assert.match(stuck.evidence[0], /never moved past it/);
  const none = checkOutageNoPenalty([{ label: "outage", restartSlot: 300, before, after: null, why: "n1: no answer" }]);
  assert.not.ok(none.held);
  assert.match(none.evidence[0], /no state after it to compare \(n1: no answer\)/);
});

// ---- the other invariants across an outage

test("liveness: nobody is up during an outage (unhealthy, with the grace after it), and it has no side that must keep producing", () => {
  const w = outage();
  assert.equal(connectedGroups(shape, [w], 200), [[]]);
  assert.not.ok(healthyAt(shape, [w], 200));
  assert.not.ok(healthyAt(shape, [w], 308), "until >2/3 is up and in sync again (the window's end)");
  assert.ok(healthyAt(shape, [w], 309));
  const h = healthMap(shape, [w], 90, 400, 32);
  assert.equal([h.get(99), h.get(200), h.get(340), h.get(341)], [true, false, false, true]);
  // confirmation resumed 6 s after the window: ok; never: violated
  const samples = [sample(49_000, 1, 98, false, 96), sample(155_000, 1, 309, false, 96), sample(160_500, 1, 318, false, 310)];
  const [d] = degradedPeriods(shape, [w], samples, 400, 200_000);
  assert.equal([d.fromSlot, d.toSlot, d.sides, d.resumedAfterMs, d.ok], [100, 308, [], 6_000, true]);
  const [stuck] = degradedPeriods(shape, [w], samples.slice(0, 2), 400, 200_000);
  assert.equal([stuck.resumedAfterMs, stuck.ok], [null, false]);
  const facts = { longestGap: null, longestHealthyGap: null, longestStall: null, longestHealthyStall: null, gapLimitSlots: 4, stallLimitMs: 16_000 };
  const ok = checkLiveness({ ...facts, degraded: [d] }, shape);
  assert.ok(ok.held);
  assert.match(ok.evidence.join("\n"), /ok: outage \(all of n1,n2,n3,n4\) \(slots 100-308\): no node up; confirmation resumed 6\.0 s/);
  assert.not.ok(checkLiveness({ ...facts, degraded: [stuck] }, shape).held);
});

test("timeline: the outage is a band over every row, with the restart marked", () => {
  const tl = buildTimeline({ sequencers: 4, chain: [batch(1, 99), batch(2, 309)], schedules: new Map(), records: [], slotsPerEpoch: 16, fromSlot: 90, toSlot: 320 });
  const svg = renderTimelineSvg({ title: "t", timeline: tl, labels: ["n1", "n2", "n3", "n4"], faults: [outage()], invariants: [], slotsPerEpoch: 16 });
  assert.is(svg.match(/fill="#4e342e" fill-opacity="0.18"/g)?.length, 4, "a band on each of the 4 rows");
  assert.match(svg, /outage \(all of n1,n2,n3,n4\): slots 100-308/);
  assert.match(svg, /every node started again at slot 300/);
  assert.match(svg, />outage<\/text>/, "in the legend");
});

test.run();
