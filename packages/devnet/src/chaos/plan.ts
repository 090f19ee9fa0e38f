/**
 * The fault plan: which fault hits which node when, drawn from a seed (same seed and
 * options → the same plan, on any machine). Pure: no clock, no I/O.
 */
import { sha256 } from "@baton/core";

export enum FaultKind {
  /** SIGKILL, restarted from its data dir when the fault ends */
  kill = "kill",
  /** SIGSTOP, SIGCONT when the fault ends (docker: pause / unpause) */
  freeze = "freeze",
  /** clean stop (SIGTERM), started again when the fault ends */
  stop = "stop",
  /** the node loses every peer (the observer still reaches it) */
  cut = "cut",
  /** the network splits in two sides that cannot reach each other */
  split = "split",
  /** a share of the packets arriving at one host is dropped */
  loss = "loss",
  /**
   * every node SIGKILLed at once, all restarted from their data dirs when the fault ends; it
   * lasts longer than the chain's rules need to eject every sequencer and leak it to exit
   * (outageLength.ts). Alone in its window, at most once per run.
   */
  outage = "outage",
  /**
   * the node's clock shifted: restarted with `--clock-offset-ms` (a seeded ±0.6, ±1.5 or ±3
   * slots, SKEW_SLOTS), restarted with its usual arguments when the fault ends
   */
  skew = "skew",
}
export const FAULT_KINDS = Object.values(FaultKind);

export interface PlannedFault {
  id: number;
  kind: FaultKind;
  /** node indices (1-based); for a split, one side */
  targets: number[];
  /** a split's other side */
  others?: number[];
  /** loss: percent of incoming packets dropped */
  lossPct?: number;
  /** skew: the node's clock offset in ms (positive: ahead) */
  skewMs?: number;
  /** from the start of the fault phase (genesis) */
  atMs: number;
  durationMs: number;
  /** faults of one group start together ("several at once") */
  group: number;
}

export interface PlanOptions {
  seed: string;
  nodes: number;
  /** length of the fault phase */
  durationMs: number;
  kinds: readonly FaultKind[];
  /** true if the backend can run two faults at once */
  concurrent: boolean;
  slotMs: number;
  slotsPerEpoch: number;
  /** no fault before this (the cluster settles after genesis) */
  warmupMs?: number;
  /** no fault in the last part of the phase */
  cooldownMs?: number;
  /** how long an outage lasts (outageLength.ts); required when `kinds` has outage */
  outageMs?: number;
  /** time the plan gives the nodes to start again after an outage (default OUTAGE_RESTART_MS) */
  restartMs?: number;
}

const MIN_GAP_SLOTS = 12;
const MAX_GAP_SLOTS = 20;

/** After an outage: time for every node to start again and answer (start-up, level, libp2p). */
export const OUTAGE_RESTART_MS = 15_000;
/** No outage before this: the cluster is up, connected and producing, whatever the slot length. */
export const OUTAGE_EARLIEST_MS = 20_000;

