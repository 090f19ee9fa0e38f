/**
 * The clock-skew fault: planned with a seeded offset (±0.6, ±1.5, ±3 slots), injected by a
 * restart with `--clock-offset-ms` and healed by a restart with the node's usual arguments (a
 * stand-in child that prints its arguments plays the node), judged with the skewed node counted
 * as down like a killed one, and its own slots reported.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ExitLog } from "../../src/chaos/backend.js";
import { ProcessFaults, ProcessesBackend } from "../../src/chaos/backends/processes.js";
import { DockerBackend } from "../../src/chaos/backends/docker.js";
import { connectedGroups, healthyAt, type ClusterShape, type FaultWindow } from "../../src/chaos/invariants.js";
import { describeFault, FaultKind, makeFaultPlan, parseFaultKinds, PlanError, SKEW_SLOTS, type PlanOptions } from "../../src/chaos/plan.js";
import { formatTable, type ChaosReport } from "../../src/chaos/report.js";
import { describeSkewFacts, skewFacts } from "../../src/chaos/skew.js";
import type { BatchInfo } from "../../src/chaos/observer.js";
import { nodeLayout } from "../../src/layout.js";
import { NodeProcess } from "../../src/process.js";
import { BATON_BIN, REPO_ROOT } from "../../src/programs.js";
import { clockOffsetArgs } from "../../src/startArgs.js";

const test = suite("chaos: clock skew");
const base: PlanOptions = { seed: "skew", nodes: 4, durationMs: 120_000, kinds: [FaultKind.skew], concurrent: true, slotMs: 250, slotsPerEpoch: 8 };

test("a skew plan: every skew has an offset of ±0.6, ±1.5 or ±3 slots, the first three all three sizes; same seed, same plan", () => {
  for (const seed of ["skew", "skew1", "ci", "2"]) {
    const plan = makeFaultPlan({ ...base, seed });
    assert.ok(plan.length >= 4, `${plan.length} faults`);
    assert.equal(plan, makeFaultPlan({ ...base, seed }));
    const sizes = plan.map((fault) => Math.abs(fault.skewMs!) / base.slotMs);
    for (const [index, fault] of plan.entries()) {
      assert.is(fault.kind, FaultKind.skew);
      assert.is(fault.targets.length, 1);
      assert.ok((SKEW_SLOTS as readonly number[]).includes(sizes[index]), `${fault.skewMs} ms`);
      assert.ok(fault.durationMs >= 16 * base.slotMs && fault.durationMs <= 28 * base.slotMs);
    }
    assert.equal([...sizes.slice(0, 3)].sort(), [...SKEW_SLOTS].sort(), `seed ${seed}: ${sizes}`);
    assert.ok(plan.some((fault) => plan.some((other) => other !== fault && other.group === fault.group)), "skews can come two at once");
  }
  const both = makeFaultPlan({ ...base, seed: "signs", durationMs: 400_000 });
  assert.ok(both.some((fault) => fault.skewMs! > 0) && both.some((fault) => fault.skewMs! < 0), "ahead and behind");
});

test("adding skew to the kinds leaves plans without it as they were", () => {
  const kinds = [FaultKind.kill, FaultKind.freeze];
  const plan = makeFaultPlan({ ...base, kinds });
  assert.ok(plan.every((fault) => fault.skewMs === undefined));
  assert.equal(plan, makeFaultPlan({ ...base, kinds }));
});

test("processes and netns inject skew; docker declares it unsupported", async () => {
  assert.ok(new ProcessesBackend().kinds.includes(FaultKind.skew));
  const { NetnsBackend } = await import("../../src/chaos/backends/netns.js");
  assert.ok(new NetnsBackend().kinds.includes(FaultKind.skew));
  const docker = new DockerBackend();
  assert.not.ok((docker.kinds as readonly FaultKind[]).includes(FaultKind.skew));
  assert.throws(() => parseFaultKinds("skew,kill", docker.kinds), (error: Error) => error instanceof PlanError && /cannot inject skew/.test(error.message));
  assert.equal(parseFaultKinds("skew,kill", new ProcessesBackend().kinds), [FaultKind.skew, FaultKind.kill]);
});

test("the label says the offset, in ms and slots", () => {
  assert.is(describeFault({ kind: FaultKind.skew, targets: [3], skewMs: -375 }, 250), "skew n3 -375ms = -1.5 slots");
  assert.is(describeFault({ kind: FaultKind.skew, targets: [1], skewMs: 150 }), "skew n1 +150ms");
});

test("clockOffsetArgs is one --clock-offset-ms=<ms> word that baton start knows (its --help)", () => {
  assert.equal(clockOffsetArgs(-750), ["--clock-offset-ms=-750"]);
  assert.throws(() => clockOffsetArgs(1.5), RangeError);
  const help = spawnSync(process.execPath, [BATON_BIN, "start", "--help"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 });
  assert.is(help.status, 0, help.stderr);
  assert.match(help.stdout, /^\s+--clock-offset-ms <ms>\s+.*for tests and chaos only/m);
});

const shape: ClusterShape = { nodes: 4, weights: [1, 1, 1, 1], missesToEject: 3, slotsPerEpoch: 8, slotMs: 250, genesisTime: 0 };
const window = (kind: FaultKind, targets: number[], from: number, to: number, skewMs?: number): FaultWindow => ({
  id: 7, kind, targets, skewMs, label: `${kind} ${targets}`, startMs: from * 250, endMs: to * 250, startSlot: from, endSlot: to,
});

test("a skewed node counts as down during its fault, like a killed one: one is healthy, with a kill beside it not", () => {
  const skew = window(FaultKind.skew, [2], 10, 30, 375);
  assert.equal(connectedGroups(shape, [skew], 20), [[1, 3, 4]]);
  assert.ok(healthyAt(shape, [skew], 20));
  assert.not.ok(healthyAt(shape, [skew, window(FaultKind.kill, [3], 15, 25)], 20));
  assert.equal(connectedGroups(shape, [skew], 31), [[1, 2, 3, 4]], "back once healed");
});

test("skew facts: the node's produced and missed slots in its window, the chain's misses before and after", () => {
  const batch = (height: number, slot: number, proposer: number): BatchInfo => ({ root: `r${height}`, slot, height, proposer, parentRoot: `r${height - 1}`, txs: [] });
  // slots 8..15: sequencer (slot % 4) leads, the others follow in order
  const schedules = new Map([[1, Array.from({ length: 8 }, (_, k) => ({ slot: 8 + k, leader: (8 + k) % 4, fallbacks: [1, 2, 3, 0].filter((i) => i !== (8 + k) % 4) }))]]);
  const chain = [batch(1, 8, 0), batch(2, 9, 1), batch(3, 11, 3), batch(4, 12, 0), batch(5, 14, 2), batch(6, 15, 3)];
  const record = (misses: number) => [0, 1, 2, 3].map((index) => ({ index, status: "active", stake: "1", produced: 0, misses: index === 2 ? misses : 0, consecutiveMisses: 0 }));
  const records = [
    { t: 0, slot: 7, node: 1, sequencers: record(0) },
    { t: 0, slot: 16, node: 1, sequencers: record(2) },
    { t: 0, slot: 40, node: 1, sequencers: record(9) },
  ];
  const [facts] = skewFacts({ shape, windows: [window(FaultKind.skew, [3], 8, 15, -375)], chain, schedules, records, clockDisparityMs: 250 });
  assert.equal(
    { ...facts },
    { id: 7, node: 3, sequencer: 2, skewMs: -375, skewSlots: -1.5, withinDisparity: false, fromSlot: 8, toSlot: 15, produced: 1, missed: 1, chainMisses: { before: 0, after: 2 }, statusAfter: "active" },
  );
  assert.is(describeSkewFacts(facts, 250), "skew #7 n3 -375ms (-1.5 slots, beyond the 250 ms allowance), slots 8-15: produced 1, missed 1; chain misses 0 → 2 (active)");
  const small = skewFacts({ shape, windows: [window(FaultKind.skew, [1], 8, 15, 150), window(FaultKind.kill, [2], 20, 30)], chain, schedules, records, clockDisparityMs: 250 });
  assert.is(small.length, 1);
  assert.ok(small[0].withinDisparity);
});

test("the table lists each skew with its node's slots", () => {
  const facts = skewFacts({ shape, windows: [window(FaultKind.skew, [2], 8, 15, 750)], chain: [], schedules: new Map(), records: [], clockDisparityMs: 250 });
  const report = {
    backend: "processes", seed: "s", durationMs: 60_000, faults: [], config: { loadRate: 20 }, invariants: [], perKind: [],
    skews: { clockDisparityMs: 250, faults: facts }, files: { json: "r.json", svg: "t.svg", dir: ".", logs: [] }, ok: true,
  } as unknown as ChaosReport;
  assert.match(formatTable(report), /clock skews .*\n {2}skew #7 n2 \+750ms \(\+3 slots, beyond the 250 ms allowance\), slots 8-15: produced 0, missed 0; chain misses unknown/);
});

const restart = suite("chaos: a node restarted with changed arguments");
let dir = "";
restart.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-skew-"));
});
restart.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in for a node: prints its arguments (after bin.js) as one JSON line, then waits for SIGTERM. */
class EchoNode extends NodeProcess {
  override commandLine(): string[] {
    const [exec, , ...args] = super.commandLine();
    const script = "console.log(JSON.stringify(process.argv.slice(1))); process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);";
    return [exec, "-e", script, ...args];
  }
}

