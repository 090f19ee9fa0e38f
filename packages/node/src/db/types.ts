import type { Level } from "level";

/** The one level instance: binary keys and values. */
export type LevelDb = Level<Uint8Array, Uint8Array>;

/** One write of an atomic batch (`BatonDb.writeAtomic`). */
export type LevelBatchOp =
  | { type: "put"; key: Uint8Array; value: Uint8Array }
  | { type: "del"; key: Uint8Array };
