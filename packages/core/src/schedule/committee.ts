/**
 * The committee of an epoch: drawn by weight, without replacement, from the seed alone.
 * Weights come from the genesis mechanism (`pos`: stake, `poa`: 1 each).
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { sha256, uint64Bytes } from "../crypto/hash.js";
import { mechanismOf } from "../mechanism/registry.js";
import { holdsStake } from "../mechanism/stake.js";
import type { WeightedSequencer } from "../mechanism/types.js";
import { SequencerStatus } from "../types/enums.js";
import { MAX_AMOUNT, type EpochCommittee, type State } from "../types/ssz.js";
import { ScheduleError, ScheduleErrorCode } from "./errors.js";
import { shuffleList } from "./shuffle.js";

/** Domain of the committee seed, so it can never equal another seed mixed from randaoMix. */
export const COMMITTEE_SEED_DOMAIN: Uint8Array = new TextEncoder().encode("committee");
/** Random values are 16-bit, as in Ethereum's compute_proposer_index (electra). */
const MAX_RANDOM_VALUE = 2 ** 16 - 1;
const RANDOM_VALUES_PER_HASH = 16;
/**
 * Passes over the shuffled candidates before selection stops weighing. The heaviest
 * candidate is always accepted, so this only binds when the remaining weights are tiny
 * next to the largest (e.g. < 1/64 of it); those seats then go to the heaviest remaining
 * candidates, ties by shuffled position. It caps the work at 64 × candidates draws.
 */
export const MAX_SELECTION_PASSES = 64;

/** seed = sha256(randaoMix ‖ uint64(epoch) ‖ "committee"). */
export function computeCommitteeSeed(randaoMix: Uint8Array, epoch: number): Uint8Array {
  return sha256(randaoMix, uint64Bytes(epoch), COMMITTEE_SEED_DOMAIN);
}

function invalid(detail: string): ScheduleError {
  return new ScheduleError({ code: ScheduleErrorCode.INVALID_ARGUMENT, detail });
}

/** Weight > 0 only, sorted by index (so the input order never matters); duplicates throw. */
function eligibleByIndex(weights: readonly WeightedSequencer[]): WeightedSequencer[] {
  const out = weights.filter((w) => w.weight > 0n).map((w) => ({ index: w.index, weight: w.weight }));
  out.sort((a, b) => a.index - b.index);
  for (let k = 1; k < out.length; k++) {
    if (out[k].index === out[k - 1].index) throw invalid(`sequencer ${out[k].index} weighted twice`);
  }
  return out;
}

/**
 * Draws `committeeSize` members by weight, without replacement. With committeeSize 0 or
 * at least the number of eligible sequencers, everyone with weight > 0 is a member.
 *
 * Otherwise, like compute_proposer_index: walk the candidates in shuffleList order
 * (i = 0, 1, 2, ..., wrapping around), skip those already chosen, and accept candidate c
 * when weight_c × 65535 >= maxWeight × r_i, where r_i is the little-endian uint16 at
 * bytes 2(i mod 16).. of sha256(seed ‖ uint64(i / 16)). Result sorted by index.
 */
