import type { ApiEventMap, BatchEvent } from "@baton/api";
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

/** The batch event as the API streams it (@baton/api's BatchEvent), plus the batch itself. */
export interface BatchEventData extends BatchEvent {
  batch: SignedBatch;
}

export type ImportSource = BatchEvent["source"];

/** What the Chain emits: the API's events (same names and payloads) and equivocation evidence. */
export type ChainEventMap = { [K in keyof ApiEventMap]: [K extends "batch" ? BatchEventData : ApiEventMap[K]] } & {
  equivocation: [EquivocationEventData];
};
