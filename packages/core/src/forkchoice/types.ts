/** What the fork choice knows of one batch. */
export interface BatchNode {
  root: Uint8Array;
  parentRoot: Uint8Array;
  slot: number;
  height: number;
  proposerIndex: number;
  /**
   * The committee of this batch's epoch as seen in this batch's post-state, exited members
   * removed: the denominator and weights for confirming this batch.
   */
  committee: { index: number; weight: bigint }[];
}

/** A sequencer's latest message: the highest-slot batch it proposed that we have seen. */
export interface Vote {
  root: Uint8Array;
  slot: number;
}

/**
 * The head moved to a batch that does not descend from the previous head. `removed` are the
 * batches of the old head chain that are not on the new one (their txs go back to the
 * mempool), `added` those of the new chain that were not on the old one; both ascending.
 */
export interface Reorg {
  oldHead: BatchNode;
  newHead: BatchNode;
  commonAncestor: BatchNode;
  removed: BatchNode[];
  added: BatchNode[];
}

export interface ForkChoiceUpdate {
  head: BatchNode;
  confirmed: BatchNode;
  reorg: Reorg | null;
  /** From the previous confirmed batch (exclusive) to the new one (inclusive), ascending. */
  newlyConfirmed: BatchNode[];
}
