/** Genesis loading: a wrong genesis names the field and what was expected. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ConfigError } from "../../src/errors.js";
import { createGenesisState, genesisToJson, parseGenesis } from "../../src/config/genesis.js";
import { stateRoot } from "../../src/types/encoding.js";
import { makeTestChain } from "./helpers.js";

const test = suite("genesis");
const chain = makeTestChain({ sequencers: 3, users: 2 });
const good = genesisToJson(chain.genesis);

test("JSON round trip gives the same genesis state", () => {
  const again = parseGenesis(JSON.parse(JSON.stringify(good)));
  assert.equal(stateRoot(createGenesisState(again)), stateRoot(chain.state));
});

const bad: [string, (g: any) => void, string][] = [
  ["slotMs not a number", (g) => (g.slotMs = "fast"), "slotMs"],
  ["slotMs too small", (g) => (g.slotMs = 1), "slotMs"],
  ["unknown field", (g) => (g.slotms = 500), "slotms"],
  ["mechanism unknown", (g) => (g.mechanism = "pow"), "mechanism"],
  ["genesisTime missing", (g) => delete g.genesisTime, "genesisTime"],
  ["no sequencers", (g) => (g.sequencers = []), "sequencers"],
  ["short BLS key", (g) => (g.sequencers[1].pubkey = "0x1234"), "sequencers[1].pubkey"],
  ["stake below minStake", (g) => (g.sequencers[2].stake = "1"), "sequencers[2].stake"],
  ["stake not an amount", (g) => (g.sequencers[0].stake = -5), "sequencers[0].stake"],
  ["duplicate sequencer", (g) => (g.sequencers[1].pubkey = g.sequencers[0].pubkey), "sequencers[1].pubkey"],
  ["account not hex", (g) => (g.accounts[0].pubkey = "zz"), "accounts[0].pubkey"],
  ["balance too big", (g) => (g.accounts[1].balance = "99999999999999999999999"), "accounts[1].balance"],
  ["missesToEject zero", (g) => (g.missesToEject = 0), "missesToEject"],
];
for (const [name, mutate, field] of bad) {
  test(`${name} → error names ${field}`, () => {
    const g = JSON.parse(JSON.stringify(good));
    mutate(g);
    try {
      parseGenesis(g);
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.is((e as ConfigError).type.field, field);
      assert.match((e as Error).message, field);
      assert.match((e as Error).message, "expected");
      return;
    }
    assert.unreachable("accepted a bad genesis");
  });
}

test("not an object", () => {
  assert.throws(() => parseGenesis([1, 2]), (e: Error) => e instanceof ConfigError && /genesis/.test(e.message));
});

test.run();
