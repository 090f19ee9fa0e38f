import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FaultKind, makeFaultPlan, parseFaultKinds, describeFault, PlanError, type PlanOptions } from "../../src/chaos/plan.js";
import { nftRules } from "../../src/chaos/nft.js";
import {
  checkAgreement,
  checkNoCrash,
  checkNoLoss,
  checkSafety,
  connectedGroups,
  headGaps,
  healthMap,
  healthyAt,
  confirmationStalls,
  type ClusterShape,
  type FaultWindow,
} from "../../src/chaos/invariants.js";
import { buildTimeline, renderTimelineSvg, CellState } from "../../src/chaos/svg.js";
import { ALLOWED_URL } from "../../src/chaos/backends/netnsProxy.js";
import type { BatchInfo, StatusSample } from "../../src/chaos/observer.js";

const test = suite("chaos");
const ALL = [FaultKind.kill, FaultKind.freeze, FaultKind.stop, FaultKind.cut, FaultKind.split, FaultKind.loss];
const base: PlanOptions = { seed: "1", nodes: 4, durationMs: 120_000, kinds: ALL, concurrent: true, slotMs: 500, slotsPerEpoch: 16 };

test("the same seed gives the same plan; another seed another", () => {
  assert.equal(makeFaultPlan(base), makeFaultPlan({ ...base }));
  assert.not.equal(makeFaultPlan(base), makeFaultPlan({ ...base, seed: "2" }));
});

for (const seed of ["1", "2", "3", "ci", "soak"]) {
  test(`plan for seed ${seed}: inside the phase, targets valid, pairs on distinct nodes, splits cover every node`, () => {
    const plan = makeFaultPlan({ ...base, seed });
    assert.ok(plan.length >= 3, `${plan.length} faults`);
    for (const f of plan) {
      assert.ok(f.atMs >= 16_000 && f.atMs + f.durationMs <= base.durationMs, describeFault(f));
      for (const t of [...f.targets, ...(f.others ?? [])]) assert.ok(t >= 1 && t <= 4);
      if (f.kind === FaultKind.split) assert.equal([...f.targets, ...f.others!].sort(), [1, 2, 3, 4]);
      if (f.kind === FaultKind.loss) assert.ok([10, 20, 30].includes(f.lossPct!));
    }
    const groups = new Map<number, number[]>();
    for (const f of plan) groups.set(f.group, [...(groups.get(f.group) ?? []), ...f.targets]);
    for (const targets of groups.values()) assert.is(new Set(targets).size, targets.length, "several at once: distinct nodes");
    assert.ok(plan.some((f) => plan.some((g) => g !== f && g.group === f.group)), "at least one pair of faults at once");
  });
}

test("a backend's kinds bound the plan", () => {
  const plan = makeFaultPlan({ ...base, kinds: [FaultKind.kill, FaultKind.freeze] });
  assert.ok(plan.every((f) => f.kind === FaultKind.kill || f.kind === FaultKind.freeze));
  assert.equal(parseFaultKinds("all", [FaultKind.kill]), [FaultKind.kill]);
  assert.throws(() => parseFaultKinds("split", [FaultKind.kill]), (e: Error) => e instanceof PlanError);
  assert.throws(() => parseFaultKinds("explode", ALL), (e: Error) => e instanceof PlanError);
});

test("nft rules: a table per fault kind, drops both ways, loss by numgen", () => {
  const cut = nftRules("cut", { drop: ["10.78.0.12", "10.78.0.13"] });
  assert.equal(cut[0], ["add", "table", "inet", "baton_chaos_cut"]);
  assert.ok(cut.some((c) => c.join(" ").includes("in ip saddr { 10.78.0.12, 10.78.0.13 } drop")));
  assert.ok(cut.some((c) => c.join(" ").includes("out ip daddr { 10.78.0.12, 10.78.0.13 } drop")));
  assert.ok(nftRules("loss", { lossPct: 20 }).some((c) => c.join(" ").endsWith("numgen random mod 100 < 20 drop")));
  assert.throws(() => nftRules("loss", { lossPct: 0 }));
  assert.throws(() => nftRules("split", { drop: [] }));
});

test("the netns helper only fetches test-host URLs", () => {
  assert.ok(ALLOWED_URL.test("http://10.78.0.12:17502/status"));
  assert.not.ok(ALLOWED_URL.test("http://10.77.0.2:7000/status"));
  assert.not.ok(ALLOWED_URL.test("http://example.com/"));
});

const shape: ClusterShape = { nodes: 4, weights: [1, 1, 1, 1], missesToEject: 3, slotsPerEpoch: 16, slotMs: 500, genesisTime: 0 };
const w = (kind: FaultKind, targets: number[], a: number, b: number, others?: number[]): FaultWindow => ({
  id: 1, kind, targets, others, label: `${kind} ${targets}`, startMs: a * 500, endMs: b * 500, startSlot: a, endSlot: b,
});

test("health: one node down is healthy (3/4 > 2/3), two down or a 2-2 split is not", () => {
  assert.ok(healthyAt(shape, [w(FaultKind.kill, [2], 10, 20)], 15));
  assert.not.ok(healthyAt(shape, [w(FaultKind.kill, [2], 10, 20), w(FaultKind.freeze, [3], 10, 20)], 15));
  const split = [w(FaultKind.split, [1, 2], 10, 20, [3, 4])];
  assert.not.ok(healthyAt(shape, split, 15));
  assert.equal(connectedGroups(shape, split, 15), [[1, 2], [3, 4]]);
  assert.ok(healthyAt(shape, [w(FaultKind.loss, [2], 10, 20)], 15), "loss degrades but does not disconnect");
  const h = healthMap(shape, split, 0, 60, 32);
  assert.is(h.get(9), true);
  assert.is(h.get(30), false, "grace after the heal");
  assert.is(h.get(53), true);
});

