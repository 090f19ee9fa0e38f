import { suite } from "uvu";
import * as assert from "uvu/assert";
import { toHex } from "../../src/crypto/hex.js";
import { type BatchNode, ForkChoice, ForkChoiceError, ForkChoiceErrorCode } from "../../src/forkchoice/index.js";

type Committee = BatchNode["committee"];
const equal = (n: number): Committee => Array.from({ length: n }, (_, index) => ({ index, weight: 1n }));
const weighted = (weights: number[]): Committee => weights.map((w, index) => ({ index, weight: BigInt(w) }));
const [A, B, C, D] = [0, 1, 2, 3];

/** A 32-byte root whose byte order is the order of `n`. */
function rootOf(n: number): Uint8Array {
  const root = new Uint8Array(32);
  new DataView(root.buffer).setUint32(0, n);
  return root;
}

type Opts = { root?: number; committee?: Committee };

/** Builds batches by label on top of a genesis "G" (slot 0, proposer A) and feeds them to a ForkChoice. */
class Chain {
  readonly fc: ForkChoice;
  private readonly byLabel = new Map<string, BatchNode>();
  private readonly labelByRoot = new Map<string, string>();
  private nextRoot = 0x1000;
  constructor(private readonly committee: Committee = equal(4)) {
    this.fc = new ForkChoice(this.make("G", null, 0, A));
  }
  make(label: string, parent: string | null, slot: number, proposer: number, opts: Opts = {}): BatchNode {
    const p = parent === null ? undefined : this.get(parent);
    const root = rootOf(opts.root ?? this.nextRoot++);
    const [parentRoot, height] = p === undefined ? [new Uint8Array(32), 0] : [p.root, p.height + 1];
    const batch: BatchNode = { root, parentRoot, slot, height, proposerIndex: proposer, committee: opts.committee ?? this.committee };
    this.byLabel.set(label, batch);
    this.labelByRoot.set(toHex(batch.root), label);
    return batch;
  }
  add(label: string, parent: string, slot: number, proposer: number, opts: Opts = {}): BatchNode {
    const batch = this.make(label, parent, slot, proposer, opts);
    this.fc.onBatch(batch);
    return batch;
  }
  /** Adds `${prefix}1..n` on top of `parent`, one per proposer, from `slot` on; returns the next free slot. */
  extend(prefix: string, parent: string, proposers: number[], slot: number): number {
    proposers.forEach((p, i) => this.add(`${prefix}${i + 1}`, i === 0 ? parent : `${prefix}${i}`, slot + i, p));
    return slot + proposers.length;
  }
  get(label: string): BatchNode {
    const batch = this.byLabel.get(label);
    assert.ok(batch, `no batch ${label}`);
    return batch;
  }
  label(root: Uint8Array | undefined): string {
    return root === undefined ? "-" : (this.labelByRoot.get(toHex(root)) ?? "?");
  }
  labels(batches: BatchNode[]): string[] {
    return batches.map((b) => this.label(b.root));
  }
}

function assertCode(fn: () => void, code: ForkChoiceErrorCode): void {
  assert.throws(fn, (e: unknown) => e instanceof ForkChoiceError && e.type.code === code, `expected ${code}`);
}

const test = suite("forkchoice");

// A linear chain b1..bk, proposers cycling through the committee.
const linearCases: { name: string; members: number; k: number; confirmed: string }[] = [
  { name: "1 of 4 on b1: nothing", members: 4, k: 1, confirmed: "G" },
  { name: "2 of 4 on b1: not enough", members: 4, k: 2, confirmed: "G" },
  { name: "3 of 4 on b1: b1", members: 4, k: 3, confirmed: "b1" },
  { name: "3 of 4 on b2: b2", members: 4, k: 4, confirmed: "b2" },
  { name: "3 of 4 on b3: b3", members: 4, k: 5, confirmed: "b3" },
  { name: "exactly 2/3 (2 of 3) on b1: not enough", members: 3, k: 2, confirmed: "G" },
  { name: "3 of 3 on b1, 2 of 3 on b2: b1", members: 3, k: 3, confirmed: "b1" },
];
for (const { name, members, k, confirmed } of linearCases) {
  test(`linear chain: ${name}`, () => {
    const chain = new Chain(equal(members));
    chain.extend("b", "G", Array.from({ length: k }, (_, i) => i % members), 1);
    const update = chain.fc.update();
    assert.is(chain.label(update.head.root), `b${k}`);
    assert.is(chain.label(update.confirmed.root), confirmed);
    assert.is(chain.label(chain.fc.getConfirmed().root), confirmed);
    const expectedNew = confirmed === "G" ? [] : Array.from({ length: Number(confirmed.slice(1)) }, (_, i) => `b${i + 1}`);
    assert.equal(chain.labels(update.newlyConfirmed), expectedNew);
  });
}

