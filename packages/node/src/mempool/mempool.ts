import { TxKind, txHashHexOf, verifyTxSignatureOf, type Tx } from "@baton/core";
import { MempoolError, MempoolErrorCode } from "./errors.js";
import type { AccountLookup, AddResult, MempoolMetrics, MempoolModules, MempoolOptions, NonceLookup } from "./interface.js";
import { createMempoolOptions } from "./options.js";
import { PendingTxs } from "./pendingTxs.js";
import { VerifiedTxCache } from "./verifiedCache.js";

const view = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const sameBytes = (a: Uint8Array, b: Uint8Array) => view(a).equals(view(b));

/**
 * Pending user txs. Each tx's signature is verified once per node (and remembered in a
 * bounded cache that outlives the pool entry); txs are deduplicated by hash and by
 * (sender, nonce). `select` serves senders in the order of their oldest pending tx and takes,
 * per sender, only nonces that follow on from the state nonce.
 *
 * Costs: add/remove O(1) (plus O(log senders) when a sender's oldest tx changes);
 * select O((senders scanned) · log senders + selected).
 */
/**
 * The kinds that may use the systemReserve places beyond maxSize: slash evidence and rejoin
 * (what a node sends for the chain's health) and governance's evict and admit. Not user txs
 * or transfers (anyone can flood those), nor stake and mechanism txs (they wait like users).
 */
const RESERVED_KINDS: ReadonlySet<number> = new Set([TxKind.slash, TxKind.rejoin, TxKind.evict, TxKind.admit]);

export class Mempool {
  private readonly opts: Required<MempoolOptions>;
  private readonly metrics: MempoolMetrics | null;
  private readonly now: () => number;
  private readonly pending = new PendingTxs();
  private readonly byHash = this.pending.byHash;
  private readonly verified: VerifiedTxCache;
  private accountLookup: AccountLookup | null = null;

  constructor(opts: MempoolOptions, modules: MempoolModules) {
    this.opts = createMempoolOptions(opts);
    this.metrics = modules.metrics;
    this.now = modules.now ?? Date.now;
    this.verified = new VerifiedTxCache(this.opts.verifiedCacheSize);
  }

  /**
   * Lets `add` check a tx against its sender's account in the head state: refuse a sender with
   * no account (UNKNOWN_SENDER), a fee it cannot pay (INSUFFICIENT_BALANCE), a used nonce
   * (STALE_NONCE) and a nonce too far ahead (NONCE_TOO_FAR). Without it only the stateless checks run.
   */
  setAccountLookup(lookup: AccountLookup | null): void {
    this.accountLookup = lookup;
  }

  private nonceOfSender(sender: Uint8Array): number | undefined {
    return this.accountLookup?.(sender)?.nonce;
  }

  /**
   * Validates and adds a tx. Returns its hash; `added: false` if it is already pending.
   * Throws MempoolError (TOO_LARGE, FEE_TOO_LOW, UNKNOWN_SENDER, INSUFFICIENT_BALANCE,
   * STALE_NONCE, NONCE_TOO_FAR, DUPLICATE_NONCE, SENDER_FULL, FULL, BAD_SIGNATURE). Nothing a
   * flood can fill the pool with stays: txs that could never be included are refused, one
   * sender holds at most maxPerSender, and a tx not included within ttlMs is dropped. System
   * txs (RESERVED_KINDS: slash evidence, rejoin, evict, admit) have systemReserve places beyond maxSize.
   */
  add(tx: Tx): AddResult {
    const hash = txHashHexOf(tx);
    if (this.byHash.has(hash)) return { hash, added: false };
    const { body } = tx;
    if (body.payload.length > this.opts.maxPayloadBytes) {
      this.reject(MempoolErrorCode.TOO_LARGE, hash, `payload of ${body.payload.length} bytes exceeds ${this.opts.maxPayloadBytes}`);
    }
    if (body.fee < this.opts.minFee) {
      this.reject(MempoolErrorCode.FEE_TOO_LOW, hash, `fee ${body.fee} is below the minimum ${this.opts.minFee}`);
    }
    if (this.accountLookup) {
      const account = this.accountLookup(body.sender);
      if (account === undefined) {
        this.reject(MempoolErrorCode.UNKNOWN_SENDER, hash, "the sender has no account on this chain: it must be funded (in genesis, or by fees it earned as a sequencer) before it can send");
      }
      if (account.balance < body.fee) {
        this.reject(MempoolErrorCode.INSUFFICIENT_BALANCE, hash, `balance ${account.balance} cannot pay the fee ${body.fee}`);
      }
      if (body.nonce < account.nonce) {
        this.reject(MempoolErrorCode.STALE_NONCE, hash, `nonce ${body.nonce} already used (account nonce ${account.nonce})`);
      }
      if (body.nonce > account.nonce + this.opts.maxNonceAhead) {
        this.reject(MempoolErrorCode.NONCE_TOO_FAR, hash, `nonce ${body.nonce} is more than ${this.opts.maxNonceAhead} above the account nonce ${account.nonce}`);
      }
    }
    if (this.pending.bySenderNonce(body.sender, body.nonce)) {
      this.reject(MempoolErrorCode.DUPLICATE_NONCE, hash, `another tx with nonce ${body.nonce} from this sender is pending`);
    }
    if (this.pending.countOf(body.sender) >= this.opts.maxPerSender) {
      this.reject(MempoolErrorCode.SENDER_FULL, hash, `this sender has ${this.opts.maxPerSender} txs pending already`);
    }
    const limit = this.opts.maxSize + (RESERVED_KINDS.has(body.kind) ? this.opts.systemReserve : 0);
    if (this.byHash.size >= limit && this.expire() === 0) {
      this.reject(MempoolErrorCode.FULL, hash, `mempool is full (max size ${this.opts.maxSize} txs)`);
    }
    if (!this.verified.has(hash)) {
      if (!verifyTxSignatureOf(this.opts.chainId, tx)) this.reject(MempoolErrorCode.BAD_SIGNATURE, hash, "invalid tx signature");
      this.verified.add(hash);
    }
    this.pending.insert(tx, hash, this.now());
    this.metrics?.setSize(this.byHash.size);
    return { hash, added: true };
  }

