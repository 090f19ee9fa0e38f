/**
 * Empty slots: every slot between the parent batch and the next one is a miss of its
 * effective leader — unless the whole gap is the network's outage (below). docs/mechanisms.md
 * "Misses, outages and ejection" gives the reasoning.
 */
import { computeEpoch, epochStartSlot, type ChainConfig } from "../config/chainConfig.js";
import { getEffectiveLeader } from "../schedule/index.js";
import { ScheduleError, ScheduleErrorCode } from "../schedule/errors.js";
import { SequencerStatus } from "../types/enums.js";
import type { State } from "../types/ssz.js";
import { StateDraft } from "../state/draft.js";
import { processEpochs, type EpochMode } from "./epoch.js";

/**
 * Advances `state` to just before `toSlot`: for every slot s in (state.slot, toSlot), first
 * the epoch transitions up to s's epoch, then a miss for the effective leader of s in the
 * state as it is at that point. So the leader is evaluated progressively: once a sequencer is
 * ejected in a skipped slot, its later skipped slots fall to the fallbacks (and count as their
 * misses). Finally the epoch transitions up to toSlot's epoch, so the result can schedule
 * toSlot.
 *
 * The outage rule: the gap is first run that way on a scratch copy. If every sequencer that
 * was active and could lead in it (a member, or fallback, of a committee in force during the
 * gap while active) missed at least one of its slots, nobody who could produce did: the
 * network was down, not a member. Then the gap is run again with no misses recorded and with
 * the epoch transitions in outage mode (no leak, no restake deadline, no unrevealed-bid
 * penalty: epoch.ts). A live active sequencer never lets a gap count as an outage before its
 * first slot in it, so partial outages are charged exactly as before.
 *
 * Afterwards state.slot = max(state.slot, toSlot - 1): the last slot accounted for, so it is
 * idempotent: processSlots(processSlots(s, b), b) equals processSlots(s, b). It does not
 * compose: the outage rule judges a gap as a whole, from the state where it started, so
 * processSlots(processSlots(s, a), b) may differ from processSlots(s, b) (the first call ends
 * a gap at a). Callers always advance a batch's parent state in one call, as applyBatch does.
 *
 * Linear in the gap (twice, at most): one miss per slot, one epoch transition per epoch.
 * Returns a new state; the input is not changed.
 */
export function processSlots(state: State, toSlot: number, config: ChainConfig): State {
  const draft = new StateDraft(state);
  processSlotsInto(draft, toSlot, config);
  return draft.finish();
}

/** processSlots on a draft (applyBatch and buildBatch continue with the same draft). */
export function processSlotsInto(draft: StateDraft, toSlot: number, config: ChainConfig): void {
  const gapStart = draft.state.slot + 1;
  if (toSlot > gapStart && isOutageGap(draft.state, toSlot, config)) {
    runGap(draft, toSlot, config, "outage");
    // the network is coming back: nodes start one after another, so misses do not eject for a while
    const graceEnd = epochStartSlot(config, computeEpoch(config, toSlot) + config.restartGraceEpochs);
    if (graceEnd > draft.state.graceUntilSlot) draft.state.graceUntilSlot = graceEnd;
  } else {
    runGap(draft, toSlot, config, "normal");
  }
}

/** Whether the slots (state.slot, toSlot) are a whole-network outage (see processSlots). */
export function isOutageGap(state: State, toSlot: number, config: ChainConfig): boolean {
  const scratch = new StateDraft(state);
  const couldLead = new Set<number>();
  const missed = new Set<number>();
  const noteCommittee = () => {
    const s = scratch.state;
    for (const m of [...s.currentCommittee.members, ...s.currentCommittee.fallbacks]) {
      if (s.sequencers[m.index]?.status === SequencerStatus.active) couldLead.add(m.index);
    }
  };
  let epoch = -1;
  for (let slot = state.slot + 1; slot < toSlot; slot++) {
    if (computeEpoch(config, slot) !== epoch) {
      epoch = computeEpoch(config, slot);
      processEpochs(scratch, config, epoch, "normal");
      noteCommittee();
    }
    const leader = effectiveLeaderOrNull(scratch.state, config, slot);
    if (leader === null) continue;
    if (scratch.state.sequencers[leader].status === SequencerStatus.active) couldLead.add(leader);
    missed.add(leader);
    recordMiss(scratch, config, leader, slot);
  }
  if (computeEpoch(config, toSlot) !== epoch) {
    processEpochs(scratch, config, computeEpoch(config, toSlot), "normal");
    noteCommittee();
  }
  for (const index of couldLead) if (!missed.has(index)) return false;
  return true;
}

function runGap(draft: StateDraft, toSlot: number, config: ChainConfig, mode: EpochMode): void {
  for (let slot = draft.state.slot + 1; slot < toSlot; slot++) {
    const epoch = computeEpoch(config, slot);
    processEpochs(draft, config, epoch, mode);
    if (mode === "outage") continue;
    const leader = effectiveLeaderOrNull(draft.state, config, slot);
    if (leader !== null) recordMiss(draft, config, leader, slot);
  }
  processEpochs(draft, config, computeEpoch(config, toSlot), mode);
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

/** The misses among a sequencer's last missWindow led slots (Sequencer.missBits). */
export function windowMisses(missBits: bigint): number {
  let count = 0;
  for (let bits = missBits; bits > 0n; bits >>= 1n) if ((bits & 1n) === 1n) count++;
  return count;
}

function pushOutcome(missBits: bigint, missed: boolean, config: ChainConfig): bigint {
  const mask = (1n << BigInt(config.missWindow)) - 1n;
  return ((missBits << 1n) | (missed ? 1n : 0n)) & mask;
}

/**
 * A miss of `slot`: counted, and pushed into the miss window. An active sequencer is ejected at
 * missesToEject consecutive misses, or when more than maxWindowMisses of its last missWindow
 * led slots were missed (CometBFT's signed-blocks window: an intermittent sequencer is ejected
 * too). In the grace after genesis or a whole-network outage (slot < state.graceUntilSlot:
 * restartGraceEpochs) a miss is only counted: the nodes are still starting, one after another.
 */
export function recordMiss(draft: StateDraft, config: ChainConfig, index: number, slot: number): void {
  const seq = draft.sequencer(index);
  seq.misses += 1;
  if (slot < draft.state.graceUntilSlot) return;
  seq.consecutiveMisses += 1;
  seq.missBits = pushOutcome(seq.missBits, true, config);
  const tooMany = seq.consecutiveMisses >= config.missesToEject || windowMisses(seq.missBits) > config.maxWindowMisses;
  if (seq.status === SequencerStatus.active && tooMany) {
    seq.status = SequencerStatus.ejected;
    seq.ejectedEpoch = computeEpoch(config, slot);
  }
}

/** A produced slot: counted, pushed into the miss window, and the miss streak is reset. */
export function recordProduced(draft: StateDraft, config: ChainConfig, index: number): void {
  const seq = draft.sequencer(index);
  seq.produced += 1;
  seq.consecutiveMisses = 0;
  seq.missBits = pushOutcome(seq.missBits, false, config);
}
