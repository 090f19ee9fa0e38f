/**
 * Stake as the chain's mechanism counts it (its `effectiveStake`, `minStake`,
 * `extraStakeTokens`; pos weighs several stake tokens, poa's minimum is its bond). The
 * committed stake adds what a sequencer withdrew with restake=true and owes back.
 */
import type { ChainConfig } from "../config/chainConfig.js";
import type { Sequencer } from "../types/ssz.js";
import { mechanismOf } from "./registry.js";
import type { StakeFields } from "./types.js";
import { BPS } from "../config/ranges.js";


/** The minimum stake of the chain: its mechanism's (poa: the authorities' bond, 0 = none), else minStake. */
export function minStakeOf(config: ChainConfig): bigint {
  return mechanismOf(config).minStake?.(config) ?? config.minStake;
}

/** What minStakeOf is called in errors ("minStake", "the bond"). */
export function minStakeName(config: ChainConfig): string {
  return mechanismOf(config).minStakeName ?? "minStake";
}

export function effectiveStake(seq: StakeFields, config: ChainConfig): bigint {
  return mechanismOf(config).effectiveStake?.(seq, config) ?? seq.stake;
}

/** Effective stake plus the withdrawal owed back (it keeps its place in committee draws). */
export function committedStake(seq: StakeFields & Pick<Sequencer, "restakeOwed">, config: ChainConfig): bigint {
  return effectiveStake(seq, config) + seq.restakeOwed;
}

/** Number of non-native stake tokens: their slots in Sequencer.tokenStakes. */
export function extraTokenCount(config: ChainConfig): number {
  return mechanismOf(config).extraStakeTokens?.(config) ?? 0;
}

/** Each non-native token stake reduced by the same fraction (bps × times / 10,000, capped at all of it). */
export function reduceTokenStakes(tokenStakes: readonly bigint[], bps: bigint): bigint[] {
  return tokenStakes.map((a) => {
    const loss = (a * bps) / BPS;
    return loss > a ? 0n : a - loss;
  });
}

/** Whether a sequencer holds any stake at all, in any token, whatever its weight (a token may weigh 0). */
export function holdsStake(seq: StakeFields): boolean {
  return seq.stake > 0n || seq.tokenStakes.some((a) => a > 0n);
}
