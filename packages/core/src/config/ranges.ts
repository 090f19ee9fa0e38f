/**
 * The one place that names the accepted range of each chain parameter. validateChainConfig
 * (genesis validation) reads it, and so do the tools that take these parameters as flags or
 * environment variables (baton genesis/devnet/chaos/sim, the docker cluster): a range is
 * written here once, and a value out of range is refused everywhere with the same words.
 *
 * Ranges that depend on another field (maxWindowMisses < missWindow, unbondingEpochs >=
 * evidenceEpochs + 2) are the widest static bounds here; chainConfig.ts adds the cross-field
 * rule.
 */
import { MAX_PAYLOAD_BYTES, MAX_TXS_PER_BATCH } from "../types/ssz.js";
import type { ChainParams } from "./chainParams.js";

/** Basis points in one whole: 10_000 bps = 100 %. */
export const BPS = 10_000n;

/** The miss window is a u64 bitmask of a sequencer's last led slots (Sequencer.missBits). */
export const MAX_MISS_WINDOW = 64;

/** An inclusive integer range. */
export interface IntRange {
  readonly min: number;
  readonly max: number;
}

/** The integer-valued fields of ChainConfig (all in ChainParams: the mechanism's own are in mechanismParams). */
export type ChainIntField = { [K in keyof ChainParams]: ChainParams[K] extends number ? K : never }[keyof ChainParams];

/** The accepted range of every integer chain parameter. */
export const CHAIN_RANGES = {
  chainId: { min: 1, max: 2 ** 32 - 1 },
  /** unix ms of slot 0 */
  genesisTime: { min: 0, max: 2 ** 52 },
  slotMs: { min: 50, max: 600_000 },
  slotsPerEpoch: { min: 1, max: 1 << 16 },
  /** 0 = every eligible sequencer */
  committeeSize: { min: 0, max: 1 << 16 },
  missesToEject: { min: 1, max: 1 << 16 },
  missWindow: { min: 1, max: MAX_MISS_WINDOW },
  /** and at most missWindow - 1 */
  maxWindowMisses: { min: 0, max: MAX_MISS_WINDOW - 1 },
  restartGraceEpochs: { min: 0, max: 64 },
  evidenceEpochs: { min: 1, max: 1 << 16 },
  /** and at least evidenceEpochs + 2 */
  unbondingEpochs: { min: 1 + 2, max: 1 << 20 },
  leakRateBps: { min: 0, max: Number(BPS) },
  slashFractionBps: { min: 0, max: Number(BPS) },
  maxBatchTxs: { min: 1, max: MAX_TXS_PER_BATCH },
  maxPayloadBytes: { min: 0, max: MAX_PAYLOAD_BYTES },
  clockDisparityMs: { min: 0, max: 60_000 },
} as const satisfies Record<ChainIntField, IntRange>;

/** The least value of each amount-valued chain parameter (every amount is also < 2^64). */
export const CHAIN_AMOUNT_MINS = {
  minStake: 1n,
  minFee: 0n,
} as const satisfies Record<"minStake" | "minFee", bigint>;

/**
 * "an integer in [50, 600000]": how a range is worded, the same words genesis validation
 * (intField) uses, so a flag and a genesis file out of range read alike.
 */
export function describeIntRange(r: IntRange): string {
  return r.max === Number.MAX_SAFE_INTEGER ? `an integer >= ${r.min}` : `an integer in [${r.min}, ${r.max}]`;
}

/**
 * The integer parser for text from outside (flags, environment, config files): a safe-integer
 * number, or decimal digits with an optional minus sign, within `r`. undefined if it is not one.
 */
export function parseIntInRange(v: unknown, r: IntRange): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?[0-9]+$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n >= r.min && n <= r.max ? n : undefined;
}
