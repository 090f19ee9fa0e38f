/**
 * Who leads a slot: the slot's order comes from the committee the state holds for its
 * epoch (current or next); the effective leader is the first sequencer in that order that
 * is active in the state, so an ejection takes effect at once, without recomputing the epoch.
 */
import { computeEpoch, epochStartSlot, type ChainConfig } from "../config/chainConfig.js";
import { holdsStake } from "../mechanism/stake.js";
import { SequencerStatus } from "../types/enums.js";
import type { EpochCommittee, State } from "../types/ssz.js";
import { computeEpochSchedule, type EpochSchedule, type SlotOrder } from "./epochSchedule.js";
import { ScheduleError, ScheduleErrorCode } from "./errors.js";

function committeeForEpoch(state: State, epoch: number, slot?: number): EpochCommittee {
  if (state.currentCommittee.epoch === epoch) return state.currentCommittee;
  if (state.nextCommittee.epoch === epoch) return state.nextCommittee;
  throw new ScheduleError({
    code: ScheduleErrorCode.EPOCH_NOT_AVAILABLE,
    epoch,
    currentEpoch: state.currentCommittee.epoch,
    nextEpoch: state.nextCommittee.epoch,
    slot,
  });
}

/** The schedule of `epoch` if the state holds its committee (current or next), else EPOCH_NOT_AVAILABLE. */
export function getScheduleForEpoch(state: State, config: ChainConfig, epoch: number): EpochSchedule {
  return computeEpochSchedule(committeeForEpoch(state, epoch), config.slotsPerEpoch);
}

function slotOrderOf(state: State, config: ChainConfig, slot: number): SlotOrder {
  if (!Number.isSafeInteger(slot) || slot < 0) {
    throw new ScheduleError({ code: ScheduleErrorCode.INVALID_ARGUMENT, detail: `slot ${slot}` });
  }
  const epoch = computeEpoch(config, slot);
  const schedule = computeEpochSchedule(committeeForEpoch(state, epoch, slot), config.slotsPerEpoch);
  return schedule.slots[slot - epochStartSlot(config, epoch)];
}

/**
 * The order of `slot`: scheduled leader first, then the fallbacks. Throws ScheduleError
 * EPOCH_NOT_AVAILABLE when the state holds no committee for the slot's epoch, and
 * NO_COMMITTEE when that committee is empty.
 */
export function getSlotOrder(state: State, config: ChainConfig, slot: number): number[] {
  return slotOrderOf(state, config, slot).order;
}

/**
 * The sequencer that may lead `slot` given `state` (the parent state): the first in the
 * slot's order whose status is active. If none is, an active sequencer outside the committee
 * (one that staked after the committee was fixed), taking turns by slot; failing that, the
 * scheduled leader order[0]. If the epoch's committee is empty (everyone had left when it was
 * fixed), the same last resort: an active sequencer by turns, else any sequencer still holding
 * stake. The chain must not halt while anyone holds stake: an out-of-rotation leader producing
 * is better than no batch at all. Same errors as getSlotOrder, but NO_COMMITTEE only when
 * nobody holds anything.
 */
export function getEffectiveLeader(state: State, config: ChainConfig, slot: number): number {
  let slotOrder: SlotOrder;
  try {
    slotOrder = slotOrderOf(state, config, slot);
  } catch (e) {
    if (!(e instanceof ScheduleError) || e.type.code !== ScheduleErrorCode.NO_COMMITTEE) throw e;
    const fallback = outOfRotationLeader(state, slot, true);
    if (fallback === null) throw e;
    return fallback;
  }
  const isActive = (index: number): boolean => state.sequencers[index]?.status === SequencerStatus.active;
  if (isActive(slotOrder.leader)) return slotOrder.leader; // the common case: no fallback order needed
  return slotOrder.order.find(isActive) ?? outOfRotationLeader(state, slot, false) ?? slotOrder.leader;
}

/**
 * Last resort, by turns (slot mod count, index order): an active sequencer; with
 * `holdersToo`, failing that, any sequencer not evicted that still holds stake. Null if none.
 */
function outOfRotationLeader(state: State, slot: number, holdersToo: boolean): number | null {
  const active: number[] = [];
  const holders: number[] = [];
  state.sequencers.forEach((s, index) => {
    if (s.evicted) return;
    if (s.status === SequencerStatus.active) active.push(index);
    else if (holdersToo && holdsStake(s)) holders.push(index);
  });
  const pool = active.length > 0 ? active : holders;
  return pool.length === 0 ? null : pool[slot % pool.length];
}
