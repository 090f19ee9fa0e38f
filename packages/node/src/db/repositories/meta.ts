import { Bucket } from "../buckets.js";
import type { LevelDb } from "../types.js";
import { Repository } from "./repository.js";

/** Well-known meta keys. The strings are persisted: never rename. */
export enum MetaKey {
  headRoot = "headRoot",
  confirmedRoot = "confirmedRoot",
  genesisRoot = "genesisRoot",
}

const utf8 = new TextEncoder();

/** utf8 name → bytes: single values such as the head and confirmed roots. */
export class MetaRepository extends Repository<MetaKey | string, Uint8Array> {
  constructor(db: LevelDb) {
    super(db, Bucket.meta);
  }
  protected encodeId(name: string): Uint8Array {
    if (typeof name !== "string" || name.length === 0) throw new TypeError("meta key must be a non-empty string");
    return utf8.encode(name);
  }
  protected encodeValue(value: Uint8Array): Uint8Array {
    return value;
  }
  protected decodeValue(bytes: Uint8Array): Uint8Array {
    return bytes;
  }
}
