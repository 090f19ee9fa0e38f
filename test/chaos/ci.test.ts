/**
 * The short chaos run CI does: 4 node processes, each on its own test host (network
 * namespaces via ../shared/ci/netns-hosts.sh), a tx load, one SIGKILL + restart, one 2–2
 * network split and one outage (every node SIGKILLed for 63 s, longer than the old rules took
 * to eject and leak every sequencer to exit, then all restarted), seed "ci", 115 s of faults
 * at 250 ms slots and 8-slot epochs (so the outage stays short); all seven invariants (the
 * five, and the outage's recovery and no-penalty) must hold. Writes its report and timeline
 * under reports/ci/.
 *
 * Needs root, iproute2/nftables and the netns script; without them it is skipped, unless
 * BATON_REQUIRE_NETNS=1 (CI), where that is a failure.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { chaos } from "@baton/devnet";

const { NETNS_SCRIPT } = chaos;
const test = suite("chaos ci");
const log = (l: string) => console.log(`    [chaos] ${l}`);

function unavailable(): string | null {
  if (process.getuid?.() !== 0) return "needs root (network namespaces)";
  if (!existsSync(NETNS_SCRIPT)) return `${NETNS_SCRIPT} not found`;
  if (spawnSync("ip", ["netns", "list"], { timeout: 5_000 }).status !== 0) return "ip netns does not work here";
  return null;
}

const why = unavailable();
if (why && process.env.BATON_REQUIRE_NETNS === "1") {
  test("network namespaces are available (BATON_REQUIRE_NETNS=1)", () => assert.unreachable(why));
} else if (why) {
  log(`skipped: ${why} (set BATON_REQUIRE_NETNS=1 to fail instead)`);
} else {
  test("115 s of a kill, a split and a whole-cluster outage across network namespaces: all seven invariants hold", async () => {
    const report = await chaos.runChaos({
      backend: chaos.BackendName.netns,
      durationMs: 115_000,
      seed: "ci",
      faults: "kill,split,outage",
      slotMs: 250,
      slotsPerEpoch: 8,
      settleMs: 60_000,
      reportDir: "reports/ci",
      log,
    });
    console.log(chaos.formatTable(report).split("\n").map((l) => `    ${l}`).join("\n"));
    const kinds = new Set(report.faults.map((f) => f.kind));
    for (const k of [chaos.FaultKind.kill, chaos.FaultKind.split, chaos.FaultKind.outage]) assert.ok(kinds.has(k), `a ${k} ran (${[...kinds].join(", ")})`);
    const names = report.invariants.map((i) => i.name);
    assert.ok(names.includes(chaos.InvariantName.outageRecovery) && names.includes(chaos.InvariantName.outageNoPenalty), `the outage's invariants were checked (${names.join(", ")})`);
    for (const inv of report.invariants) assert.ok(inv.held, `${inv.name}: ${inv.summary}\n${inv.evidence.join("\n")}`);
  });
}

test.run();
