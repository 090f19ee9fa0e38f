/** `baton sim` flags: the outage and the attacks switch. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { UsageError } from "../../src/args.js";
import { parseOutage, simOptionsFromFlags } from "../../src/commands/sim.js";

const test = suite("cli sim flags");
const defaults = { mechanism: "pos", sequencers: "100", epochs: "1000", "slots-per-epoch": "32", "committee-size": "16", "slot-ms": "500", load: "4", seed: "baton", "evict-censor-at": "0", "out-dir": "reports/sim" };

test("--outage <slot>+<slots>; --attacks", () => {
  const f = simOptionsFromFlags({ ...defaults, outage: "3201+1200", attacks: true });
  assert.equal(f.outage, { fromSlot: 3201, slots: 1200 });
  assert.is(f.attacks, true);
  const plain = simOptionsFromFlags(defaults);
  assert.is(plain.outage, undefined);
  assert.is(plain.attacks, false);
});

for (const bad of ["3201", "0+10", "5+0", "a+b", "-1+5"]) {
  test(`--outage ${bad} is a usage error`, () => {
    assert.throws(() => parseOutage(bad), (e: unknown) => e instanceof UsageError && /--outage: expected <slot>\+<slots>/.test(e.message));
  });
}

test.run();