async function argumentLines(file: string, count: number): Promise<string[][]> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const lines = (await readFile(file, "utf8").catch(() => "")).split("\n").filter((line) => line.startsWith("["));
    if (lines.length >= count) return lines.map((line) => JSON.parse(line) as string[]);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${file}: fewer than ${count} starts: ${await readFile(file, "utf8").catch(() => "")}`);
}

restart("inject skew: a clean restart with --clock-offset-ms; heal: a restart with the usual arguments; both exits planned", async () => {
  const layout = nodeLayout(dir, 1, { baseApiPort: 48100, baseP2pPort: 48600 });
  const { mkdir } = await import("node:fs/promises");
  await mkdir(layout.dataDir, { recursive: true });
  const node = new EchoNode(layout, "peer", "/ip4/127.0.0.1/tcp/1/p2p/peer", ["start", "--data-dir", layout.dataDir]);
  const exitLog = new ExitLog();
  const lines: string[] = [];
  const faults = new ProcessFaults(() => [node], exitLog, (line) => lines.push(line));
  try {
    faults.start(node);
    await argumentLines(layout.logFile, 1);
    const firstPid = node.pid;
    await faults.inject(FaultKind.skew, 1, -375);
    assert.equal(node.extraArgs, ["--clock-offset-ms=-375"]);
    assert.ok(node.running && node.pid !== firstPid, "a new child");
    await argumentLines(layout.logFile, 2); // the child is up (a SIGTERM before its handler would leave no line)
    await faults.heal(FaultKind.skew, 1);
    assert.equal(node.extraArgs, []);
    const starts = await argumentLines(layout.logFile, 3);
    assert.equal(starts[0], ["start", "--data-dir", layout.dataDir]);
    assert.equal(starts[1], ["start", "--data-dir", layout.dataDir, "--clock-offset-ms=-375"]);
    assert.equal(starts[2], starts[0]);
    await faults.inject(FaultKind.skew, 1, 750);
    await argumentLines(layout.logFile, 4);
    await faults.healAll();
    assert.equal((await argumentLines(layout.logFile, 5))[4], starts[0], "healAll restarts a skewed node without the offset");
    assert.is(exitLog.all().length, 4);
    assert.ok(exitLog.all().every((exit) => exit.planned), JSON.stringify(exitLog.all()));
    assert.match(lines.join("\n"), /node1 stopped in \d+ ms \(exit code 0\); started with --clock-offset-ms=-375/);
  } finally {
    await node.stop(2_000);
  }
});

test.run();
restart.run();
