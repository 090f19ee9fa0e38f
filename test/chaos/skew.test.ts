/**
 * The short clock-skew chaos run CI does beside ci.test.ts (which has no room left for a skew in
 * its 115 s next to its 63 s outage): 4 node processes on loopback (the processes backend: no
 * root needed), a tx load, and only skew faults, seed "ci", 45 s of faults at 250 ms slots and
 * 8-slot epochs, at most 30 s of settle — about a minute, bounded by construction under 90 s.
 * The plan restarts nodes with their clock ±0.6 slot (inside the 250 ms disparity allowance),
 * ±1.5 and ±3 slots (beyond it), one pair at once, and restarts them with their usual clock at
 * the end of each. The five invariants must hold with each skewed node counted as impaired
 * while skewed; the report lists each skew and the skewed node's own slots. Writes its report
 * and timeline under reports/ci/.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { chaos } from "@baton/devnet";

const test = suite("chaos skew");
const log = (line: string) => console.log(`    [skew] ${line}`);

test("45 s of clock skews (±0.6, ±1.5, ±3 slots) on loopback processes: the five invariants hold, each skew reported", async () => {
  const started = Date.now();
  const report = await chaos.runChaos({
    backend: chaos.BackendName.processes,
    durationMs: 45_000,
    seed: "ci",
    faults: "skew",
    slotMs: 250,
    slotsPerEpoch: 8,
    settleMs: 30_000,
    baseApiPort: 17150,
    baseP2pPort: 19150,
    reportDir: "reports/ci",
    log,
  });
  console.log(chaos.formatTable(report).split("\n").map((line) => `    ${line}`).join("\n"));
  log(`run took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.ok(report.faults.length >= 3 && report.faults.every((fault) => fault.kind === chaos.FaultKind.skew), report.faults.map((fault) => fault.label).join(", "));
  const skews = report.skews?.faults ?? [];
  assert.is(skews.length, report.faults.length, "every skew is in the report");
  const sizes = new Set(skews.map((facts) => Math.abs(facts.skewSlots)));
  for (const size of chaos.SKEW_SLOTS) assert.ok(sizes.has(size), `a ±${size}-slot skew ran (${[...sizes].join(", ")})`);
  assert.ok(skews.some((facts) => facts.withinDisparity) && skews.some((facts) => !facts.withinDisparity), "skews within and beyond the clock disparity allowance");
  assert.ok(skews.some((facts) => facts.skewMs > 0) && skews.some((facts) => facts.skewMs < 0), "clocks ahead and behind");
  for (const inv of report.invariants) assert.ok(inv.held, `${inv.name}: ${inv.summary}\n${inv.evidence.join("\n")}`);
});

test.run();
