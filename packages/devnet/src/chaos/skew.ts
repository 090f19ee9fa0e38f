/**
 * What each clock skew did to its own node (the others are judged by the five invariants, with
 * the skewed node counted as impaired during its fault): the offset, in ms and slots, whether it
 * stayed inside the chain's clock disparity allowance, and the node's sequencer's slots in the
 * window — produced, and missed as the timeline counts them (it was the slot's effective leader
 * and the final chain has no batch there) — beside the misses the chain itself recorded for it
 * (/sequencers of the other nodes). Its misses are allowed; the report shows them. Pure.
 */
import type { ClusterShape, FaultWindow } from "./invariants.js";
import type { BatchInfo, ScheduleSlot, SequencersSample } from "./observer.js";
import { FaultKind } from "./plan.js";
import { buildTimeline, CellState } from "./svg.js";

export interface SkewFacts {
  /** the fault's id */
  id: number;
  node: number;
  /** the node's sequencer index (node - 1) */
  sequencer: number;
  skewMs: number;
  /** skewMs in slots (signed) */
  skewSlots: number;
  /** |skewMs| <= the genesis's clockDisparityMs */
  withinDisparity: boolean;
  fromSlot: number;
  toSlot: number;
  /** slots of the window with a batch of this sequencer in the final chain */
  produced: number;
  /** slots of the window it was the effective leader of, empty in the final chain */
  missed: number;
  /** its misses in the chain's records: the last record at or before the fault's start, the last within one epoch after its end */
  chainMisses: { before: number | null; after: number | null };
  /** its status in that last record (active, ejected, ...) */
  statusAfter: string | null;
}

export interface SkewInput {
  shape: ClusterShape;
  windows: FaultWindow[];
  chain: BatchInfo[];
  schedules: Map<number, ScheduleSlot[]>;
  records: SequencersSample[];
  clockDisparityMs: number;
}

/** One SkewFacts per skew window, in the order they started. */
export function skewFacts(input: SkewInput): SkewFacts[] {
  const { shape } = input;
  return input.windows
    .filter((window) => window.kind === FaultKind.skew)
    .map((window) => {
      const node = window.targets[0];
      const sequencer = node - 1;
      const skewMs = window.skewMs ?? 0;
      const timeline = buildTimeline({
        sequencers: shape.nodes,
        chain: input.chain,
        schedules: input.schedules,
        records: input.records,
        slotsPerEpoch: shape.slotsPerEpoch,
        fromSlot: window.startSlot,
        toSlot: window.endSlot,
      });
      const row = timeline.rows[sequencer] ?? [];
      const before = lastRecord(input.records, window.startSlot, sequencer);
      const after = lastRecord(input.records, window.endSlot + shape.slotsPerEpoch, sequencer);
      return {
        id: window.id,
        node,
        sequencer,
        skewMs,
        skewSlots: Number((skewMs / shape.slotMs).toFixed(2)),
        withinDisparity: Math.abs(skewMs) <= input.clockDisparityMs,
        fromSlot: window.startSlot,
        toSlot: window.endSlot,
        produced: row.filter((cell) => cell === CellState.produced).length,
        missed: row.filter((cell) => cell === CellState.missed).length,
        chainMisses: { before: before?.misses ?? null, after: after?.misses ?? null },
        statusAfter: after?.status ?? null,
      };
    });
}

/** The sequencer's record in the last sample at or before `slot`. */
function lastRecord(records: SequencersSample[], slot: number, sequencer: number) {
  let best: SequencersSample | null = null;
  for (const sample of records) if (sample.slot <= slot && (best === null || sample.slot >= best.slot)) best = sample;
  return best?.sequencers.find((record) => record.index === sequencer) ?? null;
}

/** "skew #3 n2 +375ms (+1.5 slots, beyond the 250 ms allowance), slots 40-62: produced 2, missed 4; chain misses 1 → 5 (active)". */
export function describeSkewFacts(facts: SkewFacts, clockDisparityMs: number): string {
  const sign = facts.skewMs < 0 ? "-" : "+";
  const allowance = `${facts.withinDisparity ? "within" : "beyond"} the ${clockDisparityMs} ms allowance`;
  const chain = facts.chainMisses.before === null || facts.chainMisses.after === null ? "chain misses unknown" : `chain misses ${facts.chainMisses.before} → ${facts.chainMisses.after}`;
  return (
    `skew #${facts.id} n${facts.node} ${sign}${Math.abs(facts.skewMs)}ms (${sign}${Math.abs(facts.skewSlots)} slots, ${allowance}), slots ${facts.fromSlot}-${facts.toSlot}: ` +
    `produced ${facts.produced}, missed ${facts.missed}; ${chain}${facts.statusAfter ? ` (${facts.statusAfter})` : ""}`
  );
}
