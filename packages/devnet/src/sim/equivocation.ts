/**
 * Equivocation in the lab: a sequencer signs two different headers for one slot it leads.
 * The simulator computes no roots, so the two headers differ in a tx root made up for the
 * purpose; what matters to the core's slash rule is that both are signed by the proposer's
 * BLS key (the equivocating profiles get a real key in genesis, world.ts) and differ.
 */
import { sha256, signBatchHeader, uint64Bytes, type BatchHeader, type BlsKeypair, type SignedBatchHeader } from "@baton/core";

export interface Equivocation {
  sequencerIndex: number;
  slot: number;
  headers: [SignedBatchHeader, SignedBatchHeader];
}

/** Two signed headers of `proposerIndex` for `slot` that differ only in their tx root. */
export function equivocate(chainId: number, key: BlsKeypair, proposerIndex: number, slot: number, height: number): Equivocation {
  const header = (variant: number): SignedBatchHeader => {
    const h: BatchHeader = {
      chainId,
      slot,
      height,
      proposerIndex,
      parentRoot: new Uint8Array(32),
      txRoot: sha256(new TextEncoder().encode("baton sim equivocation"), uint64Bytes(slot), uint64Bytes(variant)),
      stateRoot: new Uint8Array(32),
      randaoReveal: new Uint8Array(96),
    };
    return { header: h, signature: signBatchHeader(h, key) };
  };
  return { sequencerIndex: proposerIndex, slot, headers: [header(1), header(2)] };
}