/** Deterministic random numbers in [0, 1) from a seed (sha256 counter mode). */
export class SeededRandom {
  private counter = 0;
  private buf: number[] = [];
  constructor(private readonly seed: string) {}
  next(): number {
    if (this.buf.length === 0) {
      const h = sha256(new TextEncoder().encode(`baton chaos ${this.seed} ${this.counter++}`));
      const view = new DataView(h.buffer, h.byteOffset, h.byteLength);
      for (let i = 0; i < 32; i += 4) this.buf.push(view.getUint32(i) / 2 ** 32);
    }
    return this.buf.shift()!;
  }
  /** integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}

/** Faults that hit one node (they can be combined on different nodes). */
const SINGLE: ReadonlySet<FaultKind> = new Set([FaultKind.kill, FaultKind.freeze, FaultKind.stop, FaultKind.cut, FaultKind.loss, FaultKind.skew]);

/**
 * A skew's size in slots, ahead or behind: 0.6 (inside the clock disparity allowance at the CI's
 * 250 ms slots), 1.5 and 3 (more than a slot). Each skew of a plan takes the next size from a
 * seeded bag of the three, so a run with two skews has two sizes and one with three has all.
 */
export const SKEW_SLOTS = [0.6, 1.5, 3] as const;

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

/**
 * Faults one after another, each followed by a recovery gap; every kind in `kinds` comes up
 * (a seeded bag, refilled when empty); with `concurrent`, every third step is two faults on
 * two different nodes at once. Durations are in slots: a fault lasts 16–28 slots (long
 * enough for a dead leader to be ejected), a split or loss 16–32, the gap after it 12–20. A skew
 * is a node fault (16–28 slots) with an offset from SKEW_SLOTS.
 *
 * An outage (if in `kinds`) is not in the bag: it comes once, alone, if the phase has room
 * for it (outageFits), at a seeded point between the other faults but not before
 * OUTAGE_EARLIEST_MS, and lasts `outageMs`; the gap after it adds the restart time and two
 * epochs (outageGapMs).
 */
export function makeFaultPlan(o: PlanOptions): PlannedFault[] {
  if (o.nodes < 2) throw new PlanError("chaos needs at least 2 nodes");
  if (o.kinds.length === 0) throw new PlanError("no fault kinds to plan");
  const withOutage = o.kinds.includes(FaultKind.outage);
  if (withOutage && !(o.outageMs && o.outageMs > 0)) throw new PlanError("an outage needs its length (outageMs)");
  const rng = new SeededRandom(o.seed);
  const slot = o.slotMs;
  const { warmup, end } = phaseBounds(o);
  const nodes = Array.from({ length: o.nodes }, (_, i) => i + 1);
  const bagKinds = o.kinds.filter((k) => k !== FaultKind.outage);
  const faults: PlannedFault[] = [];
  let bag: FaultKind[] = [];
  let skewSizes: number[] = [];
  const skewMs = () => {
    if (skewSizes.length === 0) skewSizes = rng.shuffle(SKEW_SLOTS);
    return Math.round(skewSizes.shift()! * slot) * rng.pick([-1, 1]);
  };
  let group = 0;
  let step = 0;
  const draw = (allowed: (k: FaultKind) => boolean): FaultKind | null => {
    if (!bagKinds.some(allowed)) return null;
    for (;;) {
      if (bag.length === 0) bag = rng.shuffle(bagKinds);
      const k = bag.shift()!;
      if (allowed(k)) return k;
    }
  };
  const durationOf = (k: FaultKind) => (k === FaultKind.split || k === FaultKind.loss ? rng.int(16, 32) : rng.int(16, 28)) * slot;
  /** bag faults from `t` on; each must end by `until` (with `gapInside`, its longest recovery gap too); returns where the next would start */
  const fill = (t: number, until: number, gapInside: boolean): number => {
    for (;;) {
      const pair = o.concurrent && (step + 1) % 3 === 0 && o.nodes >= 3;
      const first = draw(pair ? (k) => SINGLE.has(k) : () => true);
      if (first === null) return t;
      const kinds = [first];
      if (pair) {
        const second = draw((k) => SINGLE.has(k));
        if (second !== null) kinds.push(second);
      }
      const planned = kinds.map((kind) => ({ kind, durationMs: durationOf(kind) }));
      const longest = Math.max(...planned.map((p) => p.durationMs));
      if (t + longest + (gapInside ? MAX_GAP_SLOTS * slot : 0) > until) return t;
      step++;
      const targets = rng.shuffle(nodes);
      for (const [k, p] of planned.entries()) {
        const f: PlannedFault = { id: faults.length + 1, kind: p.kind, targets: [targets[k]], atMs: t, durationMs: p.durationMs, group };
        if (p.kind === FaultKind.split) {
          const side = rng.shuffle(nodes);
          const half = Math.floor(o.nodes / 2);
          f.targets = side.slice(0, half).sort((a, b) => a - b);
          f.others = side.slice(half).sort((a, b) => a - b);
        }
        if (p.kind === FaultKind.loss) f.lossPct = rng.pick([10, 20, 30]);
        if (p.kind === FaultKind.skew) f.skewMs = skewMs();
        faults.push(f);
      }
      group++;
      t += longest + rng.int(MIN_GAP_SLOTS, MAX_GAP_SLOTS) * slot;
    }
  };
  if (!withOutage || !outageFits(o)) {
    fill(warmup, end, false);
    return faults;
  }
  // the outage at a seeded point: bag faults before it (with their gaps), the outage, bag faults after
  const total = o.outageMs! + outageGapMs(o);
  const earliest = Math.max(warmup, OUTAGE_EARLIEST_MS);
  const before = rng.int(0, Math.floor((end - earliest - total) / slot)) * slot;
  const at = Math.max(earliest, fill(warmup, earliest + before, true));
  faults.push({ id: faults.length + 1, kind: FaultKind.outage, targets: nodes, atMs: at, durationMs: o.outageMs!, group: group++ });
  step++;
  fill(at + total, end, false);
  return faults;
}

/** Where faults may be: after the warm-up, and ending before the cool-down. */
function phaseBounds(o: PlanOptions): { warmup: number; end: number } {
  const warmup = o.warmupMs ?? Math.max(4 * o.slotMs * 4, 2 * o.slotsPerEpoch * o.slotMs);
  const cooldown = o.cooldownMs ?? 8 * o.slotMs;
  return { warmup, end: o.durationMs - cooldown };
}

/** The recovery gap after an outage: the nodes' restart, two epochs (the liveness grace), 16 slots. */
export function outageGapMs(o: Pick<PlanOptions, "slotMs" | "slotsPerEpoch" | "restartMs">): number {
  return (o.restartMs ?? OUTAGE_RESTART_MS) + (2 * o.slotsPerEpoch + 16) * o.slotMs;
}

/** The shortest fault phase that has room for an outage (and its recovery gap). */
export function minDurationForOutage(o: Omit<PlanOptions, "durationMs">): number {
  const { warmup } = phaseBounds({ ...o, durationMs: 0 });
  const cooldown = o.cooldownMs ?? 8 * o.slotMs;
  return Math.max(warmup, OUTAGE_EARLIEST_MS) + (o.outageMs ?? 0) + outageGapMs(o) + cooldown;
}

export const outageFits = (o: PlanOptions): boolean => o.durationMs >= minDurationForOutage(o);

/** "kill n2", "split n1,n3 | n2,n4", "loss n4 20%", "skew n3 -375ms" (with `slotMs`: "skew n3 -375ms = -1.5 slots"). */
export function describeFault(f: Pick<PlannedFault, "kind" | "targets" | "others" | "lossPct" | "skewMs">, slotMs?: number): string {
  const ns = (xs: number[]) => xs.map((i) => `n${i}`).join(",");
  if (f.kind === FaultKind.skew) return `skew ${ns(f.targets)} ${describeSkew(f.skewMs ?? 0, slotMs)}`;
  if (f.kind === FaultKind.split) return `split ${ns(f.targets)} | ${ns(f.others ?? [])}`;
  if (f.kind === FaultKind.loss) return `loss ${ns(f.targets)} ${f.lossPct}%`;
  if (f.kind === FaultKind.outage) return `outage (all of ${ns(f.targets)})`;
  return `${f.kind} ${ns(f.targets)}`;
}

/** "+375ms", "-150ms"; with `slotMs`, "+375ms = +1.5 slots". */
export function describeSkew(skewMs: number, slotMs?: number): string {
  const sign = skewMs < 0 ? "-" : "+";
  const slots = slotMs ? ` = ${sign}${Number((Math.abs(skewMs) / slotMs).toFixed(2))} slots` : "";
  return `${sign}${Math.abs(skewMs)}ms${slots}`;
}

/** Parses "kill,freeze,split" (or "all") against what a backend supports. */
export function parseFaultKinds(text: string, supported: readonly FaultKind[]): FaultKind[] {
  if (text === "all" || text === "") return [...supported];
  const out: FaultKind[] = [];
  for (const w of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    if (!FAULT_KINDS.includes(w as FaultKind)) throw new PlanError(`unknown fault ${JSON.stringify(w)}; faults: ${FAULT_KINDS.join(", ")}`);
    if (!supported.includes(w as FaultKind)) throw new PlanError(`this backend cannot inject ${w}; it supports ${supported.join(", ")}`);
    out.push(w as FaultKind);
  }
  return out;
}
