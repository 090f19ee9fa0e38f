import { TxKind } from "../types/enums.js";
import { stakedCandidates } from "./eligible.js";
import { minStakeOf } from "./stake.js";
import type { Mechanism } from "./types.js";

/**
 * Proof of authority: every authority (a candidate whose stake covers the bond,
 * mechanismParams.bond, 0 = none) has weight 1. Genesis lists the authorities; governance
 * adds them (admit tx) and removes them (evict tx); a stake tx cannot make a new one.
 */
export const poaMechanism: Mechanism = {
  name: "poa",
  txKinds: [TxKind.admit],
  weights(state, config) {
    return stakedCandidates(state.sequencers, config, minStakeOf(config)).map((c) => ({ index: c.index, weight: 1n }));
  },
};
