/**
 * Txs entering this node (API or gossip) go through the mempool (verified once); new ones
 * from the API are gossiped in bundles: many txs per message, flushed every few ms.
 */
import type { Logger } from "pino";
import { BatonError, DecodeError, decodeTxBundle, encodeTxBundle, toHex, txHash, ssz, type Tx } from "@baton/core";
import type { Mempool } from "../mempool/index.js";
import { GossipAction, GossipValidationError } from "../network/errors.js";

export interface TxServiceOptions {
  flushIntervalMs: number;
  maxBundleTxs: number;
}
export const defaultTxServiceOptions: TxServiceOptions = { flushIntervalMs: 10, maxBundleTxs: 512 };

export interface TxResult {
  hash: string;
  error?: { code: string; message: string };
}

export class TxService {
  private pending: Tx[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: TxServiceOptions,
    private readonly modules: { mempool: Mempool; publishTxs(data: Uint8Array): void; logger: Logger },
  ) {}

  /** Txs from a user: into the mempool, then out to peers. One result per tx, in order. */
  submit(txs: Tx[]): TxResult[] {
    const results: TxResult[] = [];
    for (const tx of txs) {
      const hash = toHex(txHash(tx));
      try {
        const r = this.modules.mempool.add(tx);
        if (r.added) this.enqueue(tx);
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
      txs = decodeTxBundle(data);
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
        if (code === "BAD_SIGNATURE" || code === "TOO_LARGE") throw new GossipValidationError(GossipAction.REJECT, code);
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
      this.modules.publishTxs(encodeTxBundle(bundle));
    }
  }

  stop(): void {
    this.flush();
  }
}
