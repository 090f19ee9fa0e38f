import type { TreeNode } from "./tree.js";
import type { Vote } from "./types.js";

/**
 * The index in `chain` of the highest confirmed batch, 0 if none above `chain[0]`.
 *
 * `chain` is the head chain, `chain[0]` the current confirmed batch and the last entry the
 * head; `order` is the subtree of `chain[0]`, parents before children. Batch X = chain[i] is
 * confirmed when the latest votes of more than 2/3 of X.committee's total weight are X or
 * descend from X (X.committee decides who counts and with what weight).
 *
 * A vote supports chain[i] exactly when the point where the vote's branch meets the head
 * chain (its highest ancestor on it, "meet") is at index >= i; meets are found top-down in
 * one pass over `order`. Consecutive chain batches share an interned committee within an
 * epoch; inside such a group support only falls with height, so one sweep from the top of
 * the group with a suffix sum over meets finds its highest confirmed batch. Groups are
 * visited top-down, so the first hit is the answer. O(subtree + chain + Σ committee sizes
 * of the groups visited) — one committee per epoch, not one per batch.
 */
export function findConfirmedIndex(
  order: TreeNode[],
  chain: TreeNode[],
  votes: ReadonlyMap<number, Vote>,
  lookup: (root: Uint8Array) => TreeNode | undefined,
): number {
  const chainIndex = new Map<TreeNode, number>();
  chain.forEach((node, i) => chainIndex.set(node, i));
  const meet = new Map<TreeNode, number>();
  for (const node of order) {
    meet.set(node, chainIndex.get(node) ?? (meet.get(node.parent as TreeNode) as number));
  }
  const voterMeet = new Map<number, number>();
  for (const [voter, vote] of votes) {
    const node = lookup(vote.root);
    const m = node === undefined ? undefined : meet.get(node);
    if (m !== undefined && m > 0) voterMeet.set(voter, m);
  }

  let hi = chain.length - 1;
  while (hi > 0) {
    const committee = chain[hi].committee;
    let lo = hi;
    while (lo > 1 && chain[lo - 1].committee === committee) lo--;
    const bucket: bigint[] = new Array<bigint>(hi - lo + 1).fill(0n);
    for (const [voter, w] of committee.weights) {
      const m = voterMeet.get(voter);
      if (m !== undefined && m >= lo) bucket[Math.min(m, hi) - lo] += w;
    }
    let support = 0n;
    for (let i = hi; i >= lo; i--) {
      support += bucket[i - lo];
      if (3n * support > 2n * committee.total) return i;
    }
    hi = lo - 1;
  }
  return 0;
}
