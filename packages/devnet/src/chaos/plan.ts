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
}

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
const SINGLE: ReadonlySet<FaultKind> = new Set([FaultKind.kill, FaultKind.freeze, FaultKind.stop, FaultKind.cut, FaultKind.loss]);

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
 * enough for a dead leader to be ejected), a split or loss 16–32, the gap after it 12–20.
 */
export function makeFaultPlan(o: PlanOptions): PlannedFault[] {
  if (o.nodes < 2) throw new PlanError("chaos needs at least 2 nodes");
  if (o.kinds.length === 0) throw new PlanError("no fault kinds to plan");
  const rng = new SeededRandom(o.seed);
  const slot = o.slotMs;
  const warmup = o.warmupMs ?? Math.max(4 * slot * 4, 2 * o.slotsPerEpoch * slot);
  const cooldown = o.cooldownMs ?? 8 * slot;
  const end = o.durationMs - cooldown;
  const nodes = Array.from({ length: o.nodes }, (_, i) => i + 1);
  const faults: PlannedFault[] = [];
  let bag: FaultKind[] = [];
  const draw = (allowed: (k: FaultKind) => boolean): FaultKind | null => {
    if (!o.kinds.some(allowed)) return null;
    for (;;) {
      if (bag.length === 0) bag = rng.shuffle(o.kinds);
      const k = bag.shift()!;
      if (allowed(k)) return k;
    }
  };
  const durationOf = (k: FaultKind) => (k === FaultKind.split || k === FaultKind.loss ? rng.int(16, 32) : rng.int(16, 28)) * slot;
  let t = warmup;
  let group = 0;
  for (let step = 1; ; step++) {
    const pair = o.concurrent && step % 3 === 0 && o.nodes >= 3;
    const first = draw(pair ? (k) => SINGLE.has(k) : () => true);
    if (first === null) break;
    const kinds = [first];
    if (pair) {
      const second = draw((k) => SINGLE.has(k));
      if (second !== null) kinds.push(second);
    }
    const planned = kinds.map((kind) => ({ kind, durationMs: durationOf(kind) }));
    const longest = Math.max(...planned.map((p) => p.durationMs));
    if (t + longest > end) break;
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
      faults.push(f);
    }
    group++;
    t += longest + rng.int(12, 20) * slot;
  }
  return faults;
}

/** "kill n2", "split n1,n3 | n2,n4", "loss n4 20%". */
export function describeFault(f: Pick<PlannedFault, "kind" | "targets" | "others" | "lossPct">): string {
  const ns = (xs: number[]) => xs.map((i) => `n${i}`).join(",");
  if (f.kind === FaultKind.split) return `split ${ns(f.targets)} | ${ns(f.others ?? [])}`;
  if (f.kind === FaultKind.loss) return `loss ${ns(f.targets)} ${f.lossPct}%`;
  return `${f.kind} ${ns(f.targets)}`;
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
