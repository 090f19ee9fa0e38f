import { asUint8Array, Bucket, bucketKey } from "../buckets.js";
import { DbError, DbErrorCode } from "../errors.js";
import type { LevelBatchOp, LevelDb } from "../types.js";

/**
 * One entity type in one bucket of the shared level instance (lodestar
 * `db/abstractRepository.ts`, cut down). Subclasses say how ids and values become bytes.
 */
export abstract class Repository<Id, T> {
  constructor(
    protected readonly db: LevelDb,
    readonly bucket: Bucket,
  ) {}

  protected abstract encodeId(id: Id): Uint8Array;
  protected abstract encodeValue(value: T): Uint8Array;
  protected abstract decodeValue(bytes: Uint8Array): T;

  key(id: Id): Uint8Array {
    return bucketKey(this.bucket, this.encodeId(id));
  }

  async get(id: Id): Promise<T | null> {
    const bytes = await this.db.get(this.key(id));
    return bytes === undefined ? null : this.decode(bytes);
  }

  async has(id: Id): Promise<boolean> {
    return this.db.has(this.key(id));
  }

  async put(id: Id, value: T): Promise<void> {
    await this.db.put(this.key(id), this.encodeValue(value));
  }

  async delete(id: Id): Promise<void> {
    await this.db.del(this.key(id));
  }

  /** A put for `BatonDb.writeAtomic`. */
  putOp(id: Id, value: T): LevelBatchOp {
    return { type: "put", key: this.key(id), value: this.encodeValue(value) };
  }

  /** A delete for `BatonDb.writeAtomic`. */
  deleteOp(id: Id): LevelBatchOp {
    return { type: "del", key: this.key(id) };
  }

  protected decode(bytes: Uint8Array): T {
    try {
      return this.decodeValue(asUint8Array(bytes));
    } catch (e) {
      throw new DbError(
        { code: DbErrorCode.CORRUPT_VALUE },
        `corrupt value in bucket ${Bucket[this.bucket]}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
}

/** Ids that are raw bytes (roots, hashes, pubkeys) of a fixed length. */
export function checkedBytes(id: Uint8Array, length: number, what: string): Uint8Array {
  if (!(id instanceof Uint8Array) || id.length !== length) {
    throw new TypeError(`${what} must be ${length} bytes, got ${id instanceof Uint8Array ? id.length : typeof id}`);
  }
  return id;
}
