/**
 * The schedule of an epoch: which committee member leads each slot, and the fallback order
 * behind it. Stake-weighted (slot shares by largest remainder) and even (the slot list is
 * shuffled with the committee seed).
 */
import { sha256, uint64Bytes } from "../crypto/hash.js";
import { toHex } from "../crypto/hex.js";
import type { WeightedSequencer } from "../mechanism/types.js";
import type { EpochCommittee } from "../types/ssz.js";
import { ScheduleError, ScheduleErrorCode } from "./errors.js";
import { computeSlotShares } from "./shares.js";
import { shuffleList } from "./shuffle.js";

export interface SlotOrder {
  readonly slot: number;
  /** The scheduled leader: order[0], without computing the fallbacks. */
  readonly leader: number;
  /**
   * order[0] is the scheduled leader; order[1..] the other committee members, in fallback
   * order. Computed on first read and kept (a shuffle of the whole committee per slot).
   */
  readonly order: number[];
}

/** Returned frozen and shared through a cache: treat it as read-only. */
export interface EpochSchedule {
  epoch: number;
  seed: Uint8Array;
  slots: SlotOrder[];
}

/** A few epochs: current, next, and the ones just before, for late or reorged batches. */
const SCHEDULE_CACHE_SIZE = 8;
const scheduleCache = new Map<string, EpochSchedule>();
/**
 * First-level cache by object identity, which skips digesting the members. States share
 * committee objects and replace them, never write into them (state/draft.ts): a
 * committee mutated in place after its schedule was computed would get a stale schedule.
 */
const byCommittee = new WeakMap<
  EpochCommittee,
  { slotsPerEpoch: number; epoch: number; seed: Uint8Array; members: unknown; fallbacks: unknown; equalShares: boolean; schedule: EpochSchedule }
>();

/**
 * The schedule of `committee.epoch`. Member k (in index order) leads shares[k] slots
 * (computeSlotShares by weight, or by weight 1 each if committee.equalShares; ties broken
 * with the seed); that list of leaders is permuted with
 * the seed, so slot epoch × slotsPerEpoch + j is led by
 * leaders[shuffleList(slotsPerEpoch, seed)[j]]. Its fallback order is the other members
 * (index order) permuted by shuffleList(members - 1, sha256(seed ‖ uint64(slot))), then the
 * committee's fallbacks (index order) permuted the same way.
 *
 * Memoised (bounded, keyed by epoch, seed, slotsPerEpoch and a digest of the members), so
 * calling it every slot is cheap. Throws NO_COMMITTEE for an empty committee.
 */
export function computeEpochSchedule(committee: EpochCommittee, slotsPerEpoch: number): EpochSchedule {
  if (!Number.isSafeInteger(slotsPerEpoch) || slotsPerEpoch < 1) {
    throw new ScheduleError({ code: ScheduleErrorCode.INVALID_ARGUMENT, detail: `slotsPerEpoch ${slotsPerEpoch}` });
  }
  if (committee.members.length === 0) throw new ScheduleError({ code: ScheduleErrorCode.NO_COMMITTEE, epoch: committee.epoch });
  const { epoch, seed, members } = committee;
  const equalShares = committee.equalShares === true;
  const known = byCommittee.get(committee);
  if (
    known &&
    known.slotsPerEpoch === slotsPerEpoch &&
    known.epoch === epoch &&
    known.seed === seed &&
    known.members === members &&
    known.fallbacks === committee.fallbacks &&
    known.equalShares === equalShares
  ) {
    return known.schedule;
  }
  const key = `${epoch}:${toHex(seed)}:${slotsPerEpoch}:${equalShares ? "equal" : "weighted"}:${membersDigest(members)}:${membersDigest(committee.fallbacks ?? [])}`;
  let schedule = scheduleCache.get(key);
  if (schedule !== undefined) {
    scheduleCache.delete(key); // refresh: the least recently used goes first
  } else {
    schedule = buildEpochSchedule(committee, slotsPerEpoch);
    if (scheduleCache.size >= SCHEDULE_CACHE_SIZE) scheduleCache.delete(scheduleCache.keys().next().value as string);
  }
  scheduleCache.set(key, schedule);
  byCommittee.set(committee, { slotsPerEpoch, epoch, seed, members, fallbacks: committee.fallbacks, equalShares, schedule });
  return schedule;
}

function buildEpochSchedule(committee: EpochCommittee, slotsPerEpoch: number): EpochSchedule {
  const epoch = committee.epoch;
  const seed = Uint8Array.from(committee.seed);
  const members = [...committee.members].sort((a, b) => a.index - b.index);
  const shareWeights = committee.equalShares === true ? members.map((m) => ({ index: m.index, weight: 1n })) : members;
  const shares = computeSlotShares(shareWeights, slotsPerEpoch, seed);
  const leaders: number[] = [];
  members.forEach((m, k) => {
    for (let s = 0; s < shares[k]; s++) leaders.push(m.index);
  });
  const memberIndices = members.map((m) => m.index);
  const fallbackIndices = [...(committee.fallbacks ?? [])].sort((a, b) => a.index - b.index).map((m) => m.index);
  const startSlot = epoch * slotsPerEpoch;
  const slots = shuffleList(slotsPerEpoch, seed).map((p, j) => slotOrder(startSlot + j, leaders[p], memberIndices, fallbackIndices, seed));
  return Object.freeze({ epoch, seed, slots: Object.freeze(slots) as SlotOrder[] });
}

function slotOrder(slot: number, leader: number, memberIndices: readonly number[], fallbackIndices: readonly number[], seed: Uint8Array): SlotOrder {
  let order: number[] | undefined;
  return Object.freeze({
    slot,
    leader,
    get order(): number[] {
      order ??= Object.freeze([
        leader,
        ...fallbackOrder(memberIndices, leader, seed, slot),
        ...fallbackOrder(fallbackIndices, leader, seed, slot),
      ]) as number[];
      return order;
    },
  });
}

/** The members other than the leader, shuffled with sha256(seed ‖ uint64(slot)). */
function fallbackOrder(memberIndices: readonly number[], leader: number, seed: Uint8Array, slot: number): number[] {
  const others = memberIndices.filter((i) => i !== leader);
  return shuffleList(others.length, sha256(seed, uint64Bytes(slot))).map((k) => others[k]);
}

/** sha256 over "index:weight," of every member, as listed (full weights: nothing truncated). */
function membersDigest(members: readonly WeightedSequencer[]): string {
  return toHex(sha256(new TextEncoder().encode(members.map((m) => `${m.index}:${m.weight},`).join(""))));
}
