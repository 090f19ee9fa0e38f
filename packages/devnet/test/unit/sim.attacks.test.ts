/**
 * The adversarial profiles against the real core, briefly: each attack happens (the inflated
 * bid wins, the evidence lands, the network is down), and gains nothing over its honest
 * baseline with the same seed. These fail on a core that lets the attack pay off.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { BidStatus, MECHANISM_NAMES } from "@baton/core";
import { bidInflater, INFLATER, outage, RESUME_LIMIT_SLOTS, runAttack, slashEscaper, type AttackBase, type AttackResult } from "../../src/sim/attacks.js";
import { SLASH_DELAY_SLOTS } from "../../src/sim/adversaries.js";
import { defaultSimOptions } from "../../src/sim/engine.js";

const test = suite("sim attacks");
const base: AttackBase = { seed: "baton", slotMs: defaultSimOptions.slotMs, slotsPerEpoch: defaultSimOptions.slotsPerEpoch, load: defaultSimOptions.load };

function assertNothingGained(r: AttackResult): void {
  for (const m of r.measures) {
    assert.ok(m.gain <= 1e-9, `${r.attack} / ${r.label}: ${m.name} gained ${m.gain} (attack ${m.attack}, honest ${m.honest})`);
    if (m.limit !== undefined) assert.ok(m.attack <= m.limit, `${r.attack} / ${r.label}: ${m.name} ${m.attack} > ${m.limit}`);
  }
  assert.not.ok(r.paidOff);
}

for (const priceRule of ["second", "first"] as const) {
  test(`bid inflater (${priceRule} price): its ${INFLATER.bid} bid wins, and buys no more slots or weight than its honest ${INFLATER.value}`, () => {
    const s = bidInflater("auction", priceRule, base);
    const r = runAttack(s);
    const a = s.run.profiles?.findIndex((p) => p.kind === "inflater") ?? -1;
    const won = r.run.state.bids.filter((b) => b.sequencerIndex === a && b.status === BidStatus.won);
    assert.ok(won.length > 0 && won.every((b) => b.amount === BigInt(INFLATER.bid)), "the inflated bid was revealed and won");
    assert.ok(r.run.slotsLed[a] > 0 && r.run.paid[a] > 0, "it led slots and paid for them");
    assertNothingGained(r);
  });
}

for (const mechanism of MECHANISM_NAMES) {
  test(`slash escaper (${mechanism}): equivocates, unstakes, is slashed anyway: keeps no more than if it had stayed`, () => {
    const r = runAttack(slashEscaper(mechanism, base));
    for (const run of [r.run, r.baseline]) {
      assert.is(run.equivocations.length, 1);
      const e = run.equivocations[0];
      assert.ok(e.evidenceSlot !== null && e.evidenceSlot >= e.slot + SLASH_DELAY_SLOTS, "the slasher submitted the evidence later");
      assert.ok(run.state.sequencers[e.sequencerIndex].slashed, "the evidence landed");
    }
    assertNothingGained(r);
  });
}

test("outage (pos): 10 minutes with every sequencer down: nobody ejected, leaked or exited; the next slot has a batch", () => {
  const s = outage("pos", base);
  const r = runAttack(s);
  const slots = s.run.outage?.slots ?? 0;
  assert.ok(slots >= 1_000, `the outage spans ${slots} slots`);
  assert.ok(r.baseline.metrics.produced - r.run.metrics.produced >= slots - 2, "no batch during the outage");
  assert.ok(r.run.metrics.resumeSlots <= RESUME_LIMIT_SLOTS, `resumed ${r.run.metrics.resumeSlots} slots after`);
  assertNothingGained(r);
});

test.run();
