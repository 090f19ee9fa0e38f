import { stakedCandidates } from "./eligible.js";
import { minStakeOf } from "./stake.js";
import type { Mechanism } from "./types.js";

/**
 * Proof of stake: weight = committed stake (several stake tokens, each with a genesis weight:
 * see stake.ts), for every candidate with at least minStake.
 */
export const posMechanism: Mechanism = {
  name: "pos",
  txKinds: [],
  weights(state, config) {
    return stakedCandidates(state.sequencers, config, minStakeOf(config)).map((c) => ({ index: c.index, weight: c.stake }));
  },
};
