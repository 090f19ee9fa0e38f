/** Genesis loading: a wrong genesis names the field and what was expected. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ConfigError } from "../../src/errors.js";
import { createGenesisState, genesisToJson, parseGenesis } from "../../src/config/genesis.js";
import { stateRoot } from "../../src/types/encoding.js";
import { ChainState } from "../../src/types/ssz.js";
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
  // issue 9, finding 7 and the new guarantees: values that would let stake leave while it still weighs
  ["unbondingEpochs 1 (stake would leave while it still weighs)", (g) => (g.unbondingEpochs = 1), "unbondingEpochs"],
  ["unbondingEpochs below evidenceEpochs + 2", (g) => ((g.evidenceEpochs = 8), (g.unbondingEpochs = 9)), "unbondingEpochs"],
  ["evidenceEpochs 0", (g) => (g.evidenceEpochs = 0), "evidenceEpochs"],
  ["auction disputeEpochs 0", (g) => ((g.mechanism = "auction"), (g.mechanismParams = { disputeEpochs: 0 })), "mechanismParams.disputeEpochs"],
  ["dpos unbondingEpochs moved to genesis", (g) => ((g.mechanism = "dpos"), (g.mechanismParams = { unbondingEpochs: 2 })), "mechanismParams.unbondingEpochs"],
  ["missWindow above 64", (g) => (g.missWindow = 65), "missWindow"],
  ["maxWindowMisses not below missWindow", (g) => ((g.missWindow = 8), (g.maxWindowMisses = 8)), "maxWindowMisses"],
  // finding 6: amounts above 2^64 - 1 wrapped in the state encoding
  ["a native supply above 2^64 - 1", (g) => ((g.accounts[0].balance = "18446744073709551615"), (g.accounts[1].balance = "1")), "accounts"],
  [
    "a token-weighted stake above 2^64 - 1",
    (g) => {
      g.mechanismParams = { tokens: [{ name: "BATON", weightBps: 10_000 }, { name: "ETH", weightBps: 30_000 }] };
      g.sequencers[0].stakes = { ETH: "10000000000000000000" };
    },
    "sequencers[0].stakes",
  ],
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

test("the error names the safe range of unbondingEpochs", () => {
  const g = JSON.parse(JSON.stringify(good));
  g.unbondingEpochs = 1;
  assert.throws(() => parseGenesis(g), (e: Error) => /unbondingEpochs: expected an integer in \[6, /.test(e.message));
});

test("an amount of 2^64 - 1 survives the state encoding; the genesis supply is counted", () => {
  const g = JSON.parse(JSON.stringify(good));
  const total = BigInt(g.accounts[1].balance) + BigInt(g.accounts[0].balance);
  g.accounts[0].balance = (18446744073709551615n - total + BigInt(g.accounts[0].balance) - g.sequencers.reduce((n: bigint, q: { stake: string }) => n + BigInt(q.stake), 0n)).toString();
  const state = createGenesisState(parseGenesis(g));
  assert.is(state.supply, 18446744073709551615n);
  assert.equal(ChainState.deserialize(ChainState.serialize(state)).supply, 18446744073709551615n);
});

test("not an object", () => {
  assert.throws(() => parseGenesis([1, 2]), (e: Error) => e instanceof ConfigError && /genesis/.test(e.message));
});

test.run();
