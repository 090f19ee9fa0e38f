/**
 * Key layout of the store: every key is one bucket byte followed by the entity's id
 * (lodestar `db/buckets.ts`). Values are persisted: NEVER renumber or reuse a bucket.
 */
export enum Bucket {
  /** batch root (32 B) → SignedBatch SSZ */
  batch = 0,
  /** height (8 B big-endian) → batch root of the canonical chain at that height */
  canonicalHeight = 1,
  /** batch root (32 B) → State SSZ snapshot after that batch */
  state = 2,
  /** utf8 name → bytes (head root, confirmed root, genesis root, ...) */
  meta = 3,
  /** BLS pubkey (48 B) → last signed slot (8 B big-endian) */
  slashingProtection = 4,
  /** tx hash (32 B) → root of the batch that included it */
  txIndex = 5,
}

/** One bucket byte + id. */
export function bucketKey(bucket: Bucket, id: Uint8Array): Uint8Array {
  const key = new Uint8Array(1 + id.length);
  key[0] = bucket;
  key.set(id, 1);
  return key;
}

/** Non-negative safe integer → 8 bytes big-endian (so keys sort by number). */
export function uint64ToBytesBE(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`expected a non-negative safe integer, got ${n}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), false);
  return out;
}

export function bytesBEToUint64(b: Uint8Array): number {
  if (b.length !== 8) throw new RangeError(`expected 8 bytes, got ${b.length}`);
  const n = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, false);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`uint64 ${n} is above 2^53`);
  return Number(n);
}

/** level hands back Buffers; consumers get plain Uint8Array views (no copy). */
export function asUint8Array(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
