/**
 * Equivocation detection: the first valid header seen per (slot, proposer); a second valid
 * batch of one proposer for one slot is the proof a slasher submits. Only headers and
 * signatures are kept (the evidence needs no txs: whole batches held ~4,000 slots of txs in
 * memory, +100 MB RSS per minute at max load), pruned below the confirmed slot.
 */
import type { SignedBatch, SignedBatchHeader } from "@baton/core";
import type { EquivocationEventData } from "./events.js";

const PRUNE_ABOVE = 4096;

export class EquivocationWatch {
  private readonly seen = new Map<string, SignedBatchHeader>();

  /** Records the batch's header; returns the evidence if its proposer signed another batch for its slot. */
  check(batch: SignedBatch, confirmedSlot: number): EquivocationEventData | null {
    const header = batch.header;
    const key = `${header.slot}:${header.proposerIndex}`;
    const first = this.seen.get(key);
    if (!first) {
      this.seen.set(key, { header, signature: batch.signature });
      if (this.seen.size > PRUNE_ABOVE) for (const [k, b] of this.seen) if (b.header.slot < confirmedSlot) this.seen.delete(k);
      return null;
    }
    return {
      proposer: header.proposerIndex,
      slot: header.slot,
      header1: { header: first.header, signature: first.signature },
      header2: { header, signature: batch.signature },
    };
  }
}
