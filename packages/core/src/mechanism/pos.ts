import { SequencerStatus } from "../types/enums.js";
import type { Mechanism } from "./types.js";

/** Proof of stake: weight = stake, for every sequencer not exited with at least minStake. */
export const posMechanism: Mechanism = {
  name: "pos",
  weights(state, config) {
    const out = [];
    for (let i = 0; i < state.sequencers.length; i++) {
      const s = state.sequencers[i];
      if (s.status !== SequencerStatus.exited && s.stake >= config.minStake) out.push({ index: i, weight: s.stake });
    }
    return out;
  },
};
