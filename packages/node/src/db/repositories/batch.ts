import { decodeSignedBatch, encodeSignedBatch, type SignedBatch } from "@baton/core";
import { asUint8Array, Bucket } from "../buckets.js";
import type { LevelDb } from "../types.js";
import { checkedBytes, Repository } from "./repository.js";

/** batch root → SignedBatch (every batch we imported, canonical or not). */
export class BatchRepository extends Repository<Uint8Array, SignedBatch> {
  constructor(db: LevelDb) {
    super(db, Bucket.batch);
  }
  protected encodeId(root: Uint8Array): Uint8Array {
    return checkedBytes(root, 32, "batch root");
  }
  protected encodeValue(batch: SignedBatch): Uint8Array {
    return encodeSignedBatch(batch);
  }
  protected decodeValue(bytes: Uint8Array): SignedBatch {
    return decodeSignedBatch(bytes);
  }

  /** The stored SSZ bytes, undecoded (to serve peers without a decode/encode round trip). */
  async getBytes(root: Uint8Array): Promise<Uint8Array | null> {
    const bytes = await this.db.get(this.key(root));
    return bytes === undefined ? null : asUint8Array(bytes);
  }
}
