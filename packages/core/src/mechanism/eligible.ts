/** Who may be weighed at all, whatever the mechanism. */
import type { ChainConfig } from "../config/chainConfig.js";
import { SequencerStatus } from "../types/enums.js";
import type { Sequencer } from "../types/ssz.js";
import { committedStake } from "./stake.js";

/** Not exited (which covers slashed and evicted). Ejected sequencers stay in committees: their slots fall to fallbacks. */
export function isCandidate(s: Sequencer): boolean {
  return s.status !== SequencerStatus.exited && !s.evicted && !s.slashed;
}

/** Candidates whose committed stake is at least `min`, with that stake. */
export function stakedCandidates(sequencers: readonly Sequencer[], config: ChainConfig, min: bigint): { index: number; stake: bigint }[] {
  const out = [];
  for (let i = 0; i < sequencers.length; i++) {
    const s = sequencers[i];
    if (!isCandidate(s)) continue;
    const stake = committedStake(s, config);
    if (stake >= min) out.push({ index: i, stake });
  }
  return out;
}
