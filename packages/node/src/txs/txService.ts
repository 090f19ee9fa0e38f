/**
 * Txs entering this node (API or gossip) go through the mempool (verified once); new ones
 * from the API are gossiped in bundles: many txs per message, flushed every few ms. Txs this
 * node accepted from its users are sent again while they stay pending, so a tx acknowledged
 * while the node was cut off reaches the others once the network heals.
 *
 * Gossiped bundles are verified in slices of at most `sliceMs` per turn of the event loop,
 * from a bounded queue: a bundle of 500 txs is ~40 ms of ed25519 checks, and done in one go
 * it delays the slot timer and the import of the next batch by as much (the bench measured
 * event-loop stalls of 200-300 ms at 1,000 tx/s on 4 nodes). Slot work comes first; when
 * more than `maxQueuedTxs` wait, new bundles are ignored, and from `apiMaxQueuedTxs` on POST
 * /txs answers 503 (MEMPOOL_FULL), so a network at its limit pushes back on its users
 * instead of falling behind the chain (every node checks every tx: one node's queue measures
 * what the whole network takes in).
 * POST /txs also answers 503 while the event loop lags more than `maxLagMs` (mean over the
 * last 200 ms): with the API taking all it was offered, a node on a loaded machine fell a
 * slot or more behind, missed its slots and built on stale heads (the bench's max-load
 * window: 12 missed slots in 8 s on 4 nodes; with the lag check: none).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import type { Logger } from "pino";
import { BatonError, DecodeError, txHashHexOf, ssz, type Tx } from "@baton/core";
import { MempoolError, MempoolErrorCode, type Mempool } from "../mempool/index.js";
import { GossipAction, GossipValidationError } from "../network/errors.js";
import { decodeTxGossip, encodeTxGossip } from "./txGossip.js";

export interface TxServiceOptions {
  flushIntervalMs: number;
  maxBundleTxs: number;
  /** a local tx still pending after this long is gossiped again */
  rebroadcastMs: number;
  /** local txs tracked for rebroadcast at most */
  maxLocalTxs: number;
  /** gossiped txs waiting for their signature check; beyond it bundles are ignored (default 4,096) */
  maxQueuedTxs?: number;
  /** POST /txs is refused (503) while more gossiped txs than this wait (default 1,024: about a slot's work at the limit) */
  apiMaxQueuedTxs?: number;
  /** most ms of signature checks per turn of the event loop (default 4) */
  sliceMs?: number;
  /** POST /txs is refused (503) while the event loop's mean lag over the last 200 ms exceeds this (default 25; 0 = never) */
  maxLagMs?: number;
}
export const defaultTxServiceOptions: TxServiceOptions = {
  flushIntervalMs: 5,
  maxBundleTxs: 512,
  rebroadcastMs: 3_000,
  maxLocalTxs: 20_000,
  maxQueuedTxs: 4_096,
  apiMaxQueuedTxs: 1_024,
  sliceMs: 4,
  maxLagMs: 25,
};

/** How long a local tx that left the mempool is still watched (a reorg may bring it back). */
const LOCAL_TX_WATCH_MS = 30_000;

export interface TxResult {
  hash: string;
  error?: { code: string; message: string };
}

/** A gossiped bundle being verified; settles the gossip validation when done. */
interface QueuedBundle {
  txs: Tx[];
  next: number;
  added: number;
  resolve(): void;
  reject(e: GossipValidationError): void;
}

/** Mempool refusals that prove the sender of a bundle wrong (honest nodes only bundle verified txs). */
const PEER_FAULTS = new Set<string>([MempoolErrorCode.BAD_SIGNATURE, MempoolErrorCode.TOO_LARGE]);
/** the event-loop lag refuses API txs only while at least this many txs are pending */
const LAG_REFUSAL_MIN_POOL = 512;
/** txs checked between two looks at the clock */
const CHECKS_PER_CLOCK_READ = 8;

