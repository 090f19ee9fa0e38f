/**
 * The chaos observer: polls every node's /status once a slot (one loop per node, so a frozen
 * node stalls only its own loop), follows each node's confirmed chain batch by batch
 * (/batches/<h>) and compares roots height by height across nodes (safety), and keeps the
 * schedule of every epoch and the sequencers' records over time (for the timeline).
 */
import { sleep } from "../sleep.js";
import type { BlockRef, NodeStatus } from "@baton/client";
import { getJson, type ChaosHttp } from "./http.js";

export type { BlockRef };
export interface StatusSample {
  t: number;
  node: number;
  slot: number;
  head: BlockRef;
  confirmed: BlockRef;
  peers: number;
  syncing: boolean;
}
export interface BatchInfo {
  root: string;
  slot: number;
  height: number;
  proposer: number;
  parentRoot: string;
  txs: string[];
}
export interface SafetyConflict {
  height: number;
  /** first root seen confirmed at this height, and by whom */
  root: string;
  node: number;
  /** the other root, and by whom */
  otherRoot: string;
  otherNode: number;
  t: number;
  how: string;
}
export interface SequencerRecord {
  index: number;
  status: string;
  stake: string;
  produced: number;
  misses: number;
  consecutiveMisses: number;
}
export interface SequencersSample {
  t: number;
  slot: number;
  node: number;
  sequencers: SequencerRecord[];
}
export interface ScheduleSlot {
  slot: number;
  leader: number;
  fallbacks: number[];
}

export interface ObserverOptions {
  http: ChaosHttp;
  apiUrls: string[];
  sampleMs: number;
  /** heights fetched per node per round at most */
  batchesPerRound?: number;
  now?: () => number;
}


export class Observer {
  readonly samples: StatusSample[] = [];
  readonly conflicts: SafetyConflict[] = [];
  /** root of the confirmed batch at each height, as first seen */
  readonly confirmedRoots = new Map<number, { root: string; node: number; t: number }>();
  readonly batches = new Map<string, BatchInfo>();
  readonly schedules = new Map<number, ScheduleSlot[]>();
  readonly sequencers: SequencersSample[] = [];
  /** heights compared against another node's root */
  comparisons = 0;
  /** per node: highest height whose root was checked */
  readonly checkedUpTo: number[];
  readonly latest: (StatusSample | null)[];
  readonly failures: number[];
  /** nodes under a network fault: not asked for schedules and records */
  readonly impaired = new Set<number>();
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly now: () => number;
  private scheduleBusy = false;
  private seqBusy = false;
  private lastSeqSlot = -1;

  constructor(private readonly o: ObserverOptions) {
    this.now = o.now ?? Date.now;
    this.checkedUpTo = o.apiUrls.map(() => 0);
    this.latest = o.apiUrls.map(() => null);
    this.failures = o.apiUrls.map(() => 0);
  }

  start(): void {
    this.running = true;
    this.loops = this.o.apiUrls.map((_, k) => this.loop(k + 1));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(node: number): Promise<void> {
    while (this.running) {
      const t0 = this.now();
      await this.round(node).catch(() => undefined);
      const wait = this.o.sampleMs - (this.now() - t0);
      if (wait > 0 && this.running) await sleep(wait);
    }
  }

  /** One observation of one node: status, then the confirmed batches not yet checked. */
  async round(node: number): Promise<void> {
    const url = this.o.apiUrls[node - 1];
    let s: NodeStatus | null;
    try {
      s = await getJson<NodeStatus>(this.o.http, `${url}/status`, 1_500);
    } catch {
      this.failures[node - 1]++;
      this.latest[node - 1] = null;
      return;
    }
    if (!s) return;
    const sample: StatusSample = { t: this.now(), node, slot: s.slot, head: s.head, confirmed: s.confirmed, peers: s.peers, syncing: s.syncing };
    this.samples.push(sample);
    this.latest[node - 1] = sample;
    this.noteConfirmed(node, s.confirmed.height, s.confirmed.root, sample.t, "status confirmed tip");
    void this.maybeSchedules(node, s.epoch);
    void this.maybeSequencers(node, s.slot);
    await this.followConfirmed(node, s.confirmed.height);
  }

  /** Compares one (height, root) a node reports confirmed with what others reported. */
  noteConfirmed(node: number, height: number, root: string, t: number, how: string): void {
    if (height <= 0) return;
    const known = this.confirmedRoots.get(height);
    if (!known) {
      this.confirmedRoots.set(height, { root, node, t });
      return;
    }
    this.comparisons++;
    if (known.root !== root && !this.conflicts.some((c) => c.height === height && c.otherRoot === root)) {
      this.conflicts.push({ height, root: known.root, node: known.node, otherRoot: root, otherNode: node, t, how });
    }
  }

  private async followConfirmed(node: number, confirmedHeight: number): Promise<void> {
    const url = this.o.apiUrls[node - 1];
    const limit = this.o.batchesPerRound ?? 40;
    let h = this.checkedUpTo[node - 1] + 1;
    for (let n = 0; h <= confirmedHeight && n < limit && this.running; h++, n++) {
      const b = await getJson<BatchInfo>(this.o.http, `${url}/batches/${h}`, 1_500).catch(() => null);
      if (!b) return; // a restarted node may not have it yet: next round
      if (!this.batches.has(b.root)) {
        this.batches.set(b.root, { root: b.root, slot: b.slot, height: b.height, proposer: b.proposer, parentRoot: b.parentRoot, txs: b.txs });
      }
      this.noteConfirmed(node, h, b.root, this.now(), `/batches/${h}`);
      this.checkedUpTo[node - 1] = h;
    }
  }

  private async maybeSchedules(node: number, epoch: number): Promise<void> {
    if (this.scheduleBusy || this.impaired.has(node)) return;
    const want = [epoch, epoch + 1].filter((e) => !this.schedules.has(e));
    if (want.length === 0) return;
    this.scheduleBusy = true;
    try {
      for (const e of want) {
        const r = await getJson<{ slots: ScheduleSlot[] }>(this.o.http, `${this.o.apiUrls[node - 1]}/schedule?epoch=${e}`, 1_500).catch(() => null);
        if (r) this.schedules.set(e, r.slots);
      }
    } finally {
      this.scheduleBusy = false;
    }
  }

  private async maybeSequencers(node: number, slot: number): Promise<void> {
    if (this.seqBusy || this.impaired.has(node) || slot <= this.lastSeqSlot) return;
    this.seqBusy = true;
    try {
      const r = await getJson<SequencerRecord[]>(this.o.http, `${this.o.apiUrls[node - 1]}/sequencers`, 1_500).catch(() => null);
      if (r) {
        this.lastSeqSlot = slot;
        this.sequencers.push({ t: this.now(), slot, node, sequencers: r.map(pickRecord) });
      }
    } finally {
      this.seqBusy = false;
    }
  }

  /** The confirmed chain from height 1 as far as roots are known without a hole. */
  confirmedChain(): BatchInfo[] {
    const out: BatchInfo[] = [];
    for (let h = 1; ; h++) {
      const r = this.confirmedRoots.get(h);
      const b = r && this.batches.get(r.root);
      if (!b) return out;
      out.push(b);
    }
  }
}

export const pickRecord = (q: SequencerRecord): SequencerRecord => ({
  index: q.index,
  status: q.status,
  stake: q.stake,
  produced: q.produced,
  misses: q.misses,
  consecutiveMisses: q.consecutiveMisses,
});
