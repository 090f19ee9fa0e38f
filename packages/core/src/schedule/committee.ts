/**
 * The committee of an epoch: drawn by weight, without replacement, from the seed alone.
 * Weights come from the genesis mechanism (`pos`: stake, `poa`: 1 each).
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { sha256, uint64Bytes } from "../crypto/hash.js";
import { getMechanism, type WeightedSequencer } from "../mechanism/index.js";
import { SequencerStatus } from "../types/enums.js";
import type { EpochCommittee, State } from "../types/ssz.js";
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
 * the state's randaoMix. If the mechanism finds nobody eligible (every stake below
 * minStake, say), every sequencer not exited is eligible with weight 1: the chain must not
 * halt for want of a leader. With no such sequencer at all, the committee is empty.
 *
 * A sampled committee (0 < committeeSize < eligible) shares its slots equally
 * (equalShares): its members were already drawn in proportion to weight, and sharing the
 * slots by weight as well would count stake twice (expected slots ~ weight², favouring the
 * largest stakers). Its members keep their weights for fork choice. A committee of every
 * eligible sequencer (committeeSize 0, or at least the eligible count) shares slots by weight.
 */
export function computeEpochCommittee(state: State, config: ChainConfig, epoch: number): EpochCommittee {
  const seed = computeCommitteeSeed(state.randaoMix, epoch);
  let weights = getMechanism(config.mechanism)
    .weights(state, config, epoch)
    .filter((w) => w.weight > 0n);
  if (weights.length === 0) {
    weights = [];
    for (let index = 0; index < state.sequencers.length; index++) {
      if (state.sequencers[index].status !== SequencerStatus.exited) weights.push({ index, weight: 1n });
    }
  }
  const sampled = config.committeeSize > 0 && config.committeeSize < weights.length;
  return { epoch, seed, members: selectCommittee(weights, seed, config.committeeSize), equalShares: sampled };
}
