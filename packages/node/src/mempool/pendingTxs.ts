import type { Tx } from "@baton/core";
import { MinHeap } from "./heap.js";
import type { NonceLookup } from "./interface.js";

export interface PoolEntry {
  tx: Tx;
  hash: string;
  nonce: number;
  /** unix ms at arrival */
  arrival: number;
  /** arrival order; strictly increasing */
  seq: number;
}

/** The pending txs of one sender; `byNonce` iterates in arrival order (Map insertion order). */
export interface SenderQueue {
  key: string;
  sender: Uint8Array;
  byNonce: Map<number, PoolEntry>;
}

/** A sender's place in the fairness order: the seq of its oldest pending tx at push time. */
interface HeapNode {
  seq: number;
  queue: SenderQueue;
}

export const senderKey = (sender: Uint8Array): string =>
  Buffer.from(sender.buffer, sender.byteOffset, sender.byteLength).toString("hex");
const oldestOf = (q: SenderQueue): PoolEntry | undefined => q.byNonce.values().next().value;

/**
 * The data structure under the mempool, no policy: txs by hash, by (sender, nonce), and
 * senders in a min-heap keyed by the arrival of their oldest pending tx. A heap node goes
 * stale when its sender's oldest tx leaves; stale nodes are dropped when popped, and the heap
 * is rebuilt when they outnumber the live ones.
 */
export class PendingTxs {
  readonly byHash = new Map<string, PoolEntry>();
  readonly senders = new Map<string, SenderQueue>();
  private readonly order = new MinHeap<HeapNode>((n) => n.seq);
  private nextSeq = 0;

  get size(): number {
    return this.byHash.size;
  }

  /** How many txs of `sender` are pending. */
  countOf(sender: Uint8Array): number {
    return this.senders.get(senderKey(sender))?.byNonce.size ?? 0;
  }

  queueOf(sender: Uint8Array): SenderQueue | undefined {
    return this.senders.get(senderKey(sender));
  }

  bySenderNonce(sender: Uint8Array, nonce: number): { queue: SenderQueue; entry: PoolEntry } | undefined {
    const queue = this.senders.get(senderKey(sender));
    const entry = queue?.byNonce.get(nonce);
    return queue && entry ? { queue, entry } : undefined;
  }

  insert(tx: Tx, hash: string, arrival: number): void {
    const key = senderKey(tx.body.sender);
    const entry: PoolEntry = { tx, hash, nonce: tx.body.nonce, arrival, seq: this.nextSeq++ };
    let queue = this.senders.get(key);
    if (queue === undefined) {
      queue = { key, sender: tx.body.sender, byNonce: new Map([[entry.nonce, entry]]) };
      this.senders.set(key, queue);
      this.pushOrder(queue, entry.seq);
    } else {
      queue.byNonce.set(entry.nonce, entry); // later than every entry already there: oldest unchanged
    }
    this.byHash.set(hash, entry);
  }

  remove(queue: SenderQueue, entry: PoolEntry): void {
    const wasOldest = oldestOf(queue) === entry;
    queue.byNonce.delete(entry.nonce);
    this.byHash.delete(entry.hash);
    if (queue.byNonce.size === 0) {
      this.senders.delete(queue.key);
    } else if (wasOldest) {
      this.pushOrder(queue, oldestOf(queue)!.seq);
    }
  }

  /** See `Mempool.select`. O((senders scanned) · log senders + selected). */
  select(max: number, nonceOf: NonceLookup): Tx[] {
    const out: Tx[] = [];
    const scanned: HeapNode[] = [];
    while (out.length < max) {
      const node = this.order.pop();
      if (node === undefined) break;
      if (!this.isCurrent(node)) continue;
      scanned.push(node);
      const { byNonce } = node.queue;
      for (let nonce = nonceOf(node.queue.sender); out.length < max; nonce++) {
        const entry = byNonce.get(nonce);
        if (entry === undefined) break;
        out.push(entry.tx);
      }
    }
    for (const node of scanned) this.order.push(node);
    return out;
  }

  private isCurrent(node: HeapNode): boolean {
    return this.senders.get(node.queue.key) === node.queue && oldestOf(node.queue)?.seq === node.seq;
  }

  private pushOrder(queue: SenderQueue, seq: number): void {
    this.order.push({ seq, queue });
    if (this.order.size > 2 * this.senders.size + 64) {
      this.order.reset([...this.senders.values()].map((q) => ({ seq: oldestOf(q)!.seq, queue: q })));
    }
  }
}
