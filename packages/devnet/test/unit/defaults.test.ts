/** The devnet tools take their chain defaults from core's devnetPreset: none is written twice. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { devnetPreset } from "@baton/core";
import { defaultDevnetOptions } from "../../src/launcher.js";
import { defaultDevnetParams } from "../../src/generate.js";
import { defaultChaosOptions } from "../../src/chaos/runner.js";
import { defaultSimOptions } from "../../src/sim/engine.js";
import { Aborted, sleep } from "../../src/sleep.js";

const test = suite("devnet: defaults from core");

test("launcher, chaos and generate defaults are devnetPreset's", () => {
  const pick = (o: { slotMs: number; slotsPerEpoch: number; missesToEject: number }) => [o.slotMs, o.slotsPerEpoch, o.missesToEject];
  const preset = pick(devnetPreset);
  assert.equal(pick(defaultDevnetOptions), preset, "launcher");
  assert.equal(pick(defaultChaosOptions), preset, "chaos");
  assert.is(defaultDevnetParams.chainId, devnetPreset.chainId);
  assert.is(defaultSimOptions.slotMs, devnetPreset.slotMs, "sim slot length");
});

test("sleep: waits, and rejects with Aborted when its signal aborts", async () => {
  const t0 = Date.now();
  await sleep(20);
  assert.ok(Date.now() - t0 >= 15);
  const ac = new AbortController();
  const p = sleep(10_000, ac.signal);
  ac.abort();
  await p.then(() => assert.unreachable("resolved"), (e) => assert.instance(e, Aborted));
  await sleep(-5); // a deadline already passed: resolves at once
});

test.run();