test("confirmation weighs votes with the batch's own committee", () => {
  const chain = new Chain(equal(4));
  chain.add("b1", "G", 1, A, { committee: weighted([10, 1, 1]) });
  assert.is(chain.label(chain.fc.update().confirmed.root), "b1");
});

// Two branches from G: "a" is longer, "b" holds more committee weight.
const heavierCases: { name: string; committee: Committee; a: number[]; b: number[] }[] = [
  { name: "more voters beat more batches", committee: equal(4), a: [A, A, A, A, A], b: [B, C] },
  { name: "weight, not count", committee: weighted([5, 1, 1, 1]), a: [B, C, D, B, C], b: [A] },
  { name: "voters outside the confirmed committee weigh 0", committee: equal(4), a: [7, 8, 9, 7, 8], b: [A] },
];
for (const { name, committee, a, b } of heavierCases) {
  test(`heavier subtree wins over a longer chain: ${name}`, () => {
    const chain = new Chain(committee);
    chain.extend("b", "G", b, chain.extend("a", "G", a, 1));
    const update = chain.fc.update();
    assert.is(chain.label(update.head.root), `b${b.length}`);
    assert.is(chain.label(update.confirmed.root), "G");
  });
}

const tieCases = [{ name: "equal weight", xProposer: A, yProposer: B }, { name: "all zero weight", xProposer: 7, yProposer: 8 }];
for (const { name, xProposer, yProposer } of tieCases) {
  test(`tie goes to the lower root: ${name}`, () => {
    const chain = new Chain();
    chain.add("x", "G", 1, xProposer, { root: 2 });
    chain.add("y", "G", 2, yProposer, { root: 1 });
    assert.is(chain.label(chain.fc.update().head.root), "y");
  });
}

// Partition: A alone fills every slot 1..24 on one branch; B, C, D take turns on another
// (slots 2,3,4,6,7,8,...). Both start at G.
const LONE = 24;
const threesSlots = Array.from({ length: LONE }, (_, i) => i + 1).filter((s) => s % 4 !== 1);
const loneSteps = (c: Chain): Array<() => void> =>
  Array.from({ length: LONE }, (_, i) => () => c.add(`L${i + 1}`, i === 0 ? "G" : `L${i}`, i + 1, A));
const threesSteps = (c: Chain): Array<() => void> =>
  threesSlots.map((slot, i) => () => c.add(`T${i + 1}`, i === 0 ? "G" : `T${i}`, slot, [B, C, D][i % 3]));
function interleaved(c: Chain): Array<() => void> {
  const threes = threesSteps(c);
  return loneSteps(c).flatMap((step, i) => [step, ...(threesSlots.includes(i + 1) ? [threes[threesSlots.indexOf(i + 1)]] : [])]);
}
const orders: { name: string; slots: (chain: Chain) => Array<() => void> }[] = [
  { name: "lone chain seen first", slots: (c) => [...loneSteps(c), ...threesSteps(c)] },
  { name: "three's chain seen first", slots: (c) => [...threesSteps(c), ...loneSteps(c)] },
  { name: "interleaved by slot", slots: interleaved },
];
for (const { name, slots } of orders) {
  test(`partition, ${name}: the three's chain is head and confirms, the lone chain never confirms`, () => {
    const chain = new Chain(equal(4));
    let confirmed = chain.fc.getConfirmed();
    let rejected = 0;
    let sawFullReorg = false;
    for (const step of slots(chain)) {
      try {
        step();
      } catch (e) {
        // The first lone batch after a T is confirmed does not descend from it; later ones may lack a parent.
        const code = (e as ForkChoiceError).type.code;
        if (rejected === 0) assert.is(code, ForkChoiceErrorCode.NOT_DESCENDANT_OF_CONFIRMED);
        else assert.ok(code === ForkChoiceErrorCode.NOT_DESCENDANT_OF_CONFIRMED || code === ForkChoiceErrorCode.UNKNOWN_PARENT);
        rejected++;
      }
      const update = chain.fc.update();
      if (update.reorg?.removed.length === LONE) {
        assert.equal(chain.labels(update.reorg.added), ["T1", "T2"], "B and C outweigh A");
        sawFullReorg = true;
      }
      for (const batch of update.newlyConfirmed) {
        assert.ok(chain.label(batch.root).startsWith("T"), `${chain.label(batch.root)} confirmed`);
        assert.equal(batch.parentRoot, confirmed.root, "confirmed chain is continuous");
        confirmed = batch;
      }
      assert.is(update.confirmed, confirmed);
    }
    const last = threesSlots.length;
    assert.is(chain.label(chain.fc.getHead().root), `T${last}`);
    assert.is(chain.label(chain.fc.getConfirmed().root), `T${last - 2}`);
    // Once a T batch is confirmed, lone batches that do not extend a known one are rejected.
    assert.is(rejected === 0, name.startsWith("lone"));
    assert.is(sawFullReorg, name.startsWith("lone"));
  });
}

