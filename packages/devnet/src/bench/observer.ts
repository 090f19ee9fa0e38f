/**
 * Watches one node through its event stream (GET /events): every batch it imports (when,
 * which height, how many txs) and ejections. While `trackHashes` is on, each batch's tx
 * hashes are fetched (GET /batches/<root>) once per batch for all observers together
 * (BatchHashes), from the node that reported the batch first, so the bench adds little work
 * to the nodes it measures; txSeenAt() then times each tx's soft confirmation at this node.
 */
import { request, type ClientRequest, type IncomingMessage } from "node:http";

export interface BatchSeen {
  root: string;
  slot: number;
  height: number;
  proposer: number;
  txs: number;
  source: string;
  /** unix ms when the node imported it (its `importedAt`; when the event reached the bench if the node does not say) */
  at: number;
}

/** A tx's soft confirmation at one node: the importedAt of the first batch holding it, and that batch. */
export interface TxSeen {
  at: number;
  root: string;
}

export interface EjectionSeen {
  sequencer: number;
  slot: number;
  at: number;
}

/** Splits an SSE byte stream into (event, data) pairs; keeps a partial event between chunks. */
export class SseParser {
  private buf = "";
  constructor(private readonly onEvent: (event: string, data: string) => void) {}

  push(chunk: string): void {
    this.buf += chunk;
    let end;
    while ((end = this.buf.indexOf("\n\n")) >= 0) {
      const block = this.buf.slice(0, end);
      this.buf = this.buf.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length > 0) this.onEvent(event, data.join("\n"));
    }
  }
}

/** Each batch's tx hashes, fetched once (from the first node that asks). */
export class BatchHashes {
  private readonly byRoot = new Map<string, Promise<string[]>>();
  errors = 0;

  request(apiUrl: string, root: string): void {
    if (this.byRoot.has(root)) return;
    const p = fetch(`${apiUrl}/batches/${root}`, { signal: AbortSignal.timeout(10_000) })
      .then(async (res) => ((await res.json()) as { txs?: string[] }).txs?.map((h) => h.toLowerCase()) ?? [])
      .catch(() => {
        this.errors++;
        return [] as string[];
      });
    this.byRoot.set(root, p);
  }

  get(root: string): Promise<string[]> {
    return this.byRoot.get(root) ?? Promise.resolve([]);
  }
}

export class NodeObserver {
  /** the latest batch seen at each height (a fork replaces it) */
  readonly byHeight = new Map<number, BatchSeen>();
  readonly batches: BatchSeen[] = [];
  readonly ejections: EjectionSeen[] = [];
  /** Date.now() of each slot this node recorded as missed (one per missed slot) */
  readonly misses: number[] = [];
  /** root → the node's importedAt of the batch (the event's time if it gives none), for batches seen while tracking */
  private readonly trackedAt = new Map<string, number>();
  /** txs in the batches of byHeight */
  includedTxs = 0;
  trackHashes = false;
  errors = 0;
  private req: ClientRequest | null = null;
  private res: IncomingMessage | null = null;
  private closed = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly apiUrl: string,
    private readonly hashes: BatchHashes = new BatchHashes(),
  ) {}

  /**
   * tx hash (0x lower) → when this node imported the first batch holding it (the node's own
   * `importedAt`, so soft confirmation ends where the node says, not when the event reached
   * the bench) and that batch's root (batches seen while tracking).
   */
  async txSeenAt(): Promise<Map<string, TxSeen>> {
    const out = new Map<string, TxSeen>();
    for (const [root, at] of this.trackedAt) {
      for (const hash of await this.hashes.get(root)) {
        const prev = out.get(hash);
        if (prev === undefined || at < prev.at) out.set(hash, { at, root });
      }
    }
    return out;
  }

  /** Connects; resolves once the stream is open. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const parser = new SseParser((event, data) => this.onEvent(event, data));
      const req = request(`${this.apiUrl}/events`, { method: "GET", headers: { accept: "text/event-stream" } }, (res) => {
        this.res = res;
        if (res.statusCode !== 200) {
          reject(new Error(`${this.apiUrl}/events: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => parser.push(chunk));
        res.on("error", () => {});
        resolve();
      });
      req.on("error", (e) => {
        if (!this.closed) reject(e);
      });
      req.end();
      this.req = req;
    });
  }

  close(): void {
    this.closed = true;
    this.res?.destroy();
    this.req?.destroy();
  }

  /** Resolves at the next event of any kind (or after `ms`). */
  nextEvent(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  /** txs included in batches first seen in [from, to) (Date.now() ms) */
  includedBetween(from: number, to: number): { txs: number; batches: number } {
    let txs = 0;
    let batches = 0;
    for (const b of this.byHeight.values()) {
      if (b.at >= from && b.at < to) {
        txs += b.txs;
        batches++;
      }
    }
    return { txs, batches };
  }

  missesBetween(from: number, to: number): number {
    return this.misses.filter((t) => t >= from && t < to).length;
  }

  private onEvent(event: string, data: string): void {
    const at = Date.now();
    let d: Record<string, unknown>;
    try {
      d = JSON.parse(data) as Record<string, unknown>;
    } catch {
      this.errors++;
      return;
    }
    if (event === "batch") {
      const b: BatchSeen = {
        root: String(d.root),
        slot: Number(d.slot),
        height: Number(d.height),
        proposer: Number(d.proposer),
        txs: Number(d.txs),
        source: String(d.source),
        at: typeof d.importedAt === "number" ? d.importedAt : at,
      };
      this.batches.push(b);
      const old = this.byHeight.get(b.height);
      this.includedTxs += b.txs - (old?.txs ?? 0);
      this.byHeight.set(b.height, b);
      if (this.trackHashes && b.txs > 0 && !this.trackedAt.has(b.root)) {
        this.trackedAt.set(b.root, b.at);
        this.hashes.request(this.apiUrl, b.root);
      }
    } else if (event === "miss") {
      for (let k = 0; k < Number(d.misses ?? 1); k++) this.misses.push(at);
    } else if (event === "ejected") {
      this.ejections.push({ sequencer: Number(d.sequencer), slot: Number(d.slot), at });
    }
    for (const w of [...this.waiters]) w();
  }
}
