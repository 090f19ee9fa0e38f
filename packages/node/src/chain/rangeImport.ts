/**
 * Range sync's import of a chunk of consecutive batches, with their BLS signatures checked
 * together: each batch is applied with its header signature and RANDAO reveal deferred
 * (applyBatch's deferSignatures), every set of the chunk goes through one blst multi-check
 * (~3.5x cheaper per signature at 256 than one verify each; FACTS.md), and only then are the
 * batches imported, in order, with the states already computed. A bad signature is found by
 * bisection: the batches before it are imported, the bad one is refused with BAD_SIGNATURE
 * (or BAD_RANDAO), so a peer that serves one is still caught. What sync accepts does not
 * change: every signature is checked, only together.
 */
import {
  applyBatch,
  BatchError,
  BatchErrorCode,
  firstInvalidSignatureSet,
  headerRoot,
  toHex,
  type BlsSignatureSet,
  type ChainConfig,
  type SignedBatch,
  type State,
} from "@baton/core";

export interface RangeItem {
  batch: SignedBatch;
  /** its SSZ encoding, stored as is */
  bytes: Uint8Array;
}

/** A batch of the chunk, applied, whose signatures are in the chunk's sets. */
export interface PreparedBatch extends RangeItem {
  root: string;
  state: State;
}

export interface PreparedChunk {
  /** the batches applied in order (their signatures not yet checked) */
  prepared: PreparedBatch[];
  /** every signature set of `prepared`, and the index in `prepared` each belongs to */
  sets: BlsSignatureSet[];
  owners: number[];
  /** why preparation stopped early: an invalid batch (after `prepared`) */
  error: BatchError | null;
  /** false when it stopped at a batch whose parent this node does not have */
  connected: boolean;
}

export interface RangeSources {
  config: ChainConfig;
  /** the state after a batch this node has, by root */
  stateOf(root: string): State | undefined;
  /** a tx whose signature this node verified already (its mempool) */
  isTxVerified(txHashHex: string): boolean;
}

/**
 * Applies the chunk's batches in order, each on its parent's state (one this node has, or the
 * previous batch of the chunk), deferring their BLS checks. Stops at a batch that is known
 * already (left out, its successors continue from it), whose parent is unknown (the rest
 * left to the normal import), or that is invalid for another reason (`error`).
 */
export function prepareChunk(items: RangeItem[], sources: RangeSources): PreparedChunk {
  const prepared: PreparedBatch[] = [];
  const sets: BlsSignatureSet[] = [];
  const owners: number[] = [];
  const seen = new Set<string>();
  const local = new Map<string, State>();
  for (const item of items) {
    const root = toHex(headerRoot(item.batch.header));
    const parentRoot = toHex(item.batch.header.parentRoot);
    if (sources.stateOf(root)) continue;
    const parent = local.get(parentRoot) ?? sources.stateOf(parentRoot);
    if (!parent) return { prepared, sets, owners, error: null, connected: false };
    const deferred: BlsSignatureSet[] = [];
    let state: State;
    try {
      state = applyBatch(parent, item.batch, sources.config, { deferSignatures: deferred, isTxVerified: sources.isTxVerified });
    } catch (e) {
      if (e instanceof BatchError) return { prepared, sets, owners, error: e, connected: true };
      throw e;
    }
    for (const set of deferred) {
      // a proposer's RANDAO reveal repeats in every batch it makes in an epoch: check it once
      const key = `${toHex(set.pubkey)}:${toHex(set.msg)}:${toHex(set.sig)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      sets.push(set);
      owners.push(prepared.length);
    }
    local.set(root, state);
    prepared.push({ ...item, root, state });
  }
  return { prepared, sets, owners, error: null, connected: true };
}

/**
 * Checks the chunk's signatures together. Returns how many of `prepared` are valid (all, or
 * those before the first bad signature) and the error for the bad one.
 */
export function checkChunkSignatures(chunk: PreparedChunk): { valid: number; error: BatchError | null } {
  const bad = firstInvalidSignatureSet(chunk.sets);
  if (bad < 0) return { valid: chunk.prepared.length, error: chunk.error };
  const index = chunk.owners[bad];
  const height = chunk.prepared[index].batch.header.height;
  return { valid: index, error: new BatchError(BatchErrorCode.BAD_SIGNATURE, `batch at height ${height}: a BLS signature (header or RANDAO reveal) does not verify`) };
}