test("a confirmed batch never reverts: later batches of its proposers on another branch are rejected", () => {
  const chain = new Chain(equal(4));
  chain.add("y1", "G", 1, D);
  assert.is(chain.label(chain.fc.update().head.root), "y1");
  chain.extend("x", "G", [A, B, C], 2);
  let update = chain.fc.update();
  assert.equal(chain.labels(update.reorg?.removed ?? []), ["y1"]);
  assert.is(chain.label(update.confirmed.root), "x1");
  assert.is(chain.label(update.head.root), "x3");
  // A, B and C now build on y1 (or on G): rejected, their votes stay on the x branch.
  assertCode(() => chain.add("y2", "y1", 5, A), ForkChoiceErrorCode.NOT_DESCENDANT_OF_CONFIRMED);
  assertCode(() => chain.add("y2'", "G", 6, B), ForkChoiceErrorCode.NOT_DESCENDANT_OF_CONFIRMED);
  update = chain.fc.update();
  assert.is(chain.label(update.confirmed.root), "x1");
  assert.is(chain.label(update.head.root), "x3");
  assert.is(update.reorg, null);
  assert.equal(update.newlyConfirmed, []);
  assert.is(chain.label(chain.fc.getVotes().get(A)?.root), "x1");
});

test("onBatch rejects unknown parents and inconsistent heights or slots", () => {
  const chain = new Chain();
  const orphan = chain.make("o", null, 5, A);
  assertCode(() => chain.fc.onBatch({ ...orphan, parentRoot: rootOf(0xdead), height: 3 }), ForkChoiceErrorCode.UNKNOWN_PARENT);
  chain.add("b1", "G", 1, A);
  assertCode(() => chain.fc.onBatch({ ...chain.make("h", "b1", 2, B), height: 5 }), ForkChoiceErrorCode.WRONG_HEIGHT);
  assertCode(() => chain.fc.onBatch(chain.make("s", "b1", 1, B)), ForkChoiceErrorCode.SLOT_NOT_AFTER_PARENT);
  assert.not.ok(chain.fc.hasBatch(chain.get("h").root));
  chain.fc.onBatch(chain.get("b1")); // a batch already held is ignored
});

test("prune removes losing branches and ancestors of the confirmed batch", () => {
  const chain = new Chain(equal(4));
  chain.add("a1", "G", 1, A);
  chain.add("b1", "a1", 2, B);
  chain.add("c1", "a1", 3, D);
  chain.add("b2", "b1", 4, C);
  chain.add("b3", "b2", 5, A);
  const update = chain.fc.update();
  assert.is(chain.label(update.confirmed.root), "b1");
  assert.equal(chain.labels(update.newlyConfirmed), ["a1", "b1"]);
  const removed = chain.fc.prune().map((r) => chain.label(r)).sort();
  assert.equal(removed, ["G", "a1", "c1"]);
  for (const l of ["G", "a1", "c1"]) assert.not.ok(chain.fc.hasBatch(chain.get(l).root), l);
  for (const l of ["b1", "b2", "b3"]) assert.ok(chain.fc.hasBatch(chain.get(l).root), l);
  assert.equal(chain.fc.prune(), []);
  assertCode(() => chain.add("c2", "c1", 6, D), ForkChoiceErrorCode.UNKNOWN_PARENT);
  chain.add("b4", "b3", 7, B);
  const next = chain.fc.update();
  assert.is(chain.label(next.head.root), "b4");
  assert.is(chain.label(next.confirmed.root), "b2");
});

