/**
 * Sends the pre-signed pool to the nodes' APIs (POST /txs, bundles round-robin across the
 * nodes), either at a fixed rate (open loop: a steady load) or keeping a fixed number of txs
 * submitted but not yet included (closed loop: the network always has a full queue, so what
 * it includes per second is its maximum sustained throughput). Every loop ends at a deadline.
 */
import { sleep } from "../sleep.js";
import type { TxPool } from "./txPool.js";

export interface DriverOptions {
  /** most txs per POST */
  maxBundle: number;
  /** most POSTs awaiting an answer per node */
  maxInFlightPerNode: number;
  tickMs: number;
}

export const defaultDriverOptions: DriverOptions = { maxBundle: 100, maxInFlightPerNode: 4, tickMs: 10 };

export interface DriverStats {
  sent: number;
  acknowledged: number;
  /** refused for good (invalid, duplicate...) */
  refused: number;
  /** refused because the node was at its limit (503, MEMPOOL_FULL): sent again later */
  retried: number;
  /** no answer (node down, timeout) */
  failed: number;
  /** the pool ran out */
  exhausted: boolean;
  lastError: string | null;
}

export class LoadDriver {
  readonly stats: DriverStats = { sent: 0, acknowledged: 0, refused: 0, retried: 0, failed: 0, exhausted: false, lastError: null };
  /** tx hash → Date.now() just before its POST, while `trackSendTimes` */
  readonly sendTimes = new Map<string, number>();
  trackSendTimes = false;
  private cursor = 0;
  /** pool indices a busy node refused, sent again before new ones (their nonces come first) */
  private retry: number[] = [];
  private nextNode = 0;
  private readonly inFlight: number[];
  private readonly downUntil: number[];
  private readonly pending = new Set<Promise<void>>();
  private readonly opts: DriverOptions;
  private stopped = false;

  constructor(
    private readonly pool: TxPool,
    private readonly apiUrls: string[],
    opts: Partial<DriverOptions> = {},
  ) {
    this.opts = { ...defaultDriverOptions, ...opts };
    this.inFlight = apiUrls.map(() => 0);
    this.downUntil = apiUrls.map(() => 0);
  }

  /** txs submitted and not refused or lost (acknowledged or still awaiting an answer) */
  get submitted(): number {
    return this.stats.sent - this.stats.refused - this.stats.retried - this.stats.failed;
  }

  /** Stop sending to node `i` (0-based), e.g. once it was killed. */
  markDown(i: number, ms = 3_600_000): void {
    this.downUntil[i] = Date.now() + ms;
  }

  /** Ends the loop running now (each run* call starts again). */
  stop(): void {
    this.stopped = true;
  }

  /** Open loop: `rate` txs per second until `until` (Date.now() ms) or stop(). */
  async runRate(rate: number, until: number): Promise<void> {
    this.stopped = false;
    let due = 0;
    let last = Date.now();
    while (Date.now() < until && !this.stopped) {
      const now = Date.now();
      due += (rate * (now - last)) / 1000;
      last = now;
      due -= this.sendUpTo(Math.floor(due));
      // a queue that cannot drain (every node busy) is not carried for ever
      if (due > rate) due = rate;
      await sleep(this.opts.tickMs);
    }
  }

  /** Closed loop: keep `backlog` txs submitted but not included (`included()` counts them) until `until`. */
  async runBacklog(backlog: number, included: () => number, until: number): Promise<void> {
    this.stopped = false;
    while (Date.now() < until && !this.stopped) {
      const outstanding = this.submitted - included();
      if (outstanding < backlog) this.sendUpTo(backlog - outstanding);
      await sleep(this.opts.tickMs);
    }
  }

  /** Waits for the POSTs still awaiting an answer. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  /** Sends up to `count` txs now, as bundles to nodes that have room; returns how many went out. */
  private sendUpTo(count: number): number {
    let sent = 0;
    while (sent < count) {
      if (this.retry.length === 0 && this.cursor >= this.pool.size) {
        this.stats.exhausted = true;
        break;
      }
      const node = this.pickNode();
      if (node < 0) break;
      const n = Math.min(this.opts.maxBundle, count - sent);
      const indices = this.retry.splice(0, n);
      while (indices.length < n && this.cursor < this.pool.size) indices.push(this.cursor++);
      sent += indices.length;
      this.post(node, indices);
    }
    return sent;
  }

  private pickNode(): number {
    const now = Date.now();
    for (let k = 0; k < this.apiUrls.length; k++) {
      const i = this.nextNode++ % this.apiUrls.length;
      if (this.downUntil[i] <= now && this.inFlight[i] < this.opts.maxInFlightPerNode) return i;
    }
    return -1;
  }

  private post(node: number, indices: number[]): void {
    const n = indices.length;
    const hexes = indices.map((i) => this.pool.hex[i]);
    const t = Date.now();
    if (this.trackSendTimes) for (const i of indices) if (!this.sendTimes.has(this.pool.hash[i])) this.sendTimes.set(this.pool.hash[i], t);
    this.stats.sent += n;
    this.inFlight[node]++;
    const p = fetch(`${this.apiUrls[node]}/txs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"txs":["${hexes.join('","')}"]}`,
      signal: AbortSignal.timeout(10_000),
    })
      .then(async (res) => {
        const json = (await res.json().catch(() => ({}))) as {
          hashes?: unknown[];
          errors?: { index: number; code: string }[];
          error?: { code?: string; message?: string };
        };
        const busy = (code: string | undefined) => code !== undefined && code.includes("FULL");
        if (res.status === 503 || (!res.ok && busy(json.error?.code))) {
          this.stats.retried += n;
          this.retry.push(...indices);
          return;
        }
        const ok = Array.isArray(json.hashes) ? json.hashes.length : 0;
        this.stats.acknowledged += ok;
        const again = (json.errors ?? []).filter((e) => busy(e.code)).map((e) => indices[e.index]);
        this.retry.push(...again.filter((i) => i !== undefined));
        this.stats.retried += again.length;
        this.stats.refused += n - ok - again.length;
        if (ok < n) this.stats.lastError = json.error?.message ?? `HTTP ${res.status}: ${n - ok} of ${n} refused`;
      })
      .catch((e: Error) => {
        this.stats.failed += n;
        this.stats.lastError = e.message;
        this.downUntil[node] = Date.now() + 2_000;
      })
      .finally(() => {
        this.inFlight[node]--;
        this.pending.delete(p);
      });
    this.pending.add(p);
  }
}
