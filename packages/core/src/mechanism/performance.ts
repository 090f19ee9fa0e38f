/**
 * performance: weight = committed stake × score. The score (ppm) is an exponential moving
 * average of how well a sequencer led its slots, updated at every epoch transition in which it
 * had slots, from the sample produced / (produced + missWeight × missed): a miss costs as much
 * as missWeight (default 4) batches are worth, so a sequencer that misses 20% of its slots
 * settles at half the score of a reliable one (0.8 / (0.8 + 4 × 0.2)). Half-life:
 * mechanismParams.halfLifeEpochs such epochs (default 8: a sequencer that starts missing
 * everything falls from 1.0 to 0.5 in 8 of its epochs, to 0.25 in 16), never below
 * floorScorePpm. A sequencer admitted after genesis starts at initialScorePpm and its score is
 * capped there while on probation (probationEpochs). The bond it must hold, baseBond +
 * bondPerTx × txVolume, grows with the recent tx volume (an EMA of user txs per epoch).
 */
import type { ChainConfig } from "../config/chainConfig.js";
import type { StateDraft } from "../transition/draft.js";
import type { Sequencer, State } from "../types/ssz.js";
import { isCandidate } from "./eligible.js";
import { emaStep, keepFactorPpm, PPM } from "./ema.js";
import { paramsOf } from "./params.js";
import { committedStake } from "./stake.js";
import type { Mechanism } from "./types.js";

/** The bond every performance sequencer must hold now (at least minStake). */
export function requiredBond(state: State, config: ChainConfig): bigint {
  const p = paramsOf(config, "performance");
  const bond = p.baseBond + p.bondPerTx * BigInt(state.txVolume);
  return bond > config.minStake ? bond : config.minStake;
}

/** The score that counts for `epoch`: capped at the initial score while on probation. */
export function effectiveScore(s: Sequencer, config: ChainConfig, epoch: number): number {
  const p = paramsOf(config, "performance");
  return epoch < s.probationUntil ? Math.min(s.score, p.initialScorePpm) : s.score;
}

/** The score after one epoch with `produced` and `missed` slots (unchanged if it had none). */
export function nextScore(score: number, produced: number, missed: number, config: ChainConfig): number {
  const p = paramsOf(config, "performance");
  if (produced + missed === 0) return score;
  const sample = BigInt(Math.floor((produced * PPM) / (produced + p.missWeight * missed)));
  const next = Number(emaStep(BigInt(score), sample, keepFactorPpm(p.halfLifeEpochs)));
  return Math.max(next, p.floorScorePpm);
}

export const performanceMechanism: Mechanism = {
  name: "performance",
  txKinds: [],
  weights(state, config, epoch) {
    const bond = requiredBond(state, config);
    const out = [];
    for (let i = 0; i < state.sequencers.length; i++) {
      const s = state.sequencers[i];
      if (!isCandidate(s)) continue;
      const stake = committedStake(s, config);
      if (stake < bond) continue;
      const weight = (stake * BigInt(effectiveScore(s, config, epoch))) / BigInt(PPM);
      if (weight > 0n) out.push({ index: i, weight });
    }
    return out;
  },
  processEpoch(draft: StateDraft, config: ChainConfig) {
    const p = paramsOf(config, "performance");
    const sequencers = draft.state.sequencers;
    for (let i = 0; i < sequencers.length; i++) {
      const s = sequencers[i];
      const score = nextScore(s.score, s.produced - s.lastProduced, s.misses - s.lastMisses, config);
      if (score !== s.score) draft.sequencer(i).score = score;
    }
    const volume = emaStep(BigInt(draft.state.txVolume), BigInt(draft.state.epochTxs), keepFactorPpm(p.volumeHalfLifeEpochs));
    draft.state.txVolume = Number(volume);
  },
};