test("reorg lists the batches removed from and added to the head chain", () => {
  const chain = new Chain(equal(4));
  chain.add("a1", "G", 1, A);
  assert.is(chain.fc.update().reorg, null);
  chain.extend("b", "G", [B, C], 2);
  const { reorg } = chain.fc.update();
  assert.equal([reorg?.commonAncestor, reorg?.oldHead, reorg?.newHead].map((b) => chain.label(b?.root)), ["G", "a1", "b2"]);
  assert.equal([chain.labels(reorg?.removed ?? []), chain.labels(reorg?.added ?? [])], [["a1"], ["b1", "b2"]]);
  chain.add("b3", "b2", 4, D);
  const update = chain.fc.update();
  assert.is(update.reorg, null, "an extension is not a reorg");
  assert.equal(chain.labels(update.newlyConfirmed), ["b1"]);
});

test("reorg when a vote moves to a sibling: the head moves sideways", () => {
  const chain = new Chain(equal(4));
  chain.extend("a", "G", [A, B, B], 1);
  assert.is(chain.label(chain.fc.update().head.root), "a3");
  chain.add("c2", "a1", 4, B); // B's latest vote leaves a2/a3
  const { reorg } = chain.fc.update();
  assert.equal([reorg?.commonAncestor, reorg?.oldHead, reorg?.newHead].map((b) => chain.label(b?.root)), ["a1", "a3", "c2"]);
  assert.equal([chain.labels(reorg?.removed ?? []), chain.labels(reorg?.added ?? [])], [["a2", "a3"], ["c2"]]);
});

test("votes: latest slot wins, an equal slot keeps the first seen", () => {
  const chain = new Chain(equal(4));
  chain.add("a1", "G", 3, B);
  chain.add("a2", "a1", 5, B);
  chain.add("x", "G", 4, B); // older slot: not B's latest vote
  chain.add("y", "G", 5, B); // same slot as a2: an equivocation does not move the vote
  const votes = chain.fc.getVotes();
  assert.is(chain.label(votes.get(B)?.root), "a2");
  assert.is(votes.get(B)?.slot, 5);
  assert.is(chain.label(votes.get(A)?.root), "G");
});

test("queries: unconfirmed chain, descendants, ancestors", () => {
  const chain = new Chain(equal(4));
  chain.extend("a", "G", [A, B, C], 1);
  chain.add("z1", "G", 4, 9);
  chain.fc.update();
  assert.is(chain.label(chain.fc.getConfirmed().root), "a1");
  assert.equal(chain.labels(chain.fc.getUnconfirmedChain()), ["a2", "a3"]);
  const r = (l: string): Uint8Array => chain.get(l).root;
  const descendants: [Uint8Array, Uint8Array, boolean][] = [
    [r("a1"), r("a3"), true], [r("a3"), r("a3"), true], [r("a3"), r("a1"), false], [r("a1"), r("z1"), false], [rootOf(1), r("a1"), false],
  ];
  for (const [ancestor, root, expected] of descendants) assert.is(chain.fc.isDescendant(ancestor, root), expected);
  for (const [height, expected] of [[1, "a1"], [3, "a3"], [4, "-"]] as const) {
    assert.is(chain.label(chain.fc.getAncestorAtHeight(r("a3"), height)?.root), expected);
  }
  assert.is(chain.fc.getBatch(r("z1")), chain.get("z1"));
  assert.is(chain.fc.getBatch(rootOf(1)), undefined);
});

test("a long run keeps the unconfirmed chain short", () => {
  const chain = new Chain(equal(4));
  const n = 3000;
  for (let i = 1; i <= n; i++) {
    chain.add(`b${i}`, i === 1 ? "G" : `b${i - 1}`, i, (i - 1) % 4);
    chain.fc.update();
    if (i % 100 === 0) assert.ok(chain.fc.prune().length > 0);
  }
  assert.is(chain.label(chain.fc.getConfirmed().root), `b${n - 2}`);
  assert.is(chain.fc.getUnconfirmedChain().length, 2);
});

test.run();
