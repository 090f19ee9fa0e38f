/**
 * The five invariants, as pure functions over what the observer recorded, the fault windows
 * as they happened, and the final checks (after an outage, two more: outageChecks.ts). Each
 * returns held/violated with evidence.
 */
import { slotAtTime } from "@baton/core";
import { FaultKind } from "./plan.js";
import type { BatchInfo, SafetyConflict, SequencerRecord, StatusSample } from "./observer.js";
import type { NodeExit } from "./backend.js";

export enum InvariantName {
  safety = "safety",
  noLoss = "no loss",
  liveness = "liveness",
  agreement = "agreement on misses",
  noCrash = "no crash",
  /** only when an outage happened (outageChecks.ts) */
  outageRecovery = "outage recovery",
  outageNoPenalty = "no outage penalty",
}

export interface InvariantResult {
  name: InvariantName;
  held: boolean;
  summary: string;
  evidence: string[];
}

/** A fault as it happened. */
export interface FaultWindow {
  id: number;
  kind: FaultKind;
  targets: number[];
  others?: number[];
  lossPct?: number;
  /** skew: the node's clock offset in ms (positive: ahead) */
  skewMs?: number;
  label: string;
  startMs: number;
  endMs: number;
  startSlot: number;
  endSlot: number;
  /** outage: when the nodes were started again (the window ends once >2/3 of the weight is up and in sync) */
  restartMs?: number;
  restartSlot?: number;
}

/** The cluster as the checks see it; its slots are core's (slotAtTime / slotStartTime of genesisTime and slotMs). */
export interface ClusterShape {
  nodes: number;
  /** weight of sequencer i-1 = node i */
  weights: number[];
  missesToEject: number;
  slotsPerEpoch: number;
  slotMs: number;
  genesisTime: number;
}

/**
 * Node groups that can talk at `slot` (up nodes only); nodes down or cut off are left out, and so
 * is a node under a clock skew (impaired like a killed node: its misses are allowed, the others
 * must carry the chain).
 */
export function connectedGroups(c: ClusterShape, windows: FaultWindow[], slot: number): number[][] {
  const active = windows.filter((w) => w.startSlot <= slot && slot <= w.endSlot);
  const down = new Set<number>();
  for (const w of active) if (w.kind !== FaultKind.split && w.kind !== FaultKind.loss) w.targets.forEach((i) => down.add(i));
  const all = Array.from({ length: c.nodes }, (_, k) => k + 1).filter((i) => !down.has(i));
  const split = active.find((w) => w.kind === FaultKind.split);
  if (!split) return [all];
  return [split.targets, split.others ?? []].map((side) => side.filter((i) => all.includes(i))).filter((g) => g.length > 0);
}

const weightOf = (c: ClusterShape, g: number[]) => g.reduce((s, i) => s + c.weights[i - 1], 0);
const totalWeight = (c: ClusterShape) => c.weights.reduce((a, b) => a + b, 0);

/** More than 2/3 of the weight up and connected at `slot`. */
export function healthyAt(c: ClusterShape, windows: FaultWindow[], slot: number): boolean {
  const best = Math.max(0, ...connectedGroups(c, windows, slot).map((g) => weightOf(c, g)));
  return 3 * best > 2 * totalWeight(c);
}

/**
 * Slots judged as healthy: more than 2/3 up and connected, and not within `graceSlots` after
 * a period where it was not (the cluster needs time to reorganise and readmit).
 */
export function healthMap(c: ClusterShape, windows: FaultWindow[], fromSlot: number, toSlot: number, graceSlots: number): Map<number, boolean> {
  const m = new Map<number, boolean>();
  let lastBad = -Infinity;
  for (let s = fromSlot; s <= toSlot; s++) {
    const ok = healthyAt(c, windows, s);
    if (!ok) lastBad = s;
    m.set(s, ok && s - lastBad > graceSlots);
  }
  return m;
}

export interface Gap {
  /** slots between two consecutive batches (1 = none missed) */
  slots: number;
  fromSlot: number;
  toSlot: number;
  healthy: boolean;
  faults: string[];
}

const faultsOver = (windows: FaultWindow[], a: number, b: number) => windows.filter((w) => w.startSlot <= b && w.endSlot >= a).map((w) => w.label);

export function headGaps(chain: BatchInfo[], health: Map<number, boolean>, windows: FaultWindow[]): Gap[] {
  const gaps: Gap[] = [];
  for (let k = 1; k < chain.length; k++) {
    const a = chain[k - 1].slot;
    const b = chain[k].slot;
    let healthy = true;
    for (let s = a + 1; s < b; s++) if (health.get(s) === false) healthy = false;
    if (!health.has(a + 1) && b - a > 1) healthy = false;
    gaps.push({ slots: b - a, fromSlot: a, toSlot: b, healthy, faults: faultsOver(windows, a, b) });
  }
  return gaps;
}

