/**
 * Watches one node through its event stream (GET /events): every batch it imports (when,
 * which height, how many txs), ejections, and, when asked, the hashes of each batch's txs
 * (GET /batches/<root>) to time each tx's soft confirmation at that node.
 */
import { request, type ClientRequest, type IncomingMessage } from "node:http";

export interface BatchSeen {
  root: string;
  slot: number;
  height: number;
  proposer: number;
  txs: number;
  source: string;
  /** Date.now() when the event reached the bench */
  at: number;
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

export class NodeObserver {
  /** the latest batch seen at each height (a fork replaces it) */
  readonly byHeight = new Map<number, BatchSeen>();
  readonly batches: BatchSeen[] = [];
  readonly ejections: EjectionSeen[] = [];
  /** tx hash (0x lower) → Date.now() when a batch holding it was seen, while tracking */
  readonly txSeenAt = new Map<string, number>();
  /** txs in the batches of byHeight */
  includedTxs = 0;
  trackHashes = false;
  errors = 0;
  private req: ClientRequest | null = null;
  private res: IncomingMessage | null = null;
  private closed = false;
  private readonly waiters = new Set<() => void>();

  constructor(readonly apiUrl: string) {}

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
        at,
      };
      this.batches.push(b);
      const old = this.byHeight.get(b.height);
      this.includedTxs += b.txs - (old?.txs ?? 0);
      this.byHeight.set(b.height, b);
      if (this.trackHashes && b.txs > 0) void this.fetchHashes(b);
    } else if (event === "ejected") {
      this.ejections.push({ sequencer: Number(d.sequencer), slot: Number(d.slot), at });
    }
    for (const w of [...this.waiters]) w();
  }

  private async fetchHashes(b: BatchSeen): Promise<void> {
    try {
      const res = await fetch(`${this.apiUrl}/batches/${b.root}`, { signal: AbortSignal.timeout(10_000) });
      const json = (await res.json()) as { txs?: string[] };
      for (const h of json.txs ?? []) {
        const k = h.toLowerCase();
        if (!this.txSeenAt.has(k)) this.txSeenAt.set(k, b.at);
      }
    } catch {
      this.errors++;
    }
  }
}
