/** The chaos report: what is written as JSON, and the summary table for the terminal. */
import type { BackendName } from "./backend.js";
import type { FaultWindow, Gap, InvariantResult, Stall } from "./invariants.js";
import type { OutageLivenessFacts, OutagePenaltyFacts } from "./outageChecks.js";
import { describeSkewFacts, type SkewFacts } from "./skew.js";
import type { LoadStats } from "../load.js";

export interface KindStats {
  kind: string;
  faults: number;
  slots: number;
  produced: number;
  fillRate: number;
  longestGapSlots: number;
  longestGapAt: string;
}

export interface ChaosReport {
  version: 1;
  backend: BackendName;
  seed: string;
  durationMs: number;
  startedAt: string;
  genesisTime: number;
  config: { nodes: number; slotMs: number; slotsPerEpoch: number; missesToEject: number; loadRate: number };
  ok: boolean;
  invariants: InvariantResult[];
  faults: FaultWindow[];
  perKind: KindStats[];
  liveness: { longestGap: Gap | null; longestHealthyGap: Gap | null; longestStall: Stall | null; longestHealthyStall: Stall | null };
  chain: { confirmedHeight: number; lastSlot: number; faultPhaseEndSlot: number; fillRate: number };
  load: LoadStats & { acknowledgedUnique: number };
  observer: { samples: number; failedPolls: number[]; comparisons: number };
  /** only when an outage happened: what its two invariants were judged on */
  outages?: { recovery: OutageLivenessFacts[]; penalties: OutagePenaltyFacts[] };
  /** only when a clock skew happened: what each did to its own node (its misses are allowed) */
  skews?: { clockDisparityMs: number; faults: SkewFacts[] };
  files: { json: string; svg: string; dir: string; logs: string[] };
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function formatTable(r: ChaosReport): string {
  const lines: string[] = [];
  lines.push(`chaos ${r.backend} seed ${r.seed}: ${(r.durationMs / 1000).toFixed(0)} s of faults, ${r.faults.length} faults, load ${r.config.loadRate} tx/s`);
  lines.push("");
  lines.push(`${pad("invariant", 22)}${pad("", 10)}detail`);
  for (const inv of r.invariants) lines.push(`${pad(inv.name, 22)}${pad(inv.held ? "held" : "VIOLATED", 10)}${inv.summary}`);
  lines.push("");
  lines.push(`${pad("fault", 10)}${pad("count", 7)}${pad("slots", 7)}${pad("fill", 8)}longest gap`);
  for (const k of r.perKind) lines.push(`${pad(k.kind, 10)}${pad(String(k.faults), 7)}${pad(String(k.slots), 7)}${pad(pct(k.fillRate), 8)}${k.longestGapSlots} slots ${k.longestGapAt}`);
  lines.push("");
  if (r.skews) {
    lines.push("clock skews (the skewed node's own slots; its misses are allowed):");
    for (const facts of r.skews.faults) lines.push(`  ${describeSkewFacts(facts, r.skews.clockDisparityMs)}`);
    lines.push("");
  }
  for (const inv of r.invariants.filter((i) => i.evidence.length > 0)) {
    lines.push(`${inv.name}:`);
    for (const e of inv.evidence.slice(0, 12)) lines.push(`  ${e}`);
  }
  lines.push("");
  lines.push(`report: ${r.files.json}`);
  lines.push(`timeline: ${r.files.svg}`);
  lines.push(r.ok ? "all invariants held" : `VIOLATED: ${r.invariants.filter((i) => !i.held).map((i) => i.name).join(", ")}`);
  return lines.join("\n");
}
