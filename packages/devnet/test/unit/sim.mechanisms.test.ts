/** The lab's mechanism registry: one entry per core mechanism, its hooks in the world it builds, and no name tests elsewhere in sim/. */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { MECHANISM_NAMES, type MechanismName } from "@baton/core";
import { SIM_BOND, SIM_MECHANISMS } from "../../src/sim/mechanisms/index.js";
import { makePopulation } from "../../src/sim/population.js";
import type { Profile } from "../../src/sim/profiles.js";
import { buildWorld, lockedStake, MIN_STAKE } from "../../src/sim/world.js";

const test = suite("sim mechanisms");
const SIM_DIR = fileURLToPath(new URL("../../src/sim/", import.meta.url));

function world(mechanism: MechanismName, sequencers = 4) {
  const profiles: Profile[] = Array.from({ length: sequencers }, () => ({ kind: "reliable" }));
  const population = makePopulation({ sequencers, epochs: 10, slotsPerEpoch: 8, seed: 1, minStake: MIN_STAKE }, profiles);
  return { population, world: buildWorld({ mechanism, slotsPerEpoch: 8, slotMs: 500, committeeSize: 0, seed: 1 }, population) };
}

test("one entry per core mechanism, under its name, in MECHANISM_NAMES order", () => {
  assert.equal(Object.keys(SIM_MECHANISMS), [...MECHANISM_NAMES]);
  for (const name of MECHANISM_NAMES) assert.is(SIM_MECHANISMS[name].name, name);
});

test("no mechanism name is tested outside sim/mechanisms/: the lab asks the registry", () => {
  const files = readdirSync(SIM_DIR).filter((file) => file.endsWith(".ts"));
  assert.ok(files.length > 10);
  for (const file of files) {
    const text = readFileSync(SIM_DIR + file, "utf8");
    for (const name of MECHANISM_NAMES) assert.not.match(text, new RegExp(`["'\`]${name}["'\`]`), `${file} names "${name}"`);
  }
});

test("hooks: what a sequencer locks, genesis fields, own actors, lab params", () => {
  for (const name of MECHANISM_NAMES) {
    const { population, world: w } = world(name);
    const expected = population.map((s) => lockedStake(name, s.stake));
    assert.equal(w.state.sequencers.map((s) => s.stake), expected, name);
    const bonded = SIM_MECHANISMS[name].lockedStake !== undefined;
    assert.equal(expected, population.map((s) => (bonded ? (SIM_BOND * 3n) / 2n : s.stake)), `${name}: bonded ${bonded}`);
    assert.is(w.actors.length, SIM_MECHANISMS[name].actors === undefined ? 0 : population.length, `${name}: actors`);
    const actual = new Map(Object.entries(w.config.mechanismParams));
    for (const [key, value] of Object.entries(SIM_MECHANISMS[name].params)) assert.is(String(actual.get(key)), String(value), `${name}: ${key}`);
  }
  const { population, world: dpos } = world("dpos");
  assert.equal(dpos.state.sequencers.map((s) => s.commissionBps), population.map((s) => Math.min(s.commissionBps, 5_000)));
});

test.run();
