import type { ChainConfig } from "../config/chainConfig.js";
import type { State } from "../types/ssz.js";

export interface WeightedSequencer {
  index: number;
  weight: bigint;
}

/**
 * A selection mechanism turns the state into weights. Only sequencers with weight > 0 are
 * eligible for a committee. Pure and deterministic: every node computes the same weights.
 */
export interface Mechanism {
  readonly name: string;
  weights(state: State, config: ChainConfig): WeightedSequencer[];
}
