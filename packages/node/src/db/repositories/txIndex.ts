import { Bucket } from "../buckets.js";
import type { LevelDb } from "../types.js";
import { checkedBytes, Repository } from "./repository.js";

/** tx hash → root of the batch that included it. */
export class TxIndexRepository extends Repository<Uint8Array, Uint8Array> {
  constructor(db: LevelDb) {
    super(db, Bucket.txIndex);
  }
  protected encodeId(hash: Uint8Array): Uint8Array {
    return checkedBytes(hash, 32, "tx hash");
  }
  protected encodeValue(batchRoot: Uint8Array): Uint8Array {
    return checkedBytes(batchRoot, 32, "batch root");
  }
  protected decodeValue(bytes: Uint8Array): Uint8Array {
    return checkedBytes(bytes, 32, "stored batch root");
  }
}
