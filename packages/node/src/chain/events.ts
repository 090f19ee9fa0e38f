import type { SignedBatch, SignedBatchHeader } from "@baton/core";

export enum ChainEvent {
  batch = "batch", // a batch was imported
  head = "head", // the head changed
  confirmed = "confirmed", // the confirmed batch advanced
  miss = "miss", // a miss was recorded on the head chain
  ejected = "ejected",
  rejoined = "rejoined",
  exited = "exited",
  equivocation = "equivocation", // two valid batches of one proposer for one slot
}

export interface EquivocationEventData {
  proposer: number;
  slot: number;
  header1: SignedBatchHeader;
  header2: SignedBatchHeader;
}

export interface BatchEventData {
  root: string;
  slot: number;
  height: number;
  proposer: number;
  txs: number;
  source: ImportSource;
  /** unix ms when this node finished importing it (tools time soft confirmation with it) */
  importedAt: number;
  batch: SignedBatch;
}

export type ImportSource = "gossip" | "sync" | "produced" | "api";
