import { SequencerStatus } from "../types/enums.js";
import type { Mechanism } from "./types.js";

/** Proof of authority: every authority (sequencer not exited, bond >= minStake) has weight 1. */
export const poaMechanism: Mechanism = {
  name: "poa",
  weights(state, config) {
    const out = [];
    for (let i = 0; i < state.sequencers.length; i++) {
      const s = state.sequencers[i];
      if (s.status !== SequencerStatus.exited && s.stake >= config.minStake) out.push({ index: i, weight: 1n });
    }
    return out;
  },
};