export interface Stall {
  ms: number;
  fromMs: number;
  toMs: number;
  height: number;
  /** longest stretch of it that was healthy */
  healthyMs: number;
  faults: string[];
}

/** Intervals in which no node's confirmed height rose (the cluster's best confirmed height). */
export function confirmationStalls(c: ClusterShape, samples: StatusSample[], health: Map<number, boolean>, windows: FaultWindow[], endMs: number): Stall[] {
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  const stalls: Stall[] = [];
  let best = -1;
  let since = sorted[0]?.t ?? endMs;
  const close = (to: number) => {
    let healthyMs = 0;
    let run = 0;
    for (let t = since; t < to; t += c.slotMs) {
      if (health.get(slotAtTime(c, t)) === true) run += c.slotMs;
      else run = 0;
      healthyMs = Math.max(healthyMs, run);
    }
    stalls.push({ ms: to - since, fromMs: since, toMs: to, height: best, healthyMs, faults: faultsOver(windows, slotAtTime(c, since), slotAtTime(c, to)) });
  };
  for (const s of sorted) {
    if (s.t > endMs) break;
    if (s.confirmed.height < 1) continue; // before the first confirmation: not a stall
    if (s.confirmed.height > best) {
      if (best >= 0) close(s.t);
      best = s.confirmed.height;
      since = s.t;
    }
  }
  if (best >= 0) close(endMs);
  return stalls;
}

export function checkSafety(conflicts: SafetyConflict[], comparisons: number, heights: number): InvariantResult {
  return {
    name: InvariantName.safety,
    held: conflicts.length === 0,
    summary:
      conflicts.length === 0
        ? `no two different confirmed batches at one height (${heights} heights, ${comparisons} cross-node comparisons)`
        : `${conflicts.length} heights with two different confirmed batches`,
    evidence: conflicts.slice(0, 20).map((x) => `height ${x.height}: n${x.node} confirmed ${x.root.slice(0, 12)}…, n${x.otherNode} confirmed ${x.otherRoot.slice(0, 12)}… (${x.how})`),
  };
}

export interface TxCheck {
  /** acknowledged hash → count of batches holding it in the final confirmed chain */
  counts: Map<string, number>;
  /** per node: acknowledged hashes it does not report confirmed (with what it says) */
  notConfirmed: { node: number; hash: string; status: string }[];
  /** any tx (acknowledged or not) in more than one confirmed batch */
  duplicates: string[];
}

/** `when`: how the evidence names an acknowledgement's time (e.g. "t+12.3s"); without it, none. */
export function checkNoLoss(acked: Map<string, { node: number; t: number }>, tx: TxCheck, when?: (time: number) => string): InvariantResult {
  const missing = [...acked.keys()].filter((h) => (tx.counts.get(h) ?? 0) === 0);
  const twice = [...acked.keys()].filter((h) => (tx.counts.get(h) ?? 0) > 1);
  const held = missing.length === 0 && twice.length === 0 && tx.notConfirmed.length === 0 && tx.duplicates.length === 0;
  const ackedAt = (hash: string) => (when ? ` at ${when(acked.get(hash)!.t)}` : "");
  const byNode = new Map<number, number>();
  for (const hash of missing) byNode.set(acked.get(hash)!.node, (byNode.get(acked.get(hash)!.node) ?? 0) + 1);
  const evidence = [
    ...(missing.length > 0 ? [`missing by acknowledging node: ${[...byNode].sort(([first], [second]) => first - second).map(([node, count]) => `n${node} ${count}`).join(", ")}`] : []),
    ...missing.slice(0, 10).map((h) => `${h.slice(0, 18)}… acknowledged by n${acked.get(h)!.node}${ackedAt(h)} is in no confirmed batch`),
    ...twice.slice(0, 10).map((h) => `${h.slice(0, 18)}… is in ${tx.counts.get(h)} confirmed batches`),
    ...tx.notConfirmed.slice(0, 10).map((x) => `n${x.node} reports ${x.hash.slice(0, 18)}… as ${x.status}`),
    ...tx.duplicates.slice(0, 5).map((h) => `${h.slice(0, 18)}… appears twice in the confirmed chain`),
  ];
  if (missing.length > 10) evidence.push(`… and ${missing.length - 10} more missing`);
  return {
    name: InvariantName.noLoss,
    held,
    summary: held
      ? `all ${acked.size} acknowledged txs confirmed exactly once, on every node`
      : `${missing.length} missing, ${twice.length} twice, ${tx.notConfirmed.length} not confirmed on some node (of ${acked.size})`,
    evidence,
  };
}

