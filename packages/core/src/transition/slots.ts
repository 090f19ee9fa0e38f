/**
 * Empty slots: every slot between the parent batch and the next one is a miss of its
 * effective leader (DESIGN.md "Misses, ejection, leak, slashing").
 */
import { computeEpoch, type ChainConfig } from "../config/chainConfig.js";
import { getEffectiveLeader } from "../schedule/index.js";
import { ScheduleError, ScheduleErrorCode } from "../schedule/errors.js";
import { SequencerStatus } from "../types/enums.js";
import type { State } from "../types/ssz.js";
import { StateDraft } from "./draft.js";
import { processEpochs } from "./epoch.js";

/**
 * Advances `state` to just before `toSlot`: for every slot s in (state.slot, toSlot), first
 * the epoch transitions up to s's epoch, then a miss for the effective leader of s in the
 * state as it is at that point. So the leader is evaluated progressively: once a sequencer is
 * ejected in a skipped slot, its later skipped slots fall to the fallbacks (and count as their
 * misses). Finally the epoch transitions up to toSlot's epoch, so the result can schedule
 * toSlot.
 *
 * Afterwards state.slot = max(state.slot, toSlot - 1): the last slot accounted for. That makes
 * it idempotent: processSlots(processSlots(s, a), b) equals processSlots(s, b) for a <= b, and
 * applying the batch of toSlot to either state gives the same result.
 *
 * Linear in the gap: one miss per slot, one epoch transition per epoch.
 * Returns a new state; the input is not changed.
 */
export function processSlots(state: State, toSlot: number, config: ChainConfig): State {
  const draft = new StateDraft(state);
  processSlotsInto(draft, toSlot, config);
  return draft.finish();
}

/** processSlots on a draft (applyBatch and buildBatch continue with the same draft). */
export function processSlotsInto(draft: StateDraft, toSlot: number, config: ChainConfig): void {
  for (let slot = draft.state.slot + 1; slot < toSlot; slot++) {
    const epoch = computeEpoch(config, slot);
    processEpochs(draft, config, epoch);
    const leader = effectiveLeaderOrNull(draft.state, config, slot);
    if (leader !== null) recordMiss(draft, config, leader, epoch);
  }
  processEpochs(draft, config, computeEpoch(config, toSlot));
  if (toSlot - 1 > draft.state.slot) draft.state.slot = toSlot - 1;
}

/** The effective leader of `slot`, or null if its epoch's committee is empty (nobody can miss). */
export function effectiveLeaderOrNull(state: State, config: ChainConfig, slot: number): number | null {
  try {
    const leader = getEffectiveLeader(state, config, slot);
    return leader >= 0 ? leader : null;
  } catch (e) {
    if (e instanceof ScheduleError && e.type.code === ScheduleErrorCode.NO_COMMITTEE) return null;
    throw e;
  }
}

/** A miss: counted; at missesToEject consecutive misses an active sequencer is ejected. */
export function recordMiss(draft: StateDraft, config: ChainConfig, index: number, epoch: number): void {
  const seq = draft.sequencer(index);
  seq.misses += 1;
  seq.consecutiveMisses += 1;
  if (seq.status === SequencerStatus.active && seq.consecutiveMisses >= config.missesToEject) {
    seq.status = SequencerStatus.ejected;
    seq.ejectedEpoch = epoch;
  }
}

/** A produced slot: counted, and the miss streak is reset. */
export function recordProduced(draft: StateDraft, index: number): void {
  const seq = draft.sequencer(index);
  seq.produced += 1;
  seq.consecutiveMisses = 0;
}
