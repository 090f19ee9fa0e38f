import type { SignedBatch } from "@baton/core";

export enum ChainEvent {
  batch = "batch", // a batch was imported
  head = "head", // the head changed
  confirmed = "confirmed", // the confirmed batch advanced
  miss = "miss", // a miss was recorded on the head chain
  ejected = "ejected",
  rejoined = "rejoined",
  exited = "exited",
}

export interface BatchEventData {
  root: string;
  slot: number;
  height: number;
  proposer: number;
  txs: number;
  source: ImportSource;
  batch: SignedBatch;
}

export type ImportSource = "gossip" | "sync" | "produced" | "api";
