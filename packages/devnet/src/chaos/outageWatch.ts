/**
 * The outage fault at run time: the sequencers' records read just before every node is
 * killed and again at the end of the recovery gap, the wait until >2/3 of the weight is up
 * and in sync after the restart (that closes the fault window), and the progress text while
 * it lasts. The verdicts are outageChecks.ts's.
 */
import { getJson, type ChaosHttp } from "./http.js";
import { outageRecovery, type OutagePenaltyFacts, type SequencerSnapshot } from "./outageChecks.js";
import type { ClusterShape, FaultWindow } from "./invariants.js";
import { pickRecord, type BlockRef, type Observer, type SequencerRecord } from "./observer.js";
import { sleep } from "../sleep.js";

/** Reads of a node's records tried before giving up on one that the head does not move through. */
const STABLE_READ_ATTEMPTS = 20;

/** Longest wait, after the restart, for >2/3 of the weight to be up and in sync. */
export const OUTAGE_READY_LIMIT_MS = 60_000;

/**
 * The highest head's sequencer records: each node's /sequencers read between two /status
 * answers with the same head (so the records belong to that head); null if no node gave one.
 */
export async function sequencerSnapshot(http: ChaosHttp, apiUrls: string[], timeoutMs = 2_000): Promise<{ snapshot: SequencerSnapshot | null; why: string }> {
  type Status = { head: BlockRef };
  const errors: string[] = [];
  const reads = await Promise.all(
    apiUrls.map(async (url, k): Promise<SequencerSnapshot | null> => {
      try {
        // under load the head moves every slot: try again until one read falls inside a slot
        for (let attempt = 1; ; attempt++) {
          const s1 = await getJson<Status>(http, `${url}/status`, timeoutMs);
          const seqs = await getJson<SequencerRecord[]>(http, `${url}/sequencers`, timeoutMs);
          const s2 = await getJson<Status>(http, `${url}/status`, timeoutMs);
          if (!s1 || !s2 || !seqs) throw new Error("404");
          if (s1.head.root === s2.head.root) return { node: k + 1, t: Date.now(), head: s1.head, sequencers: seqs.map(pickRecord) };
          if (attempt >= STABLE_READ_ATTEMPTS) throw new Error(`head moved during each of ${attempt} reads`);
        }
      } catch (e) {
        errors.push(`n${k + 1}: ${(e as Error).message}`);
        return null;
      }
    }),
  );
  const best = reads.filter((r): r is SequencerSnapshot => r !== null).sort((a, b) => b.head.height - a.head.height || a.node - b.node)[0] ?? null;
  return { snapshot: best, why: best ? "" : errors.join("; ") };
}

interface OutageRecord {
  window: FaultWindow;
  /** when the plan restarts the nodes */
  restartDueMs: number;
  before: SequencerSnapshot | null;
  after: SequencerSnapshot | null;
  afterTaken: boolean;
  why: string[];
}

export class OutageWatch {
  private readonly records: OutageRecord[] = [];

  constructor(
    private readonly o: {
      http: ChaosHttp;
      apiUrls: string[];
      observer: Observer;
      shape: ClusterShape;
      log: (line: string) => void;
    },
  ) {}

  /** Just before every node is killed: the records the outage must not change. */
  async beforeOutage(window: FaultWindow, restartDueMs: number): Promise<void> {
    const { snapshot, why } = await sequencerSnapshot(this.o.http, this.o.apiUrls);
    this.records.push({ window, restartDueMs, before: snapshot, after: null, afterTaken: false, why: why ? [`before: ${why}`] : [] });
    this.o.log(snapshot ? `   before the outage: ${describeSnapshot(snapshot)}` : `   before the outage: no sequencer records (${why})`);
  }

  /**
   * After the restart: waits until the nodes up and in sync (an answer to /status, not
   * syncing) hold more than 2/3 of the weight, or OUTAGE_READY_LIMIT_MS. Returns when that was.
   */
  async awaitRecovery(window: FaultWindow, signal?: AbortSignal): Promise<number | null> {
    const restartMs = window.restartMs ?? Date.now();
    const deadline = restartMs + OUTAGE_READY_LIMIT_MS;
    for (;;) {
      const r = outageRecovery(this.o.shape, this.o.observer.samples, restartMs);
      if (r.readyMs !== null) {
        const ups = r.upAtMs.map((t, k) => `n${k + 1} ${t === null ? "--" : `+${((t - restartMs) / 1000).toFixed(1)}s`}`).join(" ");
        this.o.log(`   outage: >2/3 of the weight up and in sync ${((r.readyMs - restartMs) / 1000).toFixed(1)} s after the restart (${ups})`);
        return r.readyMs;
      }
      if (Date.now() > deadline) {
        this.o.log(`!! outage: >2/3 of the weight not up and in sync ${OUTAGE_READY_LIMIT_MS / 1000} s after the restart`);
        return null;
      }
      await sleep(100, signal);
    }
  }

  /** At the end of a recovery gap (before the next fault, or when the faults are over): the records after each outage. */
  async afterRecovery(): Promise<void> {
    for (const r of this.records) {
      if (r.afterTaken || r.window.restartMs === undefined) continue;
      r.afterTaken = true;
      const { snapshot, why } = await sequencerSnapshot(this.o.http, this.o.apiUrls);
      r.after = snapshot;
      if (why) r.why.push(`after: ${why}`);
      this.o.log(snapshot ? `   after the outage: ${describeSnapshot(snapshot)}` : `   after the outage: no sequencer records (${why})`);
    }
  }

  /** The outage part of a progress line: a countdown to the restart, then who is back. */
  progress(now: number): string | null {
    const r = this.records.find((x) => !x.afterTaken);
    if (!r) return null;
    const w = r.window;
    if (w.restartMs === undefined) {
      return `outage: every node down for ${((now - w.startMs) / 1000).toFixed(0)} s, restart in ${Math.max(0, (r.restartDueMs - now) / 1000).toFixed(0)} s`;
    }
    const rec = outageRecovery(this.o.shape, this.o.observer.samples, w.restartMs);
    const up = rec.upAtMs.flatMap((t, k) => (t === null ? [] : [`n${k + 1}`]));
    const since = `restarted ${((now - w.restartMs) / 1000).toFixed(0)} s ago`;
    if (rec.readyMs === null) return `outage: ${since}; up and in sync: ${up.join(",") || "none"} (waiting for >2/3 of the weight)`;
    return `outage: ${since}; >2/3 back after ${((rec.readyMs - w.restartMs) / 1000).toFixed(1)} s; records after it at the end of the recovery gap`;
  }

  penaltyFacts(): OutagePenaltyFacts[] {
    return this.records.map((r) => ({
      label: r.window.label,
      restartSlot: r.window.restartSlot ?? r.window.endSlot,
      before: r.before,
      after: r.after,
      ...(r.why.length ? { why: r.why.join("; ") } : {}),
    }));
  }
}

function describeSnapshot(s: SequencerSnapshot): string {
  return `n${s.node} at height ${s.head.height} (slot ${s.head.slot}): ${s.sequencers.map((q) => `s${q.index} ${q.status} ${q.stake} misses ${q.misses}`).join(", ")}`;
}
