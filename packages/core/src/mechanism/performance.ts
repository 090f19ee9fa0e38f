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
import type { Sequencer, State } from "../types/ssz.js";
import { isCandidate, nativeCommittedStake } from "./eligible.js";
import { emaStep, keepFactorPpm, PPM } from "./ema.js";
import { paramsFor, type Mechanism, type MechanismConfig, type ParamReader } from "./types.js";

/** performance: weight = stake × score; the bond grows with recent tx volume. */
export interface PerformanceParams {
  /** epochs (in which the sequencer led slots) for the score EMA to move halfway to its new level */
  halfLifeEpochs: number;
  /** a missed slot weighs as much as this many produced ones in an epoch's sample */
  missWeight: number;
  /** score of a newly admitted sequencer, and its cap while on probation */
  initialScorePpm: number;
  /** the score never falls below this, so a bad spell is not exile */
  floorScorePpm: number;
  probationEpochs: number;
  baseBond: bigint;
  /** bond added per user tx of recent volume (EMA of txs per epoch) */
  bondPerTx: bigint;
  volumeHalfLifeEpochs: number;
}

const defaultPerformanceParams = (): PerformanceParams => ({
  halfLifeEpochs: 8,
  missWeight: 4,
  initialScorePpm: 500_000,
  floorScorePpm: 50_000,
  probationEpochs: 16,
  baseBond: 1_000n,
  bondPerTx: 1n,
  volumeHalfLifeEpochs: 4,
});

function parsePerformanceParams(read: ParamReader): PerformanceParams {
  const floorScorePpm = read.int("floorScorePpm", 0, PPM);
  return {
    halfLifeEpochs: read.int("halfLifeEpochs", 1, 1 << 16),
    missWeight: read.int("missWeight", 1, 1_000),
    initialScorePpm: read.int("initialScorePpm", floorScorePpm, PPM),
    floorScorePpm,
    probationEpochs: read.int("probationEpochs", 0, 1 << 16),
    baseBond: read.amount("baseBond", 1n),
    bondPerTx: read.amount("bondPerTx"),
    volumeHalfLifeEpochs: read.int("volumeHalfLifeEpochs", 1, 1 << 16),
  };
}

/** The params of a performance chain (throws if the chain runs another mechanism). */
export const performanceParams = (config: MechanismConfig): PerformanceParams => paramsFor<PerformanceParams>("performance", config);

/** The bond every performance sequencer must hold now (at least minStake). */
export function requiredBond(state: State, config: MechanismConfig): bigint {
  const p = performanceParams(config);
  const bond = p.baseBond + p.bondPerTx * BigInt(state.txVolume);
  return bond > config.minStake ? bond : config.minStake;
}

/** The score that counts for `epoch`: capped at the initial score while on probation. */
export function effectiveScore(s: Sequencer, config: MechanismConfig, epoch: number): number {
  const p = performanceParams(config);
  return epoch < s.probationUntil ? Math.min(s.score, p.initialScorePpm) : s.score;
}

/** The score after one epoch with `produced` and `missed` slots (unchanged if it had none). */
export function nextScore(score: number, produced: number, missed: number, config: MechanismConfig): number {
  const p = performanceParams(config);
  if (produced + missed === 0) return score;
  const sample = BigInt(Math.floor((produced * PPM) / (produced + p.missWeight * missed)));
  const next = Number(emaStep(BigInt(score), sample, keepFactorPpm(p.halfLifeEpochs)));
  return Math.max(next, p.floorScorePpm);
}

export const performanceMechanism: Mechanism<"performance", PerformanceParams> = {
  name: "performance",
  defaultParams: defaultPerformanceParams,
  parseParams: parsePerformanceParams,
  weights(state, config, epoch) {
    const bond = requiredBond(state, config);
    const out = [];
    for (let i = 0; i < state.sequencers.length; i++) {
      const s = state.sequencers[i];
      if (!isCandidate(s)) continue;
      const stake = nativeCommittedStake(s);
      if (stake < bond) continue;
      const weight = (stake * BigInt(effectiveScore(s, config, epoch))) / BigInt(PPM);
      if (weight > 0n) out.push({ index: i, weight });
    }
    return out;
  },
  processEpoch(draft, config) {
    const p = config.mechanismParams;
    const sequencers = draft.state.sequencers;
    for (let i = 0; i < sequencers.length; i++) {
      const s = sequencers[i];
      const score = nextScore(s.score, s.produced - s.lastProduced, s.misses - s.lastMisses, config);
      if (score !== s.score) draft.sequencer(i).score = score;
    }
    const volume = emaStep(BigInt(draft.state.txVolume), BigInt(draft.state.epochTxs), keepFactorPpm(p.volumeHalfLifeEpochs));
    draft.state.txVolume = Number(volume);
  },
  /** admitted after genesis: on probation, at the initial score */
  sequencerFields(config, a) {
    const p = config.mechanismParams;
    return a.epoch === null ? {} : { score: p.initialScorePpm, probationUntil: a.epoch + p.probationEpochs };
  },
  txs: [],
};
