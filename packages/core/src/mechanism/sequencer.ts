/** A new sequencer under a given mechanism: the common record with the mechanism's own fields. */
import { createSequencer, SCORE_ONE_PPM, type NewSequencerArgs } from "../state/sequencer.js";
import type { Sequencer } from "../types/ssz.js";
import type { Mechanism, MechanismConfig } from "./types.js";

export function newSequencerOf<P>(m: Mechanism<string, P>, config: MechanismConfig<P>, a: NewSequencerArgs): Sequencer {
  const tokens = m.extraStakeTokens?.(config) ?? 0;
  return createSequencer(a, {
    tokenStakes: Array.from({ length: tokens }, (_, t) => a.tokenStakes?.[t] ?? 0n),
    commissionBps: a.commissionBps ?? 0,
    score: SCORE_ONE_PPM,
    probationUntil: 0,
    ...m.sequencerFields?.(config, a),
  });
}
