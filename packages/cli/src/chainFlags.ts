/**
 * Flags that set a chain parameter (baton genesis, devnet, chaos, sim): the default comes from
 * core's devnetPreset and the accepted range from core's CHAIN_RANGES (config/ranges.ts), so
 * neither is written here, and a value out of range is refused in genesis validation's words.
 */
import { CHAIN_RANGES, devnetPreset, type ChainIntField, type IntRange } from "@baton/core";
import { intIn, type FlagSpec, type FlagValues } from "./args.js";

/** The integer chain parameters a preset sets (all but genesisTime). */
export type PresetIntField = Exclude<ChainIntField, "genesisTime">;

/** A flag for chain parameter `field`; help shows devnetPreset's value as the default. */
export function chainFlag(field: PresetIntField, help: string, valueName = "n"): FlagSpec {
  return { type: "string", valueName, help, default: String(devnetPreset[field]) };
}

/**
 * The value of a chain-parameter flag, in core's range for `field`. A tool that cannot use the
 * whole range narrows it with `narrow` (chaos and sim take at least 2 slots per epoch); it can never widen it.
 */
export function chainInt(values: FlagValues, flag: string, field: ChainIntField, narrow: Partial<IntRange> = {}): number {
  return intIn(values, flag, chainRange(field, narrow));
}

export function chainRange(field: ChainIntField, narrow: Partial<IntRange> = {}): IntRange {
  const r = CHAIN_RANGES[field];
  return { min: Math.max(r.min, narrow.min ?? r.min), max: Math.min(r.max, narrow.max ?? r.max) };
}
