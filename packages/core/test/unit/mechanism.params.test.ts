/** Mechanism params and governance in genesis: defaults, validation naming the field, JSON round trips. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createChainConfig, testPreset } from "../../src/config/chainConfig.js";
import { createGenesisState, genesisToJson, parseGenesis } from "../../src/config/genesis.js";
import { ConfigError } from "../../src/errors.js";
import { keepFactorPpm, PPM } from "../../src/mechanism/ema.js";
import { MECHANISM_NAMES, type MechanismName } from "../../src/mechanism/params.js";
import { stateRoot } from "../../src/types/encoding.js";
import { edKey } from "./helpers.js";
import { mechChain } from "./mechanismHelpers.js";

const test = suite("mechanism: params");
const cfg = (mechanism: MechanismName, mechanismParams?: unknown, extra: Record<string, unknown> = {}) =>
  createChainConfig({ genesisTime: 0, mechanism, mechanismParams, ...extra }, testPreset);

test("defaults per mechanism", () => {
  assert.equal(cfg("pos").mechanismParams, { tokens: [{ name: "native", weightBps: 10_000 }] });
  assert.equal(cfg("poa").mechanismParams, { bond: 0n });
  const a = cfg("auction").mechanismParams as { winners: number; priceRule: string; revealOffset: number };
  assert.is(a.winners, 3);
  assert.is(a.priceRule, "second");
  assert.is(a.revealOffset, 4, "half of testPreset's 8 slots");
  assert.is((cfg("dpos").mechanismParams as { seats: number }).seats, 0);
  assert.is((cfg("performance").mechanismParams as { halfLifeEpochs: number }).halfLifeEpochs, 8);
  assert.equal(cfg("pos").governance, { threshold: 0, keys: [] });
});

test("JSON amounts as strings, partial params keep the other defaults; validation is idempotent", () => {
  const c = cfg("auction", { winners: 1, bond: "5000", priceRule: "first" });
  const p = c.mechanismParams as { winners: number; bond: bigint; priceRule: string; disputeEpochs: number };
  assert.equal([p.winners, p.bond, p.priceRule, p.disputeEpochs], [1, 5000n, "first", 4]);
  assert.equal(createChainConfig(c, testPreset), c);
});

const bad: [string, () => unknown, string][] = [
  ["unknown param", () => cfg("pos", { tokenz: [] }), "mechanismParams.tokenz"],
  ["params of another mechanism", () => cfg("poa", { winners: 2 }), "mechanismParams.winners"],
  ["no tokens", () => cfg("pos", { tokens: [] }), "mechanismParams.tokens"],
  ["duplicate token", () => cfg("pos", { tokens: [{ name: "a", weightBps: 1 }, { name: "a", weightBps: 2 }] }), "mechanismParams.tokens[1].name"],
  ["token weight negative", () => cfg("pos", { tokens: [{ name: "a", weightBps: -1 }] }), "mechanismParams.tokens[0].weightBps"],
  ["zero winners", () => cfg("auction", { winners: 0 }), "mechanismParams.winners"],
  ["price rule", () => cfg("auction", { priceRule: "third" }), "mechanismParams.priceRule"],
  ["reveal offset past the epoch", () => cfg("auction", { revealOffset: 8 }), "mechanismParams.revealOffset"],
  ["auction in 1-slot epochs", () => cfg("auction", undefined, { slotsPerEpoch: 1 }), "slotsPerEpoch"],
  ["bond not an amount", () => cfg("poa", { bond: "lots" }), "mechanismParams.bond"],
  ["default commission above max", () => cfg("dpos", { defaultCommissionBps: 6_000 }), "mechanismParams.defaultCommissionBps"],
  ["initial score below floor", () => cfg("performance", { floorScorePpm: 600_000 }), "mechanismParams.initialScorePpm"],
  ["half-life 0", () => cfg("performance", { halfLifeEpochs: 0 }), "mechanismParams.halfLifeEpochs"],
  ["governance threshold above keys", () => cfg("pos", undefined, { governance: { threshold: 2, keys: [edKey(1).publicKey] } }), "governance.threshold"],
  ["governance key twice", () => cfg("pos", undefined, { governance: { threshold: 1, keys: [edKey(1).publicKey, edKey(1).publicKey] } }), "governance.keys[1]"],
  ["governance key not hex", () => cfg("pos", undefined, { governance: { threshold: 1, keys: ["0x12"] } }), "governance.keys[0]"],
  ["governance field", () => cfg("pos", undefined, { governance: { m: 1, keys: [] } }), "governance.m"],
];
for (const [name, fn, field] of bad) {
  test(`${name} → error names ${field}`, () => {
    try {
      fn();
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.is((e as ConfigError).type.field, field, (e as Error).message);
      return;
    }
    assert.unreachable("accepted");
  });
}

test("genesis JSON round trip on every mechanism, with governance and per-sequencer extras", () => {
  for (const m of MECHANISM_NAMES) {
    const extras =
      m === "pos" ? [{ tokenStakes: [5n, 0n] }] : m === "dpos" ? [{ commissionBps: 300 }] : [];
    const params = m === "pos" ? { tokens: [{ name: "BATON", weightBps: 10_000 }, { name: "ETH", weightBps: 30_000_000 }, { name: "DAI", weightBps: 5_000 }] } : undefined;
    const c = mechChain(m, { params, governanceKeys: 3, extras });
    const json = JSON.parse(JSON.stringify(genesisToJson(c.genesis)));
    const again = parseGenesis(json);
    assert.equal(again.config, c.config, m);
    assert.equal(stateRoot(createGenesisState(again)), stateRoot(c.state), m);
  }
});

const badGenesis: [string, MechanismName, (g: any) => void, string][] = [
  ["stakes under dpos", "dpos", (g) => (g.sequencers[0].stakes = { ETH: "1" }), "sequencers[0].stakes"],
  ["unknown token", "pos", (g) => (g.sequencers[0].stakes = { BTC: "1" }), "sequencers[0].stakes.BTC"],
  ["commission under pos", "pos", (g) => (g.sequencers[1].commissionBps = 5), "sequencers[1].commissionBps"],
  ["commission above max", "dpos", (g) => (g.sequencers[1].commissionBps = 9_000), "sequencers[1].commissionBps"],
  ["unknown sequencer field", "pos", (g) => (g.sequencers[1].weight = 5), "sequencers[1].weight"],
  ["mechanismParams not an object", "pos", (g) => (g.mechanismParams = 3), "mechanismParams"],
];
for (const [name, m, mutate, field] of badGenesis) {
  test(`genesis: ${name} → ${field}`, () => {
    const params = m === "pos" ? { tokens: [{ name: "BATON", weightBps: 10_000 }, { name: "ETH", weightBps: 20_000 }] } : undefined;
    const g = JSON.parse(JSON.stringify(genesisToJson(mechChain(m, { params }).genesis)));
    mutate(g);
    assert.throws(() => parseGenesis(g), (e: unknown) => e instanceof ConfigError && e.type.field === field);
  });
}

test("EMA keep factor: the value halves in halfLife steps (fixed point), for several half-lives", () => {
  for (const h of [1, 2, 8, 32, 100]) {
    const keep = keepFactorPpm(h);
    const pow = (x: number) => {
      let out = PPM;
      for (let i = 0; i < h; i++) out = Math.floor((out * x) / PPM);
      return out;
    };
    assert.ok(pow(keep) <= PPM / 2 && pow(keep + 1) > PPM / 2, `h=${h} keep=${keep}`);
  }
  assert.is(keepFactorPpm(1), 500_000);
  assert.ok(Math.abs(keepFactorPpm(8) - 917_004) <= 2, `${keepFactorPpm(8)} ≈ 2^(-1/8)`);
});

test.run();