  /** True if this node verified the signature of the tx with this hash (0x hex), pending or not. */
  isVerified(hash: string): boolean {
    return this.verified.has(hash);
  }

  /** Remembers a tx verified elsewhere on this node (e.g. by batch import). */
  markVerified(hash: string): void {
    this.verified.add(hash);
  }

  /**
   * Up to `max` txs for a batch: senders in the order of their oldest pending tx; per sender,
   * the run of consecutive nonces starting at `nonceOf(sender)`, in nonce order.
   */
  select(max: number, nonceOf: NonceLookup): Tx[] {
    return this.pending.select(max, nonceOf);
  }

  /**
   * Drops the pending txs that a batch applied on this node included, matched by sender and
   * nonce (a different pending tx with that nonce can never be included: it goes too), and
   * observes the inclusion latency of each. Returns how many pending txs were removed.
   */
  removeIncluded(txs: Tx[]): number {
    const now = this.now();
    let removed = 0;
    for (const tx of txs) {
      const found = this.pending.bySenderNonce(tx.body.sender, tx.body.nonce);
      if (found === undefined) continue;
      const { queue, entry } = found;
      if (entry.tx === tx || sameBytes(entry.tx.signature, tx.signature)) this.metrics?.observeInclusion?.((now - entry.arrival) / 1000);
      this.pending.remove(queue, entry);
      removed++;
    }
    if (removed > 0) this.metrics?.setSize(this.byHash.size);
    return removed;
  }

  /**
   * Puts back the txs of batches that lost fork choice. They were verified when their batch
   * was imported: no signature check. Skips txs already pending (by hash or sender+nonce),
   * txs the nonce lookup says are used, and whatever does not fit. Returns how many went in.
   */
  reinsert(txs: Tx[]): number {
    let added = 0;
    for (const tx of txs) {
      if (this.byHash.size >= this.opts.maxSize) break;
      const { sender, nonce } = tx.body;
      if (this.pending.bySenderNonce(sender, nonce)) continue;
      const stateNonce = this.nonceOfSender(sender);
      if (stateNonce !== undefined && nonce < stateNonce) continue;
      const hash = txHashHexOf(tx);
      if (this.byHash.has(hash)) continue;
      this.verified.add(hash);
      this.pending.insert(tx, hash, this.now());
      added++;
    }
    if (added > 0) this.metrics?.setSize(this.byHash.size);
    return added;
  }

  /** Drops the pending txs older than ttlMs (they were not included: they will not be). Returns the count. */
  expire(): number {
    const cutoff = this.now() - this.opts.ttlMs;
    let removed = 0;
    for (const entry of this.byHash.values()) {
      if (entry.arrival > cutoff) break; // byHash iterates in arrival order
      const queue = this.pending.queueOf(entry.tx.body.sender);
      if (queue) this.pending.remove(queue, entry);
      removed++;
    }
    if (removed > 0) this.metrics?.setSize(this.byHash.size);
    return removed;
  }

  /** Drops every pending tx whose nonce is below its sender's state nonce. Returns the count. */
  pruneStale(nonceOf: NonceLookup): number {
    let removed = 0;
    for (const queue of [...this.pending.senders.values()]) {
      const stateNonce = nonceOf(queue.sender);
      for (const entry of [...queue.byNonce.values()]) {
        if (entry.nonce < stateNonce) {
          this.pending.remove(queue, entry);
          removed++;
        }
      }
    }
    if (removed > 0) this.metrics?.setSize(this.byHash.size);
    return removed;
  }

  get size(): number {
    return this.byHash.size;
  }

  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  get(hash: string): Tx | undefined {
    return this.byHash.get(hash)?.tx;
  }

  /** The pending tx of `sender` with `nonce`, if any. */
  getBySenderNonce(sender: Uint8Array, nonce: number): Tx | undefined {
    return this.pending.bySenderNonce(sender, nonce)?.entry.tx;
  }

  /** Unix ms at which the pending tx arrived in this pool. */
  arrivalTime(hash: string): number | undefined {
    return this.byHash.get(hash)?.arrival;
  }

  /** Hashes of all pending txs, oldest first. */
  pendingHashes(): string[] {
    return [...this.byHash.keys()];
  }

  private reject(code: MempoolErrorCode, hash: string, message: string): never {
    this.metrics?.onRejected(code);
    throw new MempoolError(code, message, hash);
  }

  /** The next nonce for `sender` counting its pending txs: the state nonce plus its run of consecutive pending nonces. */
  nextNonce(sender: Uint8Array, stateNonce: number): number {
    let n = stateNonce;
    while (this.pending.bySenderNonce(sender, n)) n++;
    return n;
  }
}