export class TxService {
  private pending: Tx[] = [];
  private readonly queue: QueuedBundle[] = [];
  private queuedTxs = 0;
  private drainScheduled = false;
  private stopped = false;
  private readonly maxQueuedTxs: number;
  private readonly apiMaxQueuedTxs: number;
  private readonly sliceMs: number;
  private readonly maxLagMs: number;
  private readonly lagHistogram: IntervalHistogram | null;
  private readonly lagTimer: NodeJS.Timeout | null;
  /** mean event-loop lag (ms) over the last 200 ms */
  private lagMs = 0;
  private timer: NodeJS.Timeout | undefined;
  /** txs our users gave us, by hash, with when we last sent them */
  private readonly local = new Map<string, { tx: Tx; sentAt: number; goneSince: number | null }>();
  private readonly rebroadcastTimer: NodeJS.Timeout;

  constructor(
    private readonly opts: TxServiceOptions,
    private readonly modules: { mempool: Mempool; publishTxs(data: Uint8Array): void; logger: Logger; now?: () => number },
  ) {
    this.rebroadcastTimer = setInterval(() => this.rebroadcast(), Math.max(100, opts.rebroadcastMs / 2));
    this.rebroadcastTimer.unref();
    this.maxQueuedTxs = opts.maxQueuedTxs ?? 4_096;
    this.apiMaxQueuedTxs = Math.min(this.maxQueuedTxs, opts.apiMaxQueuedTxs ?? 1_024);
    this.sliceMs = opts.sliceMs ?? 4;
    this.maxLagMs = opts.maxLagMs ?? 25;
    this.lagHistogram = this.maxLagMs > 0 ? monitorEventLoopDelay({ resolution: 10 }) : null;
    this.lagTimer = null;
    if (this.lagHistogram) {
      const h = this.lagHistogram;
      h.enable();
      this.lagTimer = setInterval(() => {
        // each sample is the time between two 10 ms ticks: the lag is what exceeds 10 ms
        this.lagMs = h.count > 0 ? Math.max(0, h.mean / 1e6 - 10) : 0;
        h.reset();
      }, 200);
      this.lagTimer.unref();
    }
  }

  /** Why POST /txs is refused now, or null. */
  private busyReason(): string | null {
    // every node checks every tx: a long queue here means the whole network takes in more than it can check
    if (this.queuedTxs >= this.apiMaxQueuedTxs) return `this node is busy checking ${this.queuedTxs} txs from peers; retry shortly`;
    // lag alone (a restart catching up, a busy machine) refuses nothing: only a node that is behind under a tx load
    if (this.maxLagMs > 0 && this.lagMs > this.maxLagMs && this.modules.mempool.size >= LAG_REFUSAL_MIN_POOL) {
      return `this node is behind on its work (event loop ${Math.round(this.lagMs)} ms late); retry shortly`;
    }
    return null;
  }

  /** Gossiped txs waiting for their signature check. */
  get queued(): number {
    return this.queuedTxs;
  }

  private now(): number {
    return (this.modules.now ?? Date.now)();
  }

  /** Sends again the local txs still pending (not yet in a batch on our head) since rebroadcastMs. */
  rebroadcast(): number {
    const now = this.now();
    let sent = 0;
    for (const [hash, entry] of this.local) {
      if (!this.modules.mempool.has(hash)) {
        // included (or dropped): keep watching a while, because a reorg can put it back in the pool
        entry.goneSince ??= now;
        if (now - entry.goneSince > LOCAL_TX_WATCH_MS) this.local.delete(hash);
        continue;
      }
      entry.goneSince = null;
      if (now - entry.sentAt < this.opts.rebroadcastMs) continue;
      entry.sentAt = now;
      this.enqueue(entry.tx);
      sent++;
    }
    if (sent > 0) this.modules.logger.debug({ txs: sent }, "rebroadcast pending local txs");
    return sent;
  }

  private trackLocal(hash: string, tx: Tx): void {
    if (this.local.has(hash)) return;
    if (this.local.size >= this.opts.maxLocalTxs) {
      const oldest = this.local.keys().next().value;
      if (oldest !== undefined) this.local.delete(oldest);
    }
    this.local.set(hash, { tx, sentAt: this.now(), goneSince: null });
  }