const batch = (height: number, slot: number, proposer: number, txs: string[] = []): BatchInfo => ({ root: `r${height}`, slot, height, proposer, parentRoot: `r${height - 1}`, txs });

test("head gaps are judged only where the cluster was healthy", () => {
  const windows = [w(FaultKind.split, [1, 2], 10, 20, [3, 4])];
  const chain = [batch(1, 1, 0), batch(2, 5, 1), batch(3, 9, 2), batch(4, 25, 3)];
  const gaps = headGaps(chain, healthMap(shape, windows, 0, 60, 2), windows);
  assert.equal(gaps.map((g) => [g.slots, g.healthy]), [[4, true], [4, true], [16, false]]);
  assert.equal(gaps[2].faults, ["split 1,2"]);
});

test("confirmation stalls: from the first confirmation, with their healthy part", () => {
  const s = (t: number, c: number): StatusSample => ({ t, node: 1, slot: t / 500, head: { height: c + 2, slot: 0, root: "" }, confirmed: { height: c, slot: 0, root: "" }, peers: 3, syncing: false });
  const stalls = confirmationStalls(shape, [s(0, 0), s(1000, 1), s(2000, 2), s(9000, 3)], new Map(Array.from({ length: 40 }, (_, k) => [k, true])), [], 10_000);
  assert.equal(stalls.map((x) => x.ms), [1000, 7000, 1000]);
  assert.is(stalls[1].healthyMs, 7000);
});

test("safety, no loss, agreement and no crash verdicts", () => {
  assert.ok(checkSafety([], 10, 5).held);
  const bad = checkSafety([{ height: 3, root: "0xaa", node: 1, otherRoot: "0xbb", otherNode: 2, t: 0, how: "x" }], 10, 5);
  assert.not.ok(bad.held);
  assert.match(bad.evidence[0], /height 3/);
  const acked = new Map([["0x1", { node: 1, t: 0 }], ["0x2", { node: 2, t: 0 }]]);
  assert.ok(checkNoLoss(acked, { counts: new Map([["0x1", 1], ["0x2", 1]]), notConfirmed: [], duplicates: [] }).held);
  const lost = checkNoLoss(acked, { counts: new Map([["0x1", 2]]), notConfirmed: [{ node: 3, hash: "0x1", status: "pending" }], duplicates: ["0x1"] });
  assert.not.ok(lost.held);
  assert.match(lost.summary, /1 missing, 1 twice/);
  const rec = [{ index: 0, status: "active", stake: "1", produced: 3, misses: 1, consecutiveMisses: 0 }];
  assert.ok(checkAgreement([{ node: 1, head: "0xh", sequencers: rec }, { node: 2, head: "0xh", sequencers: rec }], "").held);
  assert.not.ok(checkAgreement([{ node: 1, head: "0xh", sequencers: rec }, { node: 2, head: "0xh", sequencers: [{ ...rec[0], misses: 2 }] }], "").held);
  assert.not.ok(checkAgreement(null, "never").held);
  assert.ok(checkNoCrash([{ node: 2, atMs: 0, planned: true, detail: "SIGKILL" }], []).held);
  assert.not.ok(checkNoCrash([{ node: 2, atMs: 0, planned: false, detail: "exit code 1" }], []).held);
});

test("timeline: produced, missed by the effective leader, ejected; the SVG shows them and the faults", () => {
  const schedules = new Map([[0, Array.from({ length: 16 }, (_, s) => ({ slot: s, leader: s % 2, fallbacks: [1 - (s % 2)] }))]]);
  const rec = (status1: string) => [
    { index: 0, status: "active", stake: "1", produced: 0, misses: 0, consecutiveMisses: 0 },
    { index: 1, status: status1, stake: "1", produced: 0, misses: 0, consecutiveMisses: 0 },
  ];
  const records = [{ t: 0, slot: 0, node: 1, sequencers: rec("active") }, { t: 0, slot: 6, node: 1, sequencers: rec("ejected") }];
  const chain = [batch(1, 2, 0), batch(2, 4, 0), batch(3, 6, 0), batch(4, 7, 0)];
  const tl = buildTimeline({ sequencers: 2, chain, schedules, records, slotsPerEpoch: 16, fromSlot: 2, toSlot: 7 });
  assert.equal(tl.rows[0], [CellState.produced, CellState.idle, CellState.produced, CellState.idle, CellState.produced, CellState.produced]);
  assert.equal(tl.rows[1], [CellState.idle, CellState.missed, CellState.idle, CellState.missed, CellState.ejected, CellState.ejected]);
  const svg = renderTimelineSvg({ title: "t <&>", timeline: tl, labels: ["n1", "n2"], faults: [w(FaultKind.kill, [2], 3, 6)], invariants: [checkSafety([], 1, 1)], slotsPerEpoch: 16, faultPhaseEndSlot: 6 });
  assert.match(svg, /^<svg/);
  assert.match(svg, /t &lt;&amp;&gt;/);
  assert.match(svg, /kill 2/);
  assert.match(svg, /slot 3: missed/);
  assert.match(svg, /slot 6: ejected/);
});

test.run();
