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
import { intField, parseAmount } from "./fields.js";
import { parseGovernance, type GovernanceConfig } from "./governance.js";
import { CHAIN_AMOUNT_MINS, CHAIN_RANGES, type ChainIntField } from "./ranges.js";

export { MECHANISM_NAMES, parseAmount, type MechanismName };

export interface ChainConfig {
  chainId: number;
  /** unix ms of slot 0 */
  genesisTime: number;
  slotMs: number;
  slotsPerEpoch: number;
  /** members drawn per epoch; 0 = every eligible sequencer */
  committeeSize: number;
  /** consecutive misses that eject a sequencer */
  missesToEject: number;
  /** the miss window: a sequencer is also ejected when more than maxWindowMisses of the last missWindow slots it led were missed (1..64) */
  missWindow: number;
  maxWindowMisses: number;
  /** after genesis and after a whole-network outage, misses do not eject until this many epoch starts have passed (nodes are still starting) */
  restartGraceEpochs: number;
  /** equivocation evidence is accepted for headers of the current epoch and the evidenceEpochs before it */
  evidenceEpochs: number;
  /** withdrawn stake (unstake, undelegate) is paid this many epochs later, slashable until then; >= evidenceEpochs + 2 */
  unbondingEpochs: number;
  /** stake leaked per epoch while ejected, in basis points, times the epochs since ejection */
  leakRateBps: number;
  /** below this stake a sequencer is exited */
  minStake: bigint;
  /** share of stake an equivocating sequencer loses, basis points */
  slashFractionBps: number;
  minFee: bigint;
  maxBatchTxs: number;
  maxPayloadBytes: number;
  /** how far (ms) a batch may be ahead of the local clock and still be accepted */
  clockDisparityMs: number;
  mechanism: MechanismName;
  /** the mechanism's own parameters (mechanism/params.ts), defaults filled in */
  mechanismParams: MechanismParams;
  governance: GovernanceConfig;
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

export const computeEpoch = (c: Pick<ChainConfig, "slotsPerEpoch">, slot: number): number => Math.floor(slot / c.slotsPerEpoch);
export const epochStartSlot = (c: Pick<ChainConfig, "slotsPerEpoch">, epoch: number): number => epoch * c.slotsPerEpoch;
/** The slot at unix ms `now`: slot = floor((now - genesisTime) / slotMs), 0 before genesis. */
export const slotAtTime = (c: Pick<ChainConfig, "genesisTime" | "slotMs">, now: number): number =>
  now < c.genesisTime ? 0 : Math.floor((now - c.genesisTime) / c.slotMs);
export const slotStartTime = (c: Pick<ChainConfig, "genesisTime" | "slotMs">, slot: number): number => c.genesisTime + slot * c.slotMs;