export interface LivenessFacts {
  longestGap: Gap | null;
  longestHealthyGap: Gap | null;
  longestStall: Stall | null;
  longestHealthyStall: Stall | null;
  gapLimitSlots: number;
  stallLimitMs: number;
  /** degraded periods: did each side keep producing, did confirmation resume after */
  degraded: { label: string; fromSlot: number; toSlot: number; sides: { nodes: number[]; headAdvanced: number; producing: boolean }[]; resumedAfterMs: number | null; ok: boolean }[];
}

export function checkLiveness(f: LivenessFacts, c: ClusterShape): InvariantResult {
  const evidence: string[] = [];
  const at = (g: Gap) => `slots ${g.fromSlot}→${g.toSlot}${g.faults.length ? ` during ${g.faults.join(" + ")}` : ""}`;
  const atS = (s: Stall) => `t+${((s.fromMs - c.genesisTime) / 1000).toFixed(1)}s→t+${((s.toMs - c.genesisTime) / 1000).toFixed(1)}s at height ${s.height}${s.faults.length ? ` during ${s.faults.join(" + ")}` : ""}`;
  let held = true;
  if (f.longestHealthyGap && f.longestHealthyGap.slots > f.gapLimitSlots) {
    held = false;
    evidence.push(`head gap of ${f.longestHealthyGap.slots} slots while >2/3 up and connected (limit ${f.gapLimitSlots}): ${at(f.longestHealthyGap)}`);
  }
  if (f.longestHealthyStall && f.longestHealthyStall.healthyMs > f.stallLimitMs) {
    held = false;
    evidence.push(`confirmation stalled ${(f.longestHealthyStall.healthyMs / 1000).toFixed(1)} s while >2/3 up and connected (limit ${(f.stallLimitMs / 1000).toFixed(1)} s): ${atS(f.longestHealthyStall)}`);
  }
  for (const d of f.degraded) {
    if (!d.ok) held = false;
    const sides = d.sides.map((s) => `${s.nodes.map((i) => `n${i}`).join(",")} +${s.headAdvanced}${s.producing ? "" : " (STOPPED)"}`).join("; ");
    evidence.push(
      `${d.ok ? "ok" : "VIOLATED"}: ${d.label} (slots ${d.fromSlot}-${d.toSlot}): ${sides ? `heads advanced ${sides}` : "no node up"}; confirmation resumed ${d.resumedAfterMs === null ? "NEVER" : `${(d.resumedAfterMs / 1000).toFixed(1)} s after heal`}`,
    );
  }
  if (f.longestGap) evidence.unshift(`longest head gap: ${f.longestGap.slots} slots, ${at(f.longestGap)}`);
  if (f.longestStall) evidence.unshift(`longest confirmation stall: ${(f.longestStall.ms / 1000).toFixed(1)} s, ${atS(f.longestStall)}`);
  return {
    name: InvariantName.liveness,
    held,
    summary: `longest head gap ${f.longestGap?.slots ?? 0} slots (healthy: ${f.longestHealthyGap?.slots ?? 0}, limit ${f.gapLimitSlots}); longest confirmation stall ${((f.longestStall?.ms ?? 0) / 1000).toFixed(1)} s (healthy: ${((f.longestHealthyStall?.healthyMs ?? 0) / 1000).toFixed(1)} s, limit ${(f.stallLimitMs / 1000).toFixed(1)} s)`,
    evidence,
  };
}

export function checkAgreement(records: { node: number; head: string; sequencers: SequencerRecord[] }[] | null, why: string): InvariantResult {
  if (!records || records.length === 0) return { name: InvariantName.agreement, held: false, summary: `no common head to compare at: ${why}`, evidence: [] };
  const ref = JSON.stringify(records[0].sequencers);
  const differ = records.filter((r) => JSON.stringify(r.sequencers) !== ref);
  const evidence = differ.map((r) => `n${r.node} differs from n${records[0].node}: ${JSON.stringify(r.sequencers)} vs ${ref}`);
  const recs = records[0].sequencers.map((q) => `s${q.index} ${q.status} ${q.produced}/${q.misses}`).join(", ");
  return {
    name: InvariantName.agreement,
    held: differ.length === 0,
    summary: differ.length === 0 ? `${records.length} nodes identical at head ${records[0].head.slice(0, 12)}…: ${recs}` : `${differ.length} nodes disagree`,
    evidence,
  };
}

export function checkNoCrash(exits: NodeExit[], notRunningAtEnd: number[]): InvariantResult {
  const crashes = exits.filter((e) => !e.planned);
  const evidence = [
    ...crashes.map((e) => `n${e.node} exited unplanned (${e.detail}) at ${new Date(e.atMs).toISOString()}`),
    ...notRunningAtEnd.map((i) => `n${i} was not running at the end`),
  ];
  return {
    name: InvariantName.noCrash,
    held: evidence.length === 0,
    summary: evidence.length === 0 ? `no unplanned exit (${exits.length} planned)` : `${crashes.length} unplanned exits`,
    evidence,
  };
}
