import { compareBytes } from "../crypto/hex.js";
import type { CommitteeWeights } from "./committee.js";
import type { TreeNode } from "./tree.js";
import type { Vote } from "./types.js";

/**
 * LMD-GHOST from `order[0]` (the confirmed batch). `order` is its subtree, parents before
 * children (BatchTree.subtree). Each latest vote weighs its voter's weight in `committee`
 * (the confirmed batch's committee, like Ethereum's justified balances); voters outside it
 * and votes outside the subtree weigh 0. Subtree weights are accumulated once, children
 * before parents, then the walk follows at each fork the child with the most weight, ties
 * (including all-zero weights) going to the lower root. O(subtree + votes).
 */
export function computeHead(
  order: TreeNode[],
  votes: ReadonlyMap<number, Vote>,
  lookup: (root: Uint8Array) => TreeNode | undefined,
  committee: CommitteeWeights,
): TreeNode {
  const weight = new Map<TreeNode, bigint>();
  for (const node of order) weight.set(node, 0n);
  for (const [voter, vote] of votes) {
    const w = committee.weights.get(voter);
    if (w === undefined || w === 0n) continue;
    const node = lookup(vote.root);
    const current = node === undefined ? undefined : weight.get(node);
    if (current !== undefined) weight.set(node as TreeNode, current + w);
  }
  for (let i = order.length - 1; i > 0; i--) {
    const node = order[i];
    const parent = node.parent as TreeNode;
    weight.set(parent, (weight.get(parent) as bigint) + (weight.get(node) as bigint));
  }

  let head = order[0];
  while (head.children.length > 0) {
    let best = head.children[0];
    let bestWeight = weight.get(best) as bigint;
    for (let i = 1; i < head.children.length; i++) {
      const child = head.children[i];
      const w = weight.get(child) as bigint;
      if (w > bestWeight || (w === bestWeight && compareBytes(child.batch.root, best.batch.root) < 0)) {
        best = child;
        bestWeight = w;
      }
    }
    head = best;
  }
  return head;
}
