/**
 * Txs entering this node (API or gossip) go through the mempool (verified once); new ones
 * from the API are gossiped in bundles: many txs per message, flushed every few ms. Txs this
 * node accepted from its users are sent again while they stay pending, so a tx acknowledged
 * while the node was cut off reaches the others once the network heals.
 */
import type { Logger } from "pino";
import { BatonError, DecodeError, toHex, txHash, ssz, type Tx } from "@baton/core";
import { MempoolErrorCode, type Mempool } from "../mempool/index.js";
import { GossipAction, GossipValidationError } from "../network/errors.js";
import { decodeTxGossip, encodeTxGossip } from "./txGossip.js";

export interface TxServiceOptions {
  flushIntervalMs: number;
  maxBundleTxs: number;
  /** a local tx still pending after this long is gossiped again */
  rebroadcastMs: number;
  /** local txs tracked for rebroadcast at most */
  maxLocalTxs: number;
}
export const defaultTxServiceOptions: TxServiceOptions = { flushIntervalMs: 10, maxBundleTxs: 512, rebroadcastMs: 3_000, maxLocalTxs: 100_000 };

export interface TxResult {
  hash: string;
  error?: { code: string; message: string };
}

export class TxService {
  private pending: Tx[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** txs our users gave us, by hash, with when we last sent them */
  private readonly local = new Map<string, { tx: Tx; sentAt: number }>();
  private readonly rebroadcastTimer: NodeJS.Timeout;

  constructor(
    private readonly opts: TxServiceOptions,
    private readonly modules: { mempool: Mempool; publishTxs(data: Uint8Array): void; logger: Logger; now?: () => number },
  ) {
    this.rebroadcastTimer = setInterval(() => this.rebroadcast(), Math.max(100, opts.rebroadcastMs / 2));
    this.rebroadcastTimer.unref();
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
        this.local.delete(hash); // included, or dropped
        continue;
      }
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
    this.local.set(hash, { tx, sentAt: this.now() });
  }

  /** Txs from a user: into the mempool, then out to peers. One result per tx, in order. */
  submit(txs: Tx[]): TxResult[] {
    const results: TxResult[] = [];
    for (const tx of txs) {
      const hash = toHex(txHash(tx));
      try {
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

  /** Gossip validator for tx bundles. */
  validateGossip(data: Uint8Array): void {
    let txs: Tx[];
    try {
      txs = decodeTxGossip(data).txs;
    } catch (e) {
      // [REJECT] malformed bundle
      if (e instanceof DecodeError) throw new GossipValidationError(GossipAction.REJECT, e.code, e.message);
      throw e;
    }
    let added = 0;
    for (const tx of txs) {
      try {
        if (this.modules.mempool.add(tx).added) added++;
      } catch (e) {
        const code = e instanceof BatonError ? e.code : "UNKNOWN";
        // [REJECT] a tx with a bad signature is provably invalid: honest nodes only bundle verified txs
        if (code === MempoolErrorCode.BAD_SIGNATURE || code === MempoolErrorCode.TOO_LARGE) throw new GossipValidationError(GossipAction.REJECT, code);
        // other failures (pool full, stale nonce) are not the peer's fault
      }
    }
    // [IGNORE] nothing new
    if (added === 0) throw new GossipValidationError(GossipAction.IGNORE, "TXS_KNOWN");
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

  stop(): void {
    clearInterval(this.rebroadcastTimer);
    this.flush();
  }
}