export function selectCommittee(
  weights: readonly WeightedSequencer[],
  seed: Uint8Array,
  committeeSize: number,
): WeightedSequencer[] {
  if (!Number.isSafeInteger(committeeSize) || committeeSize < 0) throw invalid(`committeeSize ${committeeSize}`);
  const eligible = eligibleByIndex(weights);
  const n = eligible.length;
  if (committeeSize === 0 || committeeSize >= n) return eligible;

  const order = shuffleList(n, seed);
  let maxWeight = 0n;
  for (const c of eligible) if (c.weight > maxWeight) maxWeight = c.weight;
  // weight × MAX >= maxWeight × r  <=>  r <= floor(weight × MAX / maxWeight), r an integer.
  const threshold = eligible.map((c) => Number((c.weight * BigInt(MAX_RANDOM_VALUE)) / maxWeight));
  const chosen = new Uint8Array(n);
  let count = 0;
  let random: Uint8Array = new Uint8Array(0);
  let randomBlock = -1;
  for (let i = 0; count < committeeSize && i < n * MAX_SELECTION_PASSES; i++) {
    const c = order[i % n];
    if (chosen[c] === 1) continue;
    const block = Math.floor(i / RANDOM_VALUES_PER_HASH);
    if (block !== randomBlock) {
      random = sha256(seed, uint64Bytes(block));
      randomBlock = block;
    }
    const offset = (i % RANDOM_VALUES_PER_HASH) * 2;
    const r = random[offset] | (random[offset + 1] << 8);
    if (r <= threshold[c]) {
      chosen[c] = 1;
      count++;
    }
  }
  if (count < committeeSize) {
    // Bounded: the rest by weight, heaviest first, ties by shuffled position (stable sort).
    const rest = order.filter((c) => chosen[c] === 0);
    rest.sort((a, b) => (eligible[b].weight > eligible[a].weight ? 1 : eligible[b].weight < eligible[a].weight ? -1 : 0));
    for (const c of rest.slice(0, committeeSize - count)) chosen[c] = 1;
  }
  return eligible.filter((_, c) => chosen[c] === 1);
}

/**
 * The committee of `epoch` from `state`: weights from the genesis mechanism, seed from
 * the state's randaoMix. The schedule never runs dry while any sequencer holds stake: if
 * the mechanism finds nobody eligible (every stake below minStake, say), every sequencer
 * not exited is eligible with weight 1; if none is left, every sequencer that still holds
 * stake (exited ones too, but never an evicted one) leads as a last resort, weight 1. Only a
 * chain where no sequencer holds anything has an empty committee.
 *
 * A sampled committee (0 < committeeSize < eligible) shares its slots equally
 * (equalShares): its members were already drawn in proportion to weight, and sharing the
 * slots by weight as well would count stake twice (expected slots ~ weight², favouring the
 * largest stakers). Its members keep their weights for fork choice. A committee of every
 * eligible sequencer (committeeSize 0, or at least the eligible count) shares slots by weight,
 * unless the mechanism shares equally (auction). The mechanism's fallbacks (auction: bonded
 * non-winners) are listed apart: no slots, behind the members in every fallback order.
 */
export function computeEpochCommittee(state: State, config: ChainConfig, epoch: number): EpochCommittee {
  const seed = computeCommitteeSeed(state.randaoMix, epoch);
  const mechanism = mechanismOf(config);
  let weights = mechanism.weights(state, config, epoch).filter((w) => w.weight > 0n);
  let fallbacks: WeightedSequencer[] = [];
  if (weights.length > 0) {
    fallbacks = mechanism.fallbacks?.(state, config, epoch, weights).filter((w) => w.weight > 0n) ?? [];
  } else {
    weights = lastResort(state);
  }
  for (const w of [...weights, ...fallbacks]) {
    if (w.weight > MAX_AMOUNT) throw invalid(`sequencer ${w.index} weighs ${w.weight}, above 2^64 - 1`);
  }
  const sampled = config.committeeSize > 0 && config.committeeSize < weights.length;
  const members = selectCommittee(weights, seed, config.committeeSize);
  const chosen = new Set(members.map((m) => m.index));
  return {
    epoch,
    seed,
    members,
    equalShares: sampled || mechanism.equalShares === true,
    fallbacks: eligibleByIndex(fallbacks).filter((f) => !chosen.has(f.index)),
  };
}

/** Weight 1 for each sequencer not exited; failing that, for each that holds any stake (in any token, even one that weighs 0) and was not evicted. */
function lastResort(state: State): WeightedSequencer[] {
  const notExited: WeightedSequencer[] = [];
  const holding: WeightedSequencer[] = [];
  state.sequencers.forEach((s, index) => {
    if (s.status !== SequencerStatus.exited) notExited.push({ index, weight: 1n });
    else if (!s.evicted && holdsStake(s)) holding.push({ index, weight: 1n });
  });
  return notExited.length > 0 ? notExited : holding;
}
