/**
 * The two invariants of an outage (every node down at once, then all started again), as pure
 * functions over what the observer recorded:
 *  - outage recovery: once the nodes holding more than 2/3 of the weight answer /status again
 *    and are not syncing, the first new batch comes within OUTAGE_FIRST_BATCH_SLOTS slots
 *    (slots whose scheduled leader was still down when they began do not count: no one else
 *    may produce them);
 *  - no outage penalty: every sequencer active just before the outage is active after the
 *    recovery, with at least the stake it had (nobody ejected, leaked or exited for the
 *    collective outage).
 */
import { slotAtTime, slotStartTime } from "@baton/core";
import { InvariantName, type ClusterShape, type FaultWindow, type InvariantResult } from "./invariants.js";
import type { BatchInfo, BlockRef, ScheduleSlot, SequencerRecord, StatusSample } from "./observer.js";

/** Most slots from ">2/3 up and in sync" to the first new batch. */
export const OUTAGE_FIRST_BATCH_SLOTS = 2;

export interface OutageRecovery {
  /** node k+1 at [k]: its first answer at or after the restart that says it is in sync; null if none */
  upAtMs: (number | null)[];
  /** when the nodes up and in sync first held more than 2/3 of the weight; null if never */
  readyMs: number | null;
}

/** Each node's first in-sync answer after `restartMs` (up to `untilMs`), and when >2/3 of the weight had one. */
export function outageRecovery(c: ClusterShape, samples: StatusSample[], restartMs: number, untilMs = Infinity): OutageRecovery {
  const upAtMs: (number | null)[] = Array.from({ length: c.nodes }, () => null);
  for (const s of samples) {
    if (s.t < restartMs || s.t > untilMs || s.syncing) continue;
    const k = s.node - 1;
    if (upAtMs[k] === null || s.t < upAtMs[k]!) upAtMs[k] = s.t;
  }
  const total = c.weights.reduce((a, b) => a + b, 0);
  const order = upAtMs.map((t, k) => ({ t, k })).filter((x): x is { t: number; k: number } => x.t !== null).sort((a, b) => a.t - b.t);
  let weight = 0;
  for (const { t, k } of order) {
    weight += c.weights[k];
    if (3 * weight > 2 * total) return { upAtMs, readyMs: t };
  }
  return { upAtMs, readyMs: null };
}

/** Slot of the first batch at or after `fromSlot`: in the confirmed chain, or any head a node reported after `afterMs`. */
export function firstBatchFrom(chain: BatchInfo[], samples: StatusSample[], fromSlot: number, afterMs: number): number | null {
  let first: number | null = null;
  const see = (slot: number) => {
    if (slot >= fromSlot && (first === null || slot < first)) first = slot;
  };
  for (const b of chain) see(b.slot);
  for (const s of samples) if (s.t >= afterMs) see(s.head.slot);
  return first;
}

export interface OutageLivenessFacts {
  label: string;
  startSlot: number;
  restartMs: number;
  restartSlot: number;
  upAtMs: (number | null)[];
  readyMs: number | null;
  readySlot: number | null;
  firstBatchSlot: number | null;
  /** firstBatchSlot - readySlot */
  slotsToFirstBatch: number | null;
  /** slots before the first batch whose leader's node was not up when they began */
  excused: { slot: number; leaderNode: number }[];
  held: boolean;
}

/** The leader (sequencer index) of `slot`, from the schedules the observer fetched; undefined if unknown. */
function leaderOf(schedules: Map<number, ScheduleSlot[]>, slotsPerEpoch: number, slot: number): number | undefined {
  return schedules.get(Math.floor(slot / slotsPerEpoch))?.find((x) => x.slot === slot)?.leader;
}

