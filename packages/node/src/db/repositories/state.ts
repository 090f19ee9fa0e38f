import { decodeState, encodeState, type State } from "@baton/core";
import { Bucket } from "../buckets.js";
import type { LevelDb } from "../types.js";
import { checkedBytes, Repository } from "./repository.js";

/** batch root → State snapshot after that batch (kept at epoch boundaries and for the head). */
export class StateRepository extends Repository<Uint8Array, State> {
  constructor(db: LevelDb) {
    super(db, Bucket.state);
  }
  protected encodeId(root: Uint8Array): Uint8Array {
    return checkedBytes(root, 32, "batch root");
  }
  protected encodeValue(state: State): Uint8Array {
    return encodeState(state);
  }
  protected decodeValue(bytes: Uint8Array): State {
    return decodeState(bytes);
  }
}
