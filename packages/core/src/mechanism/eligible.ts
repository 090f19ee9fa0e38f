/** Who may be weighed at all, whatever the mechanism. */
import { SequencerStatus } from "../types/enums.js";
import type { Sequencer } from "../types/ssz.js";

/** Not exited (which covers slashed and evicted). Ejected sequencers stay in committees: their slots fall to fallbacks. */
export function isCandidate(s: Sequencer): boolean {
  return s.status !== SequencerStatus.exited && !s.evicted && !s.slashed;
}

/**
 * The committed stake of a mechanism that counts the native token only: the stake plus what
 * the sequencer withdrew with restake=true and owes back (it keeps its place in committee draws).
 */
export const nativeCommittedStake = (s: Pick<Sequencer, "stake" | "restakeOwed">): bigint => s.stake + s.restakeOwed;

/** Candidates whose committed stake (`committed`: the mechanism's measure) is at least `min`, with that stake. */
export function stakedCandidates(
  sequencers: readonly Sequencer[],
  min: bigint,
  committed: (s: Sequencer) => bigint = nativeCommittedStake,
): { index: number; stake: bigint }[] {
  const out = [];
  for (let i = 0; i < sequencers.length; i++) {
    const s = sequencers[i];
    if (!isCandidate(s)) continue;
    const stake = committed(s);
    if (stake >= min) out.push({ index: i, stake });
  }
  return out;
}
