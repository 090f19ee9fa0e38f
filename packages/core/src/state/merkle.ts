/**
 * SSZ merkleization from precomputed element roots, so the transition can reuse hashes it
 * already has (tx hashes for the tx root) and keep per-state caches of the account tree
 * (see stateRoot.ts). The results are byte-identical to `@chainsafe/ssz`'s hashTreeRoot;
 * the unit tests check that.
 */
import { digest64, zeroHash } from "@chainsafe/persistent-merkle-tree";
import { MAX_TXS_PER_BATCH } from "../types/ssz.js";

/** Depth of the tree of a list or vector with `limit` chunks: ceil(log2(limit)). */
export function chunkDepth(limit: number): number {
  return limit <= 1 ? 0 : Math.ceil(Math.log2(limit));
}

/**
 * The levels of a merkle tree over `leaves`, bottom (the leaves) to top (one node), each level
 * only as long as needed: a missing right sibling is the zero hash of its level.
 */
export type MerkleLevels = Uint8Array[][];

export function buildLevels(leaves: Uint8Array[]): MerkleLevels {
  const levels: MerkleLevels = [leaves];
  let level = leaves;
  let depth = 0;
  while (level.length > 1) {
    const next: Uint8Array[] = new Array(Math.ceil(level.length / 2));
    for (let j = 0; j < next.length; j++) {
      next[j] = digest64(level[2 * j], level[2 * j + 1] ?? zeroHash(depth));
    }
    levels.push(next);
    level = next;
    depth++;
  }
  return levels;
}

/**
 * The levels of a list derived from the one `base` was built for: `length` leaves, where the
 * leaves listed in `dirty` (written or appended; appended ones must be listed) come from
 * `leafAt`, all others are base's. Only the paths above dirty leaves are rehashed; the levels
 * are shallow copies that share the untouched hashes.
 */
export function updateLevels(
  base: MerkleLevels,
  length: number,
  dirty: Iterable<number>,
  leafAt: (index: number) => Uint8Array,
): MerkleLevels {
  const leaves = base[0].slice(0, length);
  if (length < base[0].length) {
    for (let i = 0; i < length; i++) leaves[i] = leafAt(i);
    return buildLevels(leaves); // lists here only grow; stay correct anyway
  }
  leaves.length = length;
  let indices = new Set<number>(dirty);
  for (const i of indices) leaves[i] = leafAt(i);
  const levels: MerkleLevels = [leaves];
  let depth = 0;
  while (levels[depth].length > 1) {
    const below = levels[depth];
    const size = Math.ceil(below.length / 2);
    const baseLevel = base[depth + 1] ?? [];
    const next = baseLevel.slice(0, size);
    next.length = size;
    const parents = new Set<number>();
    for (const i of indices) parents.add(i >> 1);
    for (let j = baseLevel.length; j < size; j++) parents.add(j); // nodes new at this level
    for (const j of parents) next[j] = digest64(below[2 * j], below[2 * j + 1] ?? zeroHash(depth));
    levels.push(next);
    indices = parents;
    depth++;
  }
  return levels;
}

/** Root of a list: the levels' top padded with zero hashes up to the limit's depth, mixed with the length. */
export function listRootFromLevels(levels: MerkleLevels, limit: number): Uint8Array {
  const depth = chunkDepth(limit);
  const count = levels[0].length;
  let root: Uint8Array;
  let d: number;
  if (count === 0) {
    root = zeroHash(depth);
    d = depth;
  } else {
    root = levels[levels.length - 1][0];
    d = levels.length - 1;
  }
  for (; d < depth; d++) root = digest64(root, zeroHash(d));
  return mixInLength(root, count);
}

export function mixInLength(root: Uint8Array, length: number): Uint8Array {
  const len = new Uint8Array(32);
  new DataView(len.buffer).setUint32(0, length % 2 ** 32, true);
  new DataView(len.buffer).setUint16(4, Math.floor(length / 2 ** 32), true);
  return digest64(root, len);
}

/** Root of a container from its field roots. */
export function containerRoot(fieldRoots: Uint8Array[]): Uint8Array {
  const levels = buildLevels(fieldRoots);
  let root = levels[levels.length - 1][0];
  for (let d = levels.length - 1; d < chunkDepth(fieldRoots.length); d++) root = digest64(root, zeroHash(d));
  return root;
}

/** The tx root of a batch (= `txRoot(txs)`) from the txs' hashes, which the transition needs anyway. */
export function txRootFromHashes(hashes: Uint8Array[]): Uint8Array {
  return listRootFromLevels(buildLevels(hashes), MAX_TXS_PER_BATCH);
}