  /**
   * Txs from a user: into the mempool, then out to peers. One result per tx, in order.
   * `local`: this node's own txs (rejoin, slash evidence), never refused for load.
   */
  submit(txs: Tx[], opts: { local?: boolean } = {}): TxResult[] {
    const results: TxResult[] = [];
    const busy = opts.local ? null : this.busyReason();
    for (const tx of txs) {
      const hash = txHashHexOf(tx);
      try {
        if (busy !== null) throw new MempoolError(MempoolErrorCode.FULL, busy, hash);
        const r = this.modules.mempool.add(tx);
        if (r.added) this.enqueue(tx);
        this.trackLocal(hash, tx);
        results.push({ hash });
      } catch (e) {
        if (!(e instanceof BatonError)) throw e;
        results.push({ hash, error: { code: e.code, message: e.message } });
      }
    }
    return results;
  }

  /** The next nonce for `sender`, counting its txs pending in the mempool. */
  nextNonce(sender: Uint8Array, stateNonce: number): number {
    return this.modules.mempool.nextNonce(sender, stateNonce);
  }

  /** Gossip validator for tx bundles: settles once every tx of the bundle went through the mempool. */
  validateGossip(data: Uint8Array): Promise<void> {
    let txs: Tx[];
    try {
      txs = decodeTxGossip(data).txs;
    } catch (e) {
      // [REJECT] malformed bundle
      if (e instanceof DecodeError) throw new GossipValidationError(GossipAction.REJECT, e.code, e.message);
      throw e;
    }
    // [IGNORE] nothing in it
    if (txs.length === 0) throw new GossipValidationError(GossipAction.IGNORE, "TXS_EMPTY");
    // [IGNORE] this node is at its limit: not the peer's fault, maybe valid
    if (this.stopped || this.queuedTxs + txs.length > this.maxQueuedTxs) throw new GossipValidationError(GossipAction.IGNORE, "TXS_QUEUE_FULL");
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ txs, next: 0, added: 0, resolve, reject });
      this.queuedTxs += txs.length;
      this.scheduleDrain();
    });
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    // setImmediate: timers (the slot clock) and I/O (batches) get their turn between slices
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.drainScheduled = false;
    const until = performance.now() + this.sliceMs;
    // at least one round per turn, then as many as fit in the slice
    for (let first = true; this.queue.length > 0 && (first || performance.now() < until); first = false) {
      const job = this.queue[0];
      let fault: string | null = null;
      for (let k = 0; k < CHECKS_PER_CLOCK_READ && job.next < job.txs.length && fault === null; k++) {
        const tx = job.txs[job.next++];
        this.queuedTxs--;
        try {
          if (this.modules.mempool.add(tx).added) job.added++;
        } catch (e) {
          const code = e instanceof BatonError ? e.code : "UNKNOWN";
          if (PEER_FAULTS.has(code)) fault = code;
          // other refusals (pool full, stale or duplicate nonce) are not the peer's fault
        }
      }
      if (fault === null && job.next < job.txs.length) continue;
      this.queue.shift();
      this.queuedTxs -= job.txs.length - job.next;
      // [REJECT] a tx with a bad signature or an oversized payload: honest nodes only bundle verified txs
      if (fault !== null) job.reject(new GossipValidationError(GossipAction.REJECT, fault));
      // [IGNORE] nothing new
      else if (job.added === 0) job.reject(new GossipValidationError(GossipAction.IGNORE, "TXS_KNOWN"));
      else job.resolve();
    }
    if (this.queue.length > 0) this.scheduleDrain();
  }

  private enqueue(tx: Tx): void {
    this.pending.push(tx);
    if (this.pending.length >= this.opts.maxBundleTxs) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.opts.flushIntervalMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > 0) {
      const bundle = this.pending.splice(0, Math.min(this.opts.maxBundleTxs, ssz.TxBundle.limit));
      this.modules.publishTxs(encodeTxGossip(bundle, this.now()));
    }
  }

  /** Publishes what is pending; bundles still queued are ignored (their validations settle at once). */
  stop(): void {
    clearInterval(this.rebroadcastTimer);
    if (this.lagTimer) clearInterval(this.lagTimer);
    this.lagHistogram?.disable();
    this.stopped = true;
    this.flush();
    for (const job of this.queue.splice(0)) job.reject(new GossipValidationError(GossipAction.IGNORE, "TXS_STOPPING"));
    this.queuedTxs = 0;
  }
}
