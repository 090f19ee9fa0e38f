import { Bucket, bucketKey, bytesBEToUint64, uint64ToBytesBE } from "../buckets.js";
import type { LevelDb } from "../types.js";
import { checkedBytes, Repository } from "./repository.js";

/** height → root of the canonical (head chain) batch at that height. Keys sort by height. */
export class CanonicalIndexRepository extends Repository<number, Uint8Array> {
  constructor(db: LevelDb) {
    super(db, Bucket.canonicalHeight);
  }
  protected encodeId(height: number): Uint8Array {
    return uint64ToBytesBE(height);
  }
  protected encodeValue(root: Uint8Array): Uint8Array {
    return checkedBytes(root, 32, "batch root");
  }
  protected decodeValue(bytes: Uint8Array): Uint8Array {
    return checkedBytes(bytes, 32, "stored batch root");
  }

  /**
   * Roots at heights `startHeight, startHeight+1, ...`, at most `count`, in height order.
   * Stops at the first height with no entry, so `result[i]` is always at `startHeight + i`.
   */
  async getRange(startHeight: number, count: number): Promise<Uint8Array[]> {
    if (!Number.isSafeInteger(count) || count <= 0) return [];
    const end = Math.min(startHeight + count, Number.MAX_SAFE_INTEGER);
    const roots: Uint8Array[] = [];
    let expected = startHeight;
    for await (const [key, value] of this.db.iterator({ gte: this.key(startHeight), lt: this.key(end) })) {
      if (bytesBEToUint64(key.subarray(1)) !== expected) break;
      roots.push(this.decode(value));
      expected++;
    }
    return roots;
  }

  /** The highest height in the index, or null when it is empty. */
  async lastHeight(): Promise<number | null> {
    const bucketStart = bucketKey(this.bucket, new Uint8Array(0));
    const bucketEnd = new Uint8Array([this.bucket + 1]);
    for await (const key of this.db.keys({ gte: bucketStart, lt: bucketEnd, reverse: true, limit: 1 })) {
      return bytesBEToUint64(key.subarray(1));
    }
    return null;
  }
}