export function outageLivenessFacts(
  c: ClusterShape,
  w: FaultWindow,
  samples: StatusSample[],
  chain: BatchInfo[],
  schedules: Map<number, ScheduleSlot[]>,
): OutageLivenessFacts {
  const restartMs = w.restartMs ?? w.endMs;
  const restartSlot = w.restartSlot ?? slotAtTime(c, restartMs);
  const rec = outageRecovery(c, samples, restartMs);
  const readySlot = rec.readyMs === null ? null : slotAtTime(c, rec.readyMs);
  const firstBatchSlot = firstBatchFrom(chain, samples, restartSlot, restartMs);
  const excused: OutageLivenessFacts["excused"] = [];
  if (readySlot !== null && firstBatchSlot !== null) {
    for (let s = readySlot; s < firstBatchSlot; s++) {
      const leader = leaderOf(schedules, c.slotsPerEpoch, s);
      if (leader === undefined) continue;
      const up = rec.upAtMs[leader] ?? null;
      if (up === null || up > slotStartTime(c, s)) excused.push({ slot: s, leaderNode: leader + 1 });
    }
  }
  const slotsToFirstBatch = readySlot !== null && firstBatchSlot !== null ? firstBatchSlot - readySlot : null;
  const held = slotsToFirstBatch !== null && slotsToFirstBatch - excused.length <= OUTAGE_FIRST_BATCH_SLOTS;
  return { label: w.label, startSlot: w.startSlot, restartMs, restartSlot, upAtMs: rec.upAtMs, readyMs: rec.readyMs, readySlot, firstBatchSlot, slotsToFirstBatch, excused, held };
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function checkOutageRecovery(facts: OutageLivenessFacts[]): InvariantResult {
  const evidence: string[] = [];
  for (const f of facts) {
    const ups = f.upAtMs.map((t, k) => `n${k + 1} ${t === null ? "never" : `+${secs(t - f.restartMs)}`}`).join(", ");
    const head = `${f.held ? "ok" : "VIOLATED"}: ${f.label} (slots ${f.startSlot}-${f.restartSlot}), restarted at slot ${f.restartSlot}; up and in sync: ${ups}`;
    if (f.readyMs === null || f.readySlot === null) {
      evidence.push(`${head}; >2/3 of the weight never up and in sync again`);
      continue;
    }
    const ready = `>2/3 up and in sync ${secs(f.readyMs - f.restartMs)} after the restart (slot ${f.readySlot})`;
    if (f.firstBatchSlot === null) {
      evidence.push(`${head}; ${ready}; NO new batch after it`);
      continue;
    }
    const excused = f.excused.length ? ` (${f.excused.length} excused: ${f.excused.map((x) => `slot ${x.slot} led by n${x.leaderNode}, still down`).join(", ")})` : "";
    evidence.push(`${head}; ${ready}; first new batch at slot ${f.firstBatchSlot}: ${f.slotsToFirstBatch} slots later${excused}, limit ${OUTAGE_FIRST_BATCH_SLOTS}`);
  }
  const measured = facts.map((f) => (f.slotsToFirstBatch === null ? "never" : `${f.slotsToFirstBatch - f.excused.length} slots`)).join(", ");
  const held = facts.every((f) => f.held);
  return {
    name: InvariantName.outageRecovery,
    held,
    summary: `first new batch after >2/3 of the weight is up and in sync again: ${measured} (limit ${OUTAGE_FIRST_BATCH_SLOTS})`,
    evidence,
  };
}

/** The sequencers as one node's head state had them (GET /sequencers, head unchanged around the read). */
export interface SequencerSnapshot {
  node: number;
  t: number;
  head: BlockRef;
  sequencers: SequencerRecord[];
}

export interface OutagePenaltyFacts {
  label: string;
  restartSlot: number;
  before: SequencerSnapshot | null;
  after: SequencerSnapshot | null;
  /** why a snapshot is missing */
  why?: string;
}

/** Sequencers that were active before the outage and are not active after it, or lost stake. */
export function outagePenalties(before: SequencerRecord[], after: SequencerRecord[]): string[] {
  const out: string[] = [];
  for (const b of before) {
    if (b.status !== "active") continue;
    const a = after.find((x) => x.index === b.index);
    if (!a) {
      out.push(`s${b.index} active before is missing after`);
      continue;
    }
    if (a.status !== "active") out.push(`s${b.index} active → ${a.status}`);
    if (BigInt(a.stake) < BigInt(b.stake)) out.push(`s${b.index} lost stake ${b.stake} → ${a.stake} (-${BigInt(b.stake) - BigInt(a.stake)})`);
  }
  return out;
}

export function checkOutageNoPenalty(facts: OutagePenaltyFacts[]): InvariantResult {
  const evidence: string[] = [];
  let held = true;
  const at = (s: SequencerSnapshot) => `n${s.node} at height ${s.head.height} (slot ${s.head.slot})`;
  for (const f of facts) {
    if (!f.before || !f.after) {
      held = false;
      evidence.push(`VIOLATED: ${f.label}: no ${f.before ? "state after" : "state before"} it to compare${f.why ? ` (${f.why})` : ""}`);
      continue;
    }
    if (f.after.head.slot < f.restartSlot) {
      held = false;
      evidence.push(`VIOLATED: ${f.label}: the chain never moved past it (best head ${at(f.after)}, restart at slot ${f.restartSlot}): no state after it`);
      continue;
    }
    const bad = outagePenalties(f.before.sequencers, f.after.sequencers);
    if (bad.length > 0) held = false;
    const misses = f.before.sequencers.map((b) => {
      const a = f.after!.sequencers.find((x) => x.index === b.index);
      return `s${b.index} ${b.misses}→${a?.misses ?? "?"}`;
    });
    const before = f.before.sequencers.map((q) => `s${q.index} ${q.status} ${q.stake}`).join(", ");
    const after = f.after.sequencers.map((q) => `s${q.index} ${q.status} ${q.stake}`).join(", ");
    evidence.push(`${bad.length ? "VIOLATED" : "ok"}: ${f.label}: before ${at(f.before)}: ${before}; after ${at(f.after)}: ${after}; misses ${misses.join(", ")}`);
    for (const b of bad) evidence.push(`  ${b}`);
  }
  const active = facts.reduce((n, f) => n + (f.before?.sequencers.filter((q) => q.status === "active").length ?? 0), 0);
  return {
    name: InvariantName.outageNoPenalty,
    held,
    summary: held
      ? `all ${active} sequencers active before the outage are active after it, none lost stake`
      : `a sequencer was ejected, exited or lost stake over the outage, or there was no state after it`,
    evidence,
  };
}
