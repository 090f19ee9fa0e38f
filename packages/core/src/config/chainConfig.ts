/**
 * Chain parameters every node must agree on (they come from genesis). Typed, with
 * presets, validated at creation: a bad value names the field and the expected form.
 */
import { ConfigError } from "../errors.js";
import {
  MECHANISM_NAMES,
  parseMechanismParams,
  type MechanismName,
  type MechanismParams,
} from "../mechanism/params.js";
import type { ChainParams } from "./chainParams.js";
import { intField, parseAmount } from "./fields.js";
import { parseGovernance } from "./governance.js";
import { CHAIN_AMOUNT_MINS, CHAIN_RANGES, type ChainIntField } from "./ranges.js";

export { MECHANISM_NAMES, parseAmount, type MechanismName };
export { computeEpoch, epochStartSlot, slotAtTime, slotStartTime, type ChainParams } from "./chainParams.js";

export interface ChainConfig extends ChainParams {
  mechanism: MechanismName;
  /** the mechanism's own parameters (its `defaultParams`/`parseParams`), defaults filled in */
  mechanismParams: MechanismParams;
}

/** A preset: everything but genesisTime; mechanism params default per mechanism. */
export type ChainConfigPreset = Omit<ChainConfig, "genesisTime" | "mechanismParams" | "governance">;
/** What createChainConfig takes: params as JSON (amounts may be strings) or typed. */
export type ChainConfigInput = Partial<Omit<ChainConfig, "mechanismParams" | "governance">> & {
  genesisTime: number;
  mechanismParams?: unknown;
  governance?: unknown;
};

export const devnetPreset: ChainConfigPreset = {
  chainId: 31337,
  slotMs: 500,
  slotsPerEpoch: 16,
  committeeSize: 0,
  missesToEject: 3,
  missWindow: 32,
  maxWindowMisses: 16,
  restartGraceEpochs: 2,
  evidenceEpochs: 4,
  unbondingEpochs: 6,
  leakRateBps: 100,
  minStake: 1_000n,
  slashFractionBps: 5_000,
  minFee: 1n,
  maxBatchTxs: 2_000,
  maxPayloadBytes: 1_024,
  clockDisparityMs: 250,
  mechanism: "pos",
};

export const testPreset: ChainConfigPreset = {
  ...devnetPreset,
  chainId: 1,
  slotMs: 1000,
  slotsPerEpoch: 8,
  restartGraceEpochs: 0, // unit tests start every node at once: misses count from slot 1
};

/**
 * Validates every field and returns the config with mechanism params (defaults filled in) and
 * governance parsed. Idempotent: a validated config validates to an equal one.
 */
export function validateChainConfig(c: ChainConfig | (ChainConfigPreset & ChainConfigInput)): ChainConfig {
  // Every range comes from ranges.ts; only the cross-field rules are written here.
  const ranged = (field: ChainIntField, bounds: { min?: number; max?: number } = {}) =>
    intField(c[field], field, bounds.min ?? CHAIN_RANGES[field].min, bounds.max ?? CHAIN_RANGES[field].max);
  ranged("chainId");
  ranged("genesisTime");
  ranged("slotMs");
  ranged("slotsPerEpoch");
  ranged("committeeSize");
  ranged("missesToEject");
  ranged("missWindow");
  ranged("maxWindowMisses", { max: c.missWindow - 1 });
  ranged("restartGraceEpochs");
  ranged("evidenceEpochs");
  // Stake counted in the committee of epoch e is measured at the end of e-2; withdrawn during
  // e-1 it must stay slashable through e and the evidence window after it (docs/mechanisms.md).
  ranged("unbondingEpochs", { min: c.evidenceEpochs + 2 });
  ranged("leakRateBps");
  parseAmount(c.minStake, "minStake", CHAIN_AMOUNT_MINS.minStake);
  ranged("slashFractionBps");
  parseAmount(c.minFee, "minFee", CHAIN_AMOUNT_MINS.minFee);
  ranged("maxBatchTxs");
  ranged("maxPayloadBytes");
  ranged("clockDisparityMs");
  if (!MECHANISM_NAMES.includes(c.mechanism)) {
    throw new ConfigError("mechanism", `one of ${MECHANISM_NAMES.join(", ")}`, c.mechanism);
  }
  return {
    ...c,
    mechanismParams: parseMechanismParams(c.mechanism, c.mechanismParams, c.slotsPerEpoch),
    governance: parseGovernance(c.governance),
  };
}

/** Fills defaults from a preset and validates. */
export function createChainConfig(partial: ChainConfigInput, preset: ChainConfigPreset = devnetPreset): ChainConfig {
  return validateChainConfig({ ...preset, ...partial });
}
