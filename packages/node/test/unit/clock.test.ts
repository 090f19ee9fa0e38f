/** The slot clock with injected time. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { SlotClock } from "../../src/clock/index.js";

const test = suite("clock");
const config = { genesisTime: 10_000, slotMs: 500, slotsPerEpoch: 4 };

const cases: [number, number, number][] = [
  [0, 0, 0], // before genesis: slot 0
  [10_000, 0, 0],
  [10_499, 0, 0],
  [10_500, 1, 0],
  [12_000, 4, 1],
  [13_999, 7, 1],
];
for (const [now, slot, epoch] of cases) {
  test(`now=${now} → slot ${slot}, epoch ${epoch}`, () => {
    const c = new SlotClock(config, () => now);
    assert.is(c.currentSlot(), slot);
    assert.is(c.currentEpoch(), epoch);
  });
}

test("msUntilSlot", () => {
  const c = new SlotClock(config, () => 10_600);
  assert.is(c.msUntilSlot(2), 400);
  assert.is(c.msUntilSlot(1), -100);
});

test.run();
