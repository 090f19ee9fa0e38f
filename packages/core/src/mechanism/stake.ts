/**
 * Stake as the mechanisms count it. `pos` may take several stake tokens: a sequencer's
 * effective stake is Σ amount_t × weightBps_t / 10,000 (token 0 is `stake`, the native token;
 * the others are in `tokenStakes`). Every other mechanism counts the native stake only.
 * The committed stake adds what a sequencer withdrew with restake=true and owes back.
 */
import type { ChainConfig } from "../config/chainConfig.js";
import type { Sequencer } from "../types/ssz.js";
import { paramsOf } from "./params.js";

const BPS = 10_000n;

/** The minimum stake of the chain: under poa, the authorities' bond (0 = none); else minStake. */
export function minStakeOf(config: ChainConfig): bigint {
  return config.mechanism === "poa" ? paramsOf(config, "poa").bond : config.minStake;
}

type StakeFields = Pick<Sequencer, "stake" | "tokenStakes">;

export function effectiveStake(seq: StakeFields, config: ChainConfig): bigint {
  if (config.mechanism !== "pos") return seq.stake;
  const tokens = paramsOf(config, "pos").tokens;
  let total = seq.stake * BigInt(tokens[0].weightBps);
  for (let t = 1; t < tokens.length; t++) total += (seq.tokenStakes[t - 1] ?? 0n) * BigInt(tokens[t].weightBps);
  return total / BPS;
}

/** Effective stake plus the withdrawal owed back (it keeps its place in committee draws). */
export function committedStake(seq: StakeFields & Pick<Sequencer, "restakeOwed">, config: ChainConfig): bigint {
  return effectiveStake(seq, config) + seq.restakeOwed;
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
