import { toHex } from "../crypto/hex.js";
import { CommitteeTable } from "./committee.js";
import { findConfirmedIndex } from "./confirmation.js";
import { ForkChoiceError, ForkChoiceErrorCode } from "./errors.js";
import { computeHead } from "./ghost.js";
import { BatchTree, type TreeNode } from "./tree.js";
import type { BatchNode, ForkChoiceUpdate, Reorg, Vote } from "./types.js";

/**
 * Fork choice and confirmation (docs/protocol.md "Fork choice and confirmation"). Pure and
 * synchronous: the node feeds it batches with onBatch() and calls update() to move the head
 * and the confirmed batch. Every batch is its proposer's vote if it is the highest slot that
 * proposer signed that we have seen (on an equal slot the first one seen stays: an
 * equivocation cannot move a vote). Batches that throw in onBatch are not counted as votes.
 */
export class ForkChoice {
  private readonly tree = new BatchTree();
  private readonly committees = new CommitteeTable();
  private readonly votes = new Map<number, Vote>();
  private confirmed: TreeNode;
  private head: TreeNode;
  private readonly lookup = (root: Uint8Array): TreeNode | undefined => this.tree.get(root);

  /** `anchor` is the genesis batch, or the last confirmed batch on restart; it is confirmed. */
  constructor(anchor: BatchNode) {
    this.confirmed = this.tree.add(anchor, null, this.committees.intern(anchor.committee));
    this.head = this.confirmed;
    this.countVote(anchor);
  }

  hasBatch(root: Uint8Array): boolean {
    return this.tree.get(root) !== undefined;
  }

  getBatch(root: Uint8Array): BatchNode | undefined {
    return this.tree.get(root)?.batch;
  }

  /**
   * Adds a batch whose parent is known and descends from (or is) the confirmed batch, and
   * counts it as its proposer's latest vote. A batch already held is ignored.
   */
  onBatch(batch: BatchNode): void {
    const key = toHex(batch.root);
    if (this.tree.getByKey(key) !== undefined) return;
    if (batch.height <= this.confirmed.batch.height) {
      throw new ForkChoiceError(ForkChoiceErrorCode.NOT_DESCENDANT_OF_CONFIRMED, key, "not above the confirmed height");
    }
    const parent = this.tree.get(batch.parentRoot);
    if (parent === undefined) {
      throw new ForkChoiceError(ForkChoiceErrorCode.UNKNOWN_PARENT, key, `parent ${toHex(batch.parentRoot)}`);
    }
    if (batch.height !== parent.batch.height + 1) {
      throw new ForkChoiceError(ForkChoiceErrorCode.WRONG_HEIGHT, key, `height ${batch.height}, parent ${parent.batch.height}`);
    }
    if (batch.slot <= parent.batch.slot) {
      throw new ForkChoiceError(ForkChoiceErrorCode.SLOT_NOT_AFTER_PARENT, key, `slot ${batch.slot}, parent ${parent.batch.slot}`);
    }
    if (!this.tree.isDescendant(this.confirmed, parent)) {
      throw new ForkChoiceError(ForkChoiceErrorCode.NOT_DESCENDANT_OF_CONFIRMED, key);
    }
    this.tree.add(batch, parent, this.committees.intern(batch.committee));
    this.countVote(batch);
  }

  /**
   * Recomputes head (LMD-GHOST from the confirmed batch) and the confirmed batch (highest on
   * the head chain with > 2/3 support). If the confirmed batch moves, the head is recomputed
   * once with the new confirmed batch's committee weights; a further confirmation that this
   * new head would allow happens on the next call. O(unconfirmed batches + votes).
   */
  update(): ForkChoiceUpdate {
    const oldHead = this.head;
    const oldConfirmed = this.confirmed;

    let order = this.tree.subtree(this.confirmed);
    let head = computeHead(order, this.votes, this.lookup, this.confirmed.committee);
    const chain = [this.confirmed, ...this.tree.chainBetween(this.confirmed, head)];
    const confirmedIndex = findConfirmedIndex(order, chain, this.votes, this.lookup);
    if (confirmedIndex > 0) {
      this.confirmed = chain[confirmedIndex];
      order = this.tree.subtree(this.confirmed);
      head = computeHead(order, this.votes, this.lookup, this.confirmed.committee);
    }
    this.head = head;

    return {
      head: head.batch,
      confirmed: this.confirmed.batch,
      reorg: this.reorgBetween(oldHead, head),
      newlyConfirmed: this.tree.chainBetween(oldConfirmed, this.confirmed).map((n) => n.batch),
    };
  }

  getHead(): BatchNode {
    return this.head.batch;
  }

  getConfirmed(): BatchNode {
    return this.confirmed.batch;
  }

  /** Batches from the confirmed batch (exclusive) to the head (inclusive), ascending. */
  getUnconfirmedChain(): BatchNode[] {
    return this.tree.chainBetween(this.confirmed, this.head).map((n) => n.batch);
  }

  /** True if `root` is `ancestorRoot` or descends from it; false if either is not held. */
  isDescendant(ancestorRoot: Uint8Array, root: Uint8Array): boolean {
    const ancestor = this.tree.get(ancestorRoot);
    const node = this.tree.get(root);
    return ancestor !== undefined && node !== undefined && this.tree.isDescendant(ancestor, node);
  }

  getAncestorAtHeight(root: Uint8Array, height: number): BatchNode | undefined {
    const node = this.tree.get(root);
    return node === undefined ? undefined : this.tree.ancestorAtHeight(node, height)?.batch;
  }

  /**
   * Drops every batch that is not the confirmed batch or a descendant of it: losing branches
   * and the ancestors of the confirmed batch. Returns their roots (the node deletes their
   * states). Votes for dropped batches stay recorded as latest messages but weigh nothing.
   */
  prune(): Uint8Array[] {
    const removed = this.tree.retainSubtree(this.confirmed);
    if (removed.length > 0) {
      this.committees.clear();
      for (const node of this.tree.values()) node.committee = this.committees.intern(node.batch.committee);
    }
    return removed.map((n) => n.batch.root);
  }

  /** Latest vote per sequencer index. A copy: callers cannot change the fork choice. */
  getVotes(): Map<number, Vote> {
    return new Map(this.votes);
  }

  private countVote(batch: BatchNode): void {
    const latest = this.votes.get(batch.proposerIndex);
    if (latest === undefined || batch.slot > latest.slot) {
      this.votes.set(batch.proposerIndex, { root: batch.root, slot: batch.slot });
    }
  }

  private reorgBetween(oldHead: TreeNode, newHead: TreeNode): Reorg | null {
    if (this.tree.isDescendant(oldHead, newHead)) return null;
    let a: TreeNode = oldHead;
    let b: TreeNode = newHead;
    while (a.batch.height > b.batch.height) a = a.parent as TreeNode;
    while (b.batch.height > a.batch.height) b = b.parent as TreeNode;
    while (a !== b) {
      a = a.parent as TreeNode;
      b = b.parent as TreeNode;
    }
    return {
      oldHead: oldHead.batch,
      newHead: newHead.batch,
      commonAncestor: a.batch,
      removed: this.tree.chainBetween(a, oldHead).map((n) => n.batch),
      added: this.tree.chainBetween(a, newHead).map((n) => n.batch),
    };
  }
}
