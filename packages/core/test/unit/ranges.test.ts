/** config/ranges.ts is what validateChainConfig enforces: each range's ends pass, one past them fails. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  BPS,
  CHAIN_AMOUNT_MINS,
  CHAIN_RANGES,
  ConfigError,
  createChainConfig,
  describeIntRange,
  devnetPreset,
  parseIntInRange,
  type ChainConfigInput,
  type ChainIntField,
} from "../../src/index.js";

const test = suite("config ranges");

/** Other fields set so that `field`'s own range is the binding one (cross-field rules relaxed). */
const roomFor: Partial<Record<ChainIntField, ChainConfigInput>> = {
  maxWindowMisses: { genesisTime: 0, missWindow: CHAIN_RANGES.missWindow.max },
  missWindow: { genesisTime: 0, maxWindowMisses: CHAIN_RANGES.maxWindowMisses.min },
  unbondingEpochs: { genesisTime: 0, evidenceEpochs: CHAIN_RANGES.evidenceEpochs.min },
  evidenceEpochs: { genesisTime: 0, unbondingEpochs: CHAIN_RANGES.unbondingEpochs.max },
};

const fieldError = (input: ChainConfigInput, field: string): ConfigError | null => {
  try {
    createChainConfig(input);
    return null;
  } catch (e) {
    if (e instanceof ConfigError && e.type.field === field) return e;
    throw e;
  }
};

test("every integer field: both ends accepted, one past either end refused in the range's words", () => {
  for (const [field, r] of Object.entries(CHAIN_RANGES) as [ChainIntField, { min: number; max: number }][]) {
    const base = roomFor[field] ?? { genesisTime: 0 };
    for (const ok of [r.min, r.max]) assert.is(fieldError({ ...base, [field]: ok }, field), null, `${field} = ${ok}`);
    for (const bad of [r.min - 1, r.max + 1]) {
      const e = fieldError({ ...base, [field]: bad }, field);
      assert.ok(e, `${field} = ${bad} refused`);
      assert.is(e!.type.expected, describeIntRange(r), field);
    }
  }
});

test("the cross-field rules stay: maxWindowMisses < missWindow, unbondingEpochs >= evidenceEpochs + 2", () => {
  assert.ok(fieldError({ genesisTime: 0, missWindow: 8, maxWindowMisses: 8 }, "maxWindowMisses"));
  assert.is(fieldError({ genesisTime: 0, missWindow: 8, maxWindowMisses: 7 }, "maxWindowMisses"), null);
  assert.ok(fieldError({ genesisTime: 0, evidenceEpochs: 5, unbondingEpochs: 6 }, "unbondingEpochs"));
  assert.is(fieldError({ genesisTime: 0, evidenceEpochs: 5, unbondingEpochs: 7 }, "unbondingEpochs"), null);
});

test("amount minimums", () => {
  assert.ok(fieldError({ genesisTime: 0, minStake: CHAIN_AMOUNT_MINS.minStake - 1n }, "minStake"));
  assert.is(fieldError({ genesisTime: 0, minStake: CHAIN_AMOUNT_MINS.minStake, minFee: CHAIN_AMOUNT_MINS.minFee }, "minStake"), null);
});

test("devnetPreset is inside every range; basis points are out of BPS", () => {
  for (const [field, r] of Object.entries(CHAIN_RANGES) as [ChainIntField, { min: number; max: number }][]) {
    if (field === "genesisTime") continue;
    const v = devnetPreset[field];
    assert.ok(v >= r.min && v <= r.max, `${field} = ${v}`);
  }
  assert.is(BPS, 10_000n);
  assert.is(CHAIN_RANGES.leakRateBps.max, Number(BPS));
});

test("parseIntInRange: decimal text or a safe integer, within the range", () => {
  const r = { min: 1, max: 10 };
  assert.equal(["1", "10", 5, "-1", "11", "1.5", "", " 3", "x", 2.5, 1e300].map((v) => parseIntInRange(v, r)), [1, 10, 5, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  assert.is(describeIntRange(r), "an integer in [1, 10]");
  assert.is(describeIntRange({ min: 0, max: Number.MAX_SAFE_INTEGER }), "an integer >= 0");
});

test.run();
