/**
 * The registry (mechanism/registry.ts): each mechanism is one object, and what generic code
 * asks of it must not collide between mechanisms (names, tx kinds, genesis fields); its params
 * round-trip through their JSON form; a hook-free mechanism gets the common defaults.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createChainConfig, testPreset } from "../../src/config/chainConfig.js";
import { COMMON_SEQUENCER_FIELDS } from "../../src/config/genesisExtras.js";
import { MECHANISMS, MECHANISM_NAMES, mechanismOf } from "../../src/mechanism/registry.js";
import { mechanismParamsToJson, parseMechanismParams } from "../../src/mechanism/params.js";
import { newSequencerOf } from "../../src/mechanism/sequencer.js";
import type { Mechanism } from "../../src/mechanism/types.js";
import { SCORE_ONE_PPM } from "../../src/state/sequencer.js";
import { TX_KIND_NAMES, TxKind } from "../../src/types/enums.js";

const test = suite("mechanism: registry");

/** The kinds every mechanism takes (systemTxs.ts, transfer.ts, and evict in mechanismTxs.ts). */
const COMMON_KINDS = [TxKind.user, TxKind.stake, TxKind.unstake, TxKind.rejoin, TxKind.slash, TxKind.evict, TxKind.transfer];
const ALL_KINDS = Object.values(TxKind).filter((k): k is TxKind => typeof k === "number");

test("MECHANISM_NAMES is the registry, in order, each name once", () => {
  assert.equal(MECHANISM_NAMES, ["pos", "poa", "auction", "dpos", "performance"]);
  assert.equal(MECHANISMS.map((m) => m.name), [...MECHANISM_NAMES]);
  for (const name of MECHANISM_NAMES) assert.is(mechanismOf({ mechanism: name }).name, name);
});

test("every tx kind beyond the common ones belongs to exactly one mechanism", () => {
  for (const kind of ALL_KINDS) {
    const owners = MECHANISMS.filter((m) => m.txs.some((t) => t.kind === kind)).map((m) => m.name);
    assert.equal(owners.length, COMMON_KINDS.includes(kind) ? 0 : 1, `${TX_KIND_NAMES[kind]}: ${owners.join(", ") || "nobody"}`);
  }
});

test("genesis sequencer fields: each belongs to one mechanism and none shadows a common field", () => {
  const keys = MECHANISMS.flatMap((m) => (m.genesisFields ?? []).map((g) => g.key));
  assert.equal(keys, ["stakes", "commissionBps"]);
  assert.is(new Set(keys).size, keys.length);
  for (const k of keys) assert.not.ok((COMMON_SEQUENCER_FIELDS as readonly string[]).includes(k), k);
});

for (const m of MECHANISMS) {
  test(`${m.name}: default params parse to themselves, and so does their JSON form`, () => {
    const defaults = m.defaultParams(testPreset.slotsPerEpoch);
    assert.equal(parseMechanismParams(m.name, undefined, testPreset.slotsPerEpoch), defaults);
    assert.equal(parseMechanismParams(m.name, mechanismParamsToJson(defaults), testPreset.slotsPerEpoch), defaults);
  });
}

test("a mechanism with no hooks: native stake, no tokens, full score, no commission", () => {
  const bare: Mechanism<"bare", Record<string, never>> = {
    name: "bare",
    defaultParams: () => ({}),
    parseParams: () => ({}),
    weights: (state) => state.sequencers.map((_, index) => ({ index, weight: 1n })),
    txs: [],
  };
  const config = { ...createChainConfig({ genesisTime: 0 }, testPreset), mechanism: "bare", mechanismParams: {} };
  const a = { pubkey: new Uint8Array(48), account: new Uint8Array(32), stake: 5n, epoch: 3, tokenStakes: [7n] };
  const s = newSequencerOf(bare, config, a);
  assert.equal([s.stake, s.tokenStakes, s.commissionBps, s.score, s.probationUntil], [5n, [], 0, SCORE_ONE_PPM, 0]);
});

test("hooks decide the new-sequencer fields: dpos commission, performance probation, pos token slots", () => {
  const a = { pubkey: new Uint8Array(48), account: new Uint8Array(32), stake: 5n, epoch: 3 };
  const dpos = createChainConfig({ genesisTime: 0, mechanism: "dpos" }, testPreset);
  assert.is(newSequencerOf(mechanismOf(dpos), dpos, a).commissionBps, 1_000);
  const perf = createChainConfig({ genesisTime: 0, mechanism: "performance" }, testPreset);
  const p = newSequencerOf(mechanismOf(perf), perf, a);
  assert.equal([p.score, p.probationUntil], [500_000, 3 + 16]);
  assert.is(newSequencerOf(mechanismOf(perf), perf, { ...a, epoch: null }).score, SCORE_ONE_PPM, "genesis: no probation");
  const tokens = [{ name: "native", weightBps: 10_000 }, { name: "b", weightBps: 5_000 }];
  const pos = createChainConfig({ genesisTime: 0, mechanism: "pos", mechanismParams: { tokens } }, testPreset);
  assert.equal(newSequencerOf(mechanismOf(pos), pos, { ...a, tokenStakes: [9n] }).tokenStakes, [9n]);
});

test.run();
