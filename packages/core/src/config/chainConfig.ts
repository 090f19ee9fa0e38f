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
import { MAX_PAYLOAD_BYTES, MAX_TXS_PER_BATCH } from "../types/ssz.js";

/** The miss window is a u64 bitmask of a sequencer's last led slots (Sequencer.missBits). */
export const MAX_MISS_WINDOW = 64;
import { intField, parseAmount } from "./fields.js";
import { parseGovernance, type GovernanceConfig } from "./governance.js";

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
  intField(c.chainId, "chainId", 1, 2 ** 32 - 1);
  intField(c.genesisTime, "genesisTime", 0, 2 ** 52);
  intField(c.slotMs, "slotMs", 50, 600_000);
  intField(c.slotsPerEpoch, "slotsPerEpoch", 1, 1 << 16);
  intField(c.committeeSize, "committeeSize", 0, 1 << 16);
  intField(c.missesToEject, "missesToEject", 1, 1 << 16);
  intField(c.missWindow, "missWindow", 1, MAX_MISS_WINDOW);
  intField(c.maxWindowMisses, "maxWindowMisses", 0, c.missWindow - 1);
  intField(c.restartGraceEpochs, "restartGraceEpochs", 0, 64);
  intField(c.evidenceEpochs, "evidenceEpochs", 1, 1 << 16);
  // Stake counted in the committee of epoch e is measured at the end of e-2; withdrawn during
  // e-1 it must stay slashable through e and the evidence window after it (docs/mechanisms.md).
  intField(c.unbondingEpochs, "unbondingEpochs", c.evidenceEpochs + 2, 1 << 20);
  intField(c.leakRateBps, "leakRateBps", 0, 10_000);
  parseAmount(c.minStake, "minStake", 1n);
  intField(c.slashFractionBps, "slashFractionBps", 0, 10_000);
  parseAmount(c.minFee, "minFee");
  intField(c.maxBatchTxs, "maxBatchTxs", 1, MAX_TXS_PER_BATCH);
  intField(c.maxPayloadBytes, "maxPayloadBytes", 0, MAX_PAYLOAD_BYTES);
  intField(c.clockDisparityMs, "clockDisparityMs", 0, 60_000);
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
