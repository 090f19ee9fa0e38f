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
 * left to the normal import), or that is invalid for another reason (`error`). `local` holds
 * the states of batches prepared before (a previous part of the range, not yet imported) and
 * `seen` their sets, so that a range can be prepared in parts.
 */
export function prepareChunk(items: RangeItem[], sources: RangeSources, local = new Map<string, State>(), seen = new Set<string>()): PreparedChunk {
  const prepared: PreparedBatch[] = [];
  const sets: BlsSignatureSet[] = [];
  const owners: number[] = [];
  for (const item of items) {
    const root = toHex(headerRoot(item.batch.header));
    const parentRoot = toHex(item.batch.header.parentRoot);
    if (sources.stateOf(root) || local.has(root)) continue;
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
 * those before the first bad signature) and the error for the bad one. `firstInvalid`: the
 * answer of a check made elsewhere (the BLS worker); else it is checked here.
 */
export function checkChunkSignatures(chunk: PreparedChunk, firstInvalid = firstInvalidSignatureSet(chunk.sets)): { valid: number; error: BatchError | null } {
  const bad = firstInvalid;
  if (bad < 0) return { valid: chunk.prepared.length, error: chunk.error };
  const index = chunk.owners[bad];
  const height = chunk.prepared[index].batch.header.height;
  return { valid: index, error: new BatchError(BatchErrorCode.BAD_SIGNATURE, `batch at height ${height}: a BLS signature (header or RANDAO reveal) does not verify`) };
}

/** Parts a range is prepared and checked in: part k+1 is applied while the worker checks part k. */
export const RANGE_PART = 64;

export interface RangeImportSteps {
  sources: RangeSources;
  /** checks a part's sets (on the BLS worker): the index of the first invalid set, -1 if none */
  check(sets: BlsSignatureSet[]): Promise<number>;
  /** imports one prepared batch (its state computed, its signatures checked); true if it was new */
  commit(batch: PreparedBatch): Promise<boolean>;
}

/**
 * The range in parts of RANGE_PART, pipelined: while part k's signatures are checked (off the
 * main thread), part k+1 is applied on top of part k's states; then part k is imported. A
 * part that fails discards what was prepared after it. Throws the first invalid batch's
 * BatchError after importing the valid ones before it.
 */
export async function importRangeInParts(items: RangeItem[], steps: RangeImportSteps): Promise<{ imported: number; connected: boolean }> {
  const local = new Map<string, State>();
  const seen = new Set<string>();
  const parts: RangeItem[][] = [];
  for (let from = 0; from < items.length; from += RANGE_PART) parts.push(items.slice(from, from + RANGE_PART));
  let imported = 0;
  let chunk = prepareChunk(parts[0] ?? [], steps.sources, local, seen);
  let checking = steps.check(chunk.sets);
  for (let part = 0; part < parts.length; part++) {
    const more = part + 1 < parts.length && chunk.connected && chunk.error === null;
    const next = more ? prepareChunk(parts[part + 1], steps.sources, local, seen) : null;
    const nextChecking = next ? steps.check(next.sets) : null;
    const { valid, error } = checkChunkSignatures(chunk, await checking);
    for (const batch of chunk.prepared.slice(0, valid)) if (await steps.commit(batch)) imported++;
    if (error) {
      nextChecking?.catch(() => undefined);
      throw error;
    }
    if (!chunk.connected) return { imported, connected: false };
    if (!next || !nextChecking) break;
    chunk = next;
    checking = nextChecking;
  }
  return { imported, connected: chunk.connected };
}
