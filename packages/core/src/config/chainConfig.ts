/**
 * Chain parameters every node must agree on (they come from genesis). Typed, with
 * presets, validated at creation: a bad value names the field and the expected form.
 */
import { ConfigError } from "../errors.js";
import { MAX_PAYLOAD_BYTES, MAX_TXS_PER_BATCH } from "../types/ssz.js";

export type MechanismName = "pos" | "poa";
export const MECHANISM_NAMES: readonly MechanismName[] = ["pos", "poa"];

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
}

export const devnetPreset: Omit<ChainConfig, "genesisTime"> = {
  chainId: 31337,
  slotMs: 500,
  slotsPerEpoch: 16,
  committeeSize: 0,
  missesToEject: 3,
  leakRateBps: 100,
  minStake: 1_000n,
  slashFractionBps: 5_000,
  minFee: 1n,
  maxBatchTxs: 2_000,
  maxPayloadBytes: 1_024,
  clockDisparityMs: 250,
  mechanism: "pos",
};

export const testPreset: Omit<ChainConfig, "genesisTime"> = {
  ...devnetPreset,
  chainId: 1,
  slotMs: 1000,
  slotsPerEpoch: 8,
};

function intField(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new ConfigError(field, `an integer in [${min}, ${max}]`, v);
  }
  return v;
}

/** Accepts a bigint, a safe integer number, or a decimal string. */
export function parseAmount(v: unknown, field: string, min = 0n): bigint {
  let out: bigint | undefined;
  if (typeof v === "bigint") out = v;
  else if (typeof v === "number" && Number.isSafeInteger(v)) out = BigInt(v);
  else if (typeof v === "string" && /^[0-9]{1,20}$/.test(v)) out = BigInt(v);
  if (out === undefined || out < min || out >= 1n << 64n) {
    throw new ConfigError(field, `an amount: a non-negative integer (number or decimal string) >= ${min} and < 2^64`, v);
  }
  return out;
}

export function validateChainConfig(c: ChainConfig): ChainConfig {
  intField(c.chainId, "chainId", 1, 2 ** 32 - 1);
  intField(c.genesisTime, "genesisTime", 0, 2 ** 52);
  intField(c.slotMs, "slotMs", 50, 600_000);
  intField(c.slotsPerEpoch, "slotsPerEpoch", 1, 1 << 16);
  intField(c.committeeSize, "committeeSize", 0, 1 << 16);
  intField(c.missesToEject, "missesToEject", 1, 1 << 16);
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
  return c;
}

/** Fills defaults from a preset and validates. */
export function createChainConfig(
  partial: Partial<ChainConfig> & { genesisTime: number },
  preset: Omit<ChainConfig, "genesisTime"> = devnetPreset,
): ChainConfig {
  return validateChainConfig({ ...preset, ...partial });
}

export const computeEpoch = (c: Pick<ChainConfig, "slotsPerEpoch">, slot: number): number => Math.floor(slot / c.slotsPerEpoch);
export const epochStartSlot = (c: Pick<ChainConfig, "slotsPerEpoch">, epoch: number): number => epoch * c.slotsPerEpoch;
/** The slot at unix ms `now`: slot = floor((now - genesisTime) / slotMs), 0 before genesis. */
export const slotAtTime = (c: Pick<ChainConfig, "genesisTime" | "slotMs">, now: number): number =>
  now < c.genesisTime ? 0 : Math.floor((now - c.genesisTime) / c.slotMs);
export const slotStartTime = (c: Pick<ChainConfig, "genesisTime" | "slotMs">, slot: number): number => c.genesisTime + slot * c.slotMs;
