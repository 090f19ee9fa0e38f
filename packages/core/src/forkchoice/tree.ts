import { toHex } from "../crypto/hex.js";
import type { CommitteeWeights } from "./committee.js";
import type { BatchNode } from "./types.js";

export interface TreeNode {
  key: string;
  batch: BatchNode;
  /** null for the oldest batch kept (the anchor, or the confirmed batch after a prune). */
  parent: TreeNode | null;
  children: TreeNode[];
  committee: CommitteeWeights;
}

/** The batches the fork choice holds, keyed by hex root, with parent and child links. */
export class BatchTree {
  private readonly nodes = new Map<string, TreeNode>();

  get size(): number {
    return this.nodes.size;
  }

  get(root: Uint8Array): TreeNode | undefined {
    return this.nodes.get(toHex(root));
  }

  getByKey(key: string): TreeNode | undefined {
    return this.nodes.get(key);
  }

  /** Links a new node under `parent` (null for the anchor). The caller checked it is new. */
  add(batch: BatchNode, parent: TreeNode | null, committee: CommitteeWeights): TreeNode {
    const node: TreeNode = { key: toHex(batch.root), batch, parent, children: [], committee };
    this.nodes.set(node.key, node);
    parent?.children.push(node);
    return node;
  }

  /** The ancestor-or-self of `node` at `height`, if it is still held. O(node.height - height). */
  ancestorAtHeight(node: TreeNode, height: number): TreeNode | undefined {
    if (height > node.batch.height) return undefined;
    let cur: TreeNode | null = node;
    while (cur !== null && cur.batch.height > height) cur = cur.parent;
    return cur !== null && cur.batch.height === height ? cur : undefined;
  }

  isDescendant(ancestor: TreeNode, node: TreeNode): boolean {
    return this.ancestorAtHeight(node, ancestor.batch.height) === ancestor;
  }

  /** `root` and all its descendants, breadth first: every parent comes before its children. */
  subtree(root: TreeNode): TreeNode[] {
    const out = [root];
    for (let i = 0; i < out.length; i++) for (const child of out[i].children) out.push(child);
    return out;
  }

  /** Batches from `from` (exclusive) up to `to` (inclusive), ascending; `from` must be an ancestor. */
  chainBetween(from: TreeNode, to: TreeNode): TreeNode[] {
    const out: TreeNode[] = [];
    for (let cur: TreeNode | null = to; cur !== null && cur !== from; cur = cur.parent) out.push(cur);
    return out.reverse();
  }

  /** Keeps only `root` and its descendants; `root` becomes parentless. Returns the removed nodes. */
  retainSubtree(root: TreeNode): TreeNode[] {
    const keep = new Set(this.subtree(root).map((n) => n.key));
    const removed: TreeNode[] = [];
    for (const [key, node] of this.nodes) {
      if (!keep.has(key)) {
        removed.push(node);
        this.nodes.delete(key);
      }
    }
    root.parent = null;
    return removed;
  }

  values(): IterableIterator<TreeNode> {
    return this.nodes.values();
  }
}
