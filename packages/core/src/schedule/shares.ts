/**
 * Slots of an epoch shared among committee members in proportion to weight, by largest
 * remainder (Hamilton): every member gets floor(slots × w / W); the slots left over go one
 * each to the largest remainders. Ties go to the lower sequencer index, or, given a seed,
 * to the member ranked first by shuffleList(members, sha256(seed ‖ "shares")).
 *
 * Why a seeded tie-break in the schedule: equal weights tie every epoch (all of them under
 * poa), so "lower index first" would hand the same members the extra slots forever (poa,
 * 5 authorities, 8 slots: sequencers 0-2 would lead twice as often as 3-4).
 */
import { sha256 } from "../crypto/hash.js";
import type { WeightedSequencer } from "../mechanism/types.js";
import { ScheduleError, ScheduleErrorCode } from "./errors.js";
import { shuffleList } from "./shuffle.js";

const SHARES_TIE_DOMAIN = new TextEncoder().encode("shares");

function invalid(detail: string): ScheduleError {
  return new ScheduleError({ code: ScheduleErrorCode.INVALID_ARGUMENT, detail });
}

/**
 * shares[k] is the number of slots of members[k] (same order as `members`); the shares sum
 * to slotsPerEpoch, and each differs from its exact quota slots × w / W by less than one.
 * Throws on an empty committee or a negative weight. If every weight is 0, members share
 * equally (same rule, weight 1 each).
 */
export function computeSlotShares(
  members: readonly WeightedSequencer[],
  slotsPerEpoch: number,
  tieBreakSeed?: Uint8Array,
): number[] {
  if (members.length === 0) throw invalid("no committee members to share slots among");
  if (!Number.isSafeInteger(slotsPerEpoch) || slotsPerEpoch < 0) throw invalid(`slotsPerEpoch ${slotsPerEpoch}`);
  let total = 0n;
  for (const m of members) {
    if (m.weight < 0n) throw invalid(`negative weight for sequencer ${m.index}`);
    total += m.weight;
  }
  const weightOf = total === 0n ? () => 1n : (m: WeightedSequencer) => m.weight;
  if (total === 0n) total = BigInt(members.length);

  const slots = BigInt(slotsPerEpoch);
  const shares: number[] = [];
  const remainders: bigint[] = [];
  let assigned = 0;
  for (const m of members) {
    const quota = slots * weightOf(m);
    const share = Number(quota / total);
    shares.push(share);
    remainders.push(quota % total);
    assigned += share;
  }
  // Fewer than members.length slots are left (each remainder is < one slot).
  const tieRank = tieBreakRanks(members, tieBreakSeed);
  const byRemainder = members.map((_, k) => k);
  byRemainder.sort((a, b) => {
    if (remainders[a] !== remainders[b]) return remainders[b] > remainders[a] ? 1 : -1;
    return tieRank[a] - tieRank[b];
  });
  for (let k = 0; k < slotsPerEpoch - assigned; k++) shares[byRemainder[k]]++;
  return shares;
}

/** Lower rank wins a tie: the sequencer index, or the position in a seeded shuffle. */
function tieBreakRanks(members: readonly WeightedSequencer[], seed: Uint8Array | undefined): number[] {
  if (seed === undefined) return members.map((m) => m.index);
  const rank = new Array<number>(members.length);
  shuffleList(members.length, sha256(seed, SHARES_TIE_DOMAIN)).forEach((k, position) => (rank[k] = position));
  return rank;
}
