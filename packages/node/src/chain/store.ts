/**
 * The chain's view of the store: what is written when a batch is imported (atomically),
 * and how a restarted node finds its snapshot and head chain again.
 */
import {
  computeEpoch,
  fromHex,
  headerRoot,
  toHex,
  txHashOf,
  type BatchNode,
  type ChainConfig,
  type SignedBatch,
  type State,
} from "@baton/core";
import type { BatonDb } from "../db/index.js";

const META_GENESIS = "genesisRoot";
const META_HEAD = "headRoot";
const META_CONFIRMED = "confirmedRoot";
const META_SNAPSHOT = "snapshotRoot";
const META_SCHEMA = "schemaVersion";
/** Bump when the encoding of anything stored changes: an old data dir is then refused with a clear error. */
export const STORE_SCHEMA_VERSION = 2; // 2: unbonding, miss window, committee fallbacks, supply in the state
const schemaBytes = () => new TextEncoder().encode(String(STORE_SCHEMA_VERSION));

export interface PersistImport {
  batch: SignedBatch;
  /** the batch's SSZ bytes if the caller has them (else encoded here) */
  bytes?: Uint8Array;
  root: Uint8Array;
  /** batches that joined the head chain, ascending */
  added: SignedBatch[];
  /** heights of batches that left the head chain */
  removedHeights: number[];
  head: BatchNode;
  confirmed: BatchNode;
  newlyConfirmed: { node: BatchNode; state: State }[];
}

export class ChainStore {
  private snapshotEpoch = -1;

  constructor(
    private readonly db: BatonDb,
    private readonly config: ChainConfig,
    private readonly genesisRoot: Uint8Array,
  ) {}

  /** The latest epoch snapshot (or genesis, written on first start). */
  async loadOrInit(genesisBatch: SignedBatch, genesisState: State): Promise<{ batch: SignedBatch; state: State }> {
    const stored = await this.db.meta.get(META_GENESIS);
    if (!stored) {
      await this.db.writeAtomic([
        this.db.meta.putOp(META_SCHEMA, schemaBytes()),
        this.db.batches.putOp(this.genesisRoot, genesisBatch),
        this.db.canonical.putOp(0, this.genesisRoot),
        this.db.states.putOp(this.genesisRoot, genesisState),
        this.db.meta.putOp(META_GENESIS, this.genesisRoot),
        this.db.meta.putOp(META_SNAPSHOT, this.genesisRoot),
        this.db.meta.putOp(META_HEAD, this.genesisRoot),
        this.db.meta.putOp(META_CONFIRMED, this.genesisRoot),
      ]);
      this.snapshotEpoch = 0;
      return { batch: genesisBatch, state: genesisState };
    }
    const schema = await this.db.meta.get(META_SCHEMA);
    const version = schema ? new TextDecoder().decode(schema) : "none";
    if (version !== String(STORE_SCHEMA_VERSION)) {
      throw new Error(
        `the data dir was written by an incompatible version of baton (store schema ${version}, this node uses ${STORE_SCHEMA_VERSION}); start with a fresh --data-dir`,
      );
    }
    if (toHex(stored) !== toHex(this.genesisRoot)) {
      throw new Error(
        `the data dir belongs to another chain: its genesis root is ${toHex(stored)}, this genesis has ${toHex(this.genesisRoot)}; use another --data-dir`,
      );
    }
    const snapRoot = (await this.db.meta.get(META_SNAPSHOT)) ?? this.genesisRoot;
    const batch = await this.db.batches.get(snapRoot);
    const state = await this.db.states.get(snapRoot);
    if (!batch || !state) throw new Error(`the data dir is damaged: snapshot ${toHex(snapRoot)} is missing`);
    this.snapshotEpoch = computeEpoch(this.config, batch.header.slot);
    return { batch, state };
  }

  async *canonicalFrom(height: number): AsyncGenerator<SignedBatch> {
    for (let h = height; ; h++) {
      const b = await this.getCanonicalBatch(h);
      if (!b) return;
      yield b;
    }
  }

  async getBatch(rootHex: string): Promise<SignedBatch | undefined> {
    return (await this.db.batches.get(fromHex(rootHex, 32))) ?? undefined;
  }

  async getCanonicalBatch(height: number): Promise<SignedBatch | undefined> {
    const root = await this.db.canonical.get(height);
    return (root && (await this.db.batches.get(root))) ?? undefined;
  }

  async getCanonicalRoot(height: number): Promise<Uint8Array | undefined> {
    return (await this.db.canonical.get(height)) ?? undefined;
  }

  /** Serialized batches of the stored head chain, for batches_by_range. */
  async getCanonicalBatchBytes(start: number, count: number): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    const roots = await this.db.canonical.getRange(start, count);
    for (const root of roots) {
      const b = await this.db.batches.getBytes(root);
      if (!b) break;
      out.push(b);
    }
    return out;
  }

  /** Where a tx was last included (the batch root), if anywhere. */
  async getTxBatchRoot(hashHex: string): Promise<Uint8Array | undefined> {
    return (await this.db.txIndex.get(fromHex(hashHex, 32))) ?? undefined;
  }

  /** One atomic write per import: the batch, its tx index, the canonical index, head/confirmed, a snapshot at a new epoch. */
  async persistImport(p: PersistImport): Promise<void> {
    const ops = [p.bytes ? { type: "put" as const, key: this.db.batches.key(p.root), value: p.bytes } : this.db.batches.putOp(p.root, p.batch)];
    const addedHeights = new Set<number>();
    for (const b of p.added) {
      const r = headerRoot(b.header);
      ops.push(this.db.canonical.putOp(b.header.height, r));
      addedHeights.add(b.header.height);
      for (const tx of b.txs) ops.push(this.db.txIndex.putOp(txHashOf(tx), r));
    }
    for (const h of p.removedHeights) if (!addedHeights.has(h)) ops.push(this.db.canonical.deleteOp(h));
    ops.push(this.db.meta.putOp(META_HEAD, p.head.root), this.db.meta.putOp(META_CONFIRMED, p.confirmed.root));
    // a state snapshot each time confirmation enters a new epoch; restarts replay from it
    const last = p.newlyConfirmed[p.newlyConfirmed.length - 1];
    if (last && computeEpoch(this.config, last.node.slot) > this.snapshotEpoch) {
      ops.push(this.db.states.putOp(last.node.root, last.state), this.db.meta.putOp(META_SNAPSHOT, last.node.root));
      this.snapshotEpoch = computeEpoch(this.config, last.node.slot);
    }
    await this.db.writeAtomic(ops);
  }
}
