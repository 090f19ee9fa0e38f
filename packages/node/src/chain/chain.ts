/**
 * The chain: imports batches through the core state transition, keeps the post-states of
 * unconfirmed batches in memory, runs fork choice, and persists batches, the canonical
 * index and epoch snapshots to the store. Imports run one at a time.
 */
import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import {
  adoptTxRoots,
  applyBatch,
  BatchError,
  firstInvalidSignatureSet,
  confirmingCommittee,
  createGenesisState,
  findAccountIndex,
  genesisHeader,
  headerRoot,
  toHex,
  ForkChoice,
  type BatchNode,
  type ChainConfig,
  type ForkChoiceUpdate,
  type Genesis,
  type SignedBatch,
  type State,
} from "@baton/core";
import type { BatonDb } from "../db/index.js";
import type { Mempool } from "../mempool/index.js";
import type { Metrics } from "../metrics/index.js";
import { Mutex } from "../util/mutex.js";
import { ChainEvent, type BatchEventData, type ChainEventMap, type ImportSource } from "./events.js";
import { EquivocationWatch } from "./equivocation.js";
import { preverifyBatchTxs } from "./preverify.js";
import { sharedBlsWorker } from "./blsWorker.js";
import { importRangeInParts, type RangeItem } from "./rangeImport.js";
import { reportStateChanges } from "./stateChanges.js";
import { ChainStore } from "./store.js";

export type ImportResult =
  | { status: "imported"; root: string; head: boolean }
  | { status: "known"; root: string }
  | { status: "unknown_parent"; root: string; parentRoot: string }
  | { status: "not_descendant_of_confirmed"; root: string };

export interface ChainModules {
  db: BatonDb;
  mempool: Mempool;
  metrics: Metrics | null;
  logger: Logger;
}

/** One import, from its start to its announcement. */
interface ImportedBatch {
  batch: SignedBatch;
  root: string;
  source: ImportSource;
  /** process.hrtime.bigint() when the import started */
  started: bigint;
  parentState: State;
  state: State;
  update: ForkChoiceUpdate;
  oldHead: BatchNode;
  headChanged: boolean;
}

export class Chain extends EventEmitter<ChainEventMap> {
  readonly config: ChainConfig;
  readonly genesisRoot: Uint8Array;
  readonly store: ChainStore;
  private readonly states = new Map<string, State>();
  private readonly batches = new Map<string, SignedBatch>();
  private readonly mutex = new Mutex();
  /** imports running or waiting (including their tx pre-verification) */
  private importing = 0;
  private readonly idleWaiters = new Set<() => void>();
  private readonly equivocations = new EquivocationWatch();
  private forkChoice!: ForkChoice;
  private readonly logger: Logger;

  private constructor(
    genesis: Genesis,
    private readonly modules: ChainModules,
  ) {
    super();
    this.config = genesis.config;
    this.logger = modules.logger;
    const genesisState = createGenesisState(genesis);
    const header = genesisHeader(this.config, genesisState);
    this.genesisRoot = headerRoot(header);
    this.store = new ChainStore(modules.db, this.config, this.genesisRoot);
    const root = toHex(this.genesisRoot);
    this.states.set(root, genesisState);
    this.batches.set(root, { header, txs: [], signature: new Uint8Array(96) });
  }

  /** Opens the chain from the data dir (or from genesis on first start) and replays the stored head chain. */
  static async init(genesis: Genesis, modules: ChainModules): Promise<Chain> {
    const chain = new Chain(genesis, modules);
    await chain.load();
    return chain;
  }

  private async load(): Promise<void> {
    const gRoot = toHex(this.genesisRoot);
    const genesisBatch = this.batches.get(gRoot)!;
    const genesisState = this.states.get(gRoot)!;
    const snapshot = await this.store.loadOrInit(genesisBatch, genesisState);
    this.states.clear();
    this.batches.clear();
    const anchorRoot = toHex(headerRoot(snapshot.batch.header));
    this.states.set(anchorRoot, snapshot.state);
    this.batches.set(anchorRoot, snapshot.batch);
    this.forkChoice = new ForkChoice(this.toNode(snapshot.batch, snapshot.state));
    // replay the stored head chain above the snapshot (our own store: no signature checks)
    let parent = snapshot.batch;
    let state = snapshot.state;
    let replayed = 0;
    for await (const batch of this.store.canonicalFrom(parent.header.height + 1)) {
      if (toHex(batch.header.parentRoot) !== toHex(headerRoot(parent.header))) break;
      state = applyBatch(state, batch, this.config, { verifySignatures: false, verifyTxSignatures: false });
      const root = toHex(headerRoot(batch.header));
      this.states.set(root, state);
      this.batches.set(root, batch);
      this.forkChoice.onBatch(this.toNode(batch, state));
      parent = batch;
      replayed++;
    }
    this.forkChoice.update();
    this.logger.info(
      { anchorHeight: snapshot.batch.header.height, replayed, headHeight: this.getHead().height },
      "chain loaded",
    );
  }

  private toNode(batch: SignedBatch, state: State): BatchNode {
    const h = batch.header;
    return {
      root: headerRoot(h),
      parentRoot: h.parentRoot,
      slot: h.slot,
      height: h.height,
      proposerIndex: h.proposerIndex,
      committee: confirmingCommittee(state, this.config, h.slot),
    };
  }

  getHead(): BatchNode {
    return this.forkChoice.getHead();
  }
  getConfirmed(): BatchNode {
    return this.forkChoice.getConfirmed();
  }
  getHeadState(): State {
    return this.states.get(toHex(this.getHead().root))!;
  }
  getState(root: string): State | undefined {
    return this.states.get(root);
  }
  hasBatch(root: string): boolean {
    return this.batches.has(root);
  }

  /** A batch by root (memory, then store). */
  async getBatch(root: string): Promise<SignedBatch | undefined> {
    return this.batches.get(root) ?? (await this.store.getBatch(root));
  }

  /** The batch at `height` on the head chain. */
  async getBatchAtHeight(height: number): Promise<SignedBatch | undefined> {
    const head = this.getHead();
    if (height > head.height || height < 0) return undefined;
    const confirmed = this.getConfirmed();
    if (height >= confirmed.height) {
      const node = this.forkChoice.getAncestorAtHeight(head.root, height);
      return node ? this.batches.get(toHex(node.root)) : undefined;
    }
    return this.store.getCanonicalBatch(height);
  }

  /**
   * Imports one batch. Throws the core's BatchError if it is invalid. `bytes`: its SSZ
   * encoding when the caller has it (gossip, sync, our producer), stored as is.
   */
  async importBatch(batch: SignedBatch, source: ImportSource, producedState?: State, bytes?: Uint8Array): Promise<ImportResult> {
    this.importing++;
    try {
      const parent = this.states.get(toHex(batch.header.parentRoot));
      // a gossiped batch's unseen tx signatures are checked in slices first (preverify.ts)
      if (!producedState && source === "gossip" && parent) await preverifyBatchTxs(batch, parent, this.config, this.modules.mempool);
      return await this.mutex.run(() => this.importUnlocked(batch, source, producedState, bytes));
    } catch (e) {
      if (e instanceof BatchError) this.modules.metrics?.chain.batchImportErrors.inc({ code: e.code });
      throw e;
    } finally {
      if (--this.importing === 0) for (const w of [...this.idleWaiters]) w();
    }
  }

  /**
   * Range sync: imports consecutive batches with their BLS signatures checked together
   * (rangeImport.ts). Batches this node has are skipped; it stops before a batch whose parent
   * is unknown (`connected: false`). Throws the first invalid batch's BatchError after
   * importing the valid ones before it.
   */
  async importRange(items: RangeItem[], source: ImportSource): Promise<{ imported: number; connected: boolean }> {
    const worker = sharedBlsWorker();
    try {
      return await importRangeInParts(items, {
        sources: { config: this.config, stateOf: (root) => this.states.get(root), isTxVerified: (hash) => this.modules.mempool.isVerified(hash) },
        // on the worker thread; should the worker fail, here
        check: (sets) => worker.check(sets).then((answer) => answer.firstInvalid, () => firstInvalidSignatureSet(sets)),
        commit: async (batch) => (await this.importBatch(batch.batch, source, batch.state, batch.bytes)).status === "imported",
      });
    } catch (e) {
      if (e instanceof BatchError) this.modules.metrics?.chain.batchImportErrors.inc({ code: e.code });
      throw e;
    }
  }

  /**
   * Resolves once no import is running or waiting, or after `timeoutMs`: the producer waits
   * for a batch being imported before it picks the head to build on (else it would fork).
   */
  whenIdle(timeoutMs: number): Promise<void> {
    if (this.importing === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.idleWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.idleWaiters.add(done);
    });
  }

  rootOf(batch: SignedBatch): Uint8Array {
    return headerRoot(batch.header);
  }

  /** `producedState`: the post-state our own producer computed while building this batch (not recomputed). */
  private async importUnlocked(batch: SignedBatch, source: ImportSource, producedState?: State, bytes?: Uint8Array): Promise<ImportResult> {
    const started = process.hrtime.bigint();
    const rootBytes = headerRoot(batch.header);
    const root = toHex(rootBytes);
    if (this.batches.has(root)) return { status: "known", root };
    const parentRoot = toHex(batch.header.parentRoot);
    const parentState = this.states.get(parentRoot);
    if (!parentState) {
      if (batch.header.height <= this.getConfirmed().height) return { status: "not_descendant_of_confirmed", root };
      return { status: "unknown_parent", root, parentRoot };
    }
    const mempool = this.modules.mempool;
    // txs this node already holds were hashed when they entered the mempool: share those roots
    if (!producedState) {
      for (const tx of batch.txs) {
        const known = mempool.getBySenderNonce(tx.body.sender, tx.body.nonce);
        if (known) adoptTxRoots(tx, known);
      }
    }
    const state =
      producedState ??
      applyBatch(parentState, batch, this.config, {
      verifySignatures: true,
      verifyTxSignatures: true,
      isTxVerified: (h) => mempool.isVerified(h),
    });
    const evidence = this.equivocations.check(batch, this.getConfirmed().slot);
    if (evidence) {
      this.logger.warn({ proposer: evidence.proposer, slot: evidence.slot }, "equivocation: two batches of one proposer for one slot");
      this.emit(ChainEvent.equivocation, evidence);
    }
    const node = this.toNode(batch, state);
    this.forkChoice.onBatch(node);
    this.states.set(root, state);
    this.batches.set(root, batch);

    const oldHead = this.forkChoice.getHead();
    const update = this.forkChoice.update();
    const head = update.head;
    const headChanged = toHex(head.root) !== toHex(oldHead.root);

    const { added, removed } = this.updateMempool(update, oldHead, headChanged);

    await this.store.persistImport({
      batch,
      bytes,
      root: rootBytes,
      added: added.map((n) => this.batches.get(toHex(n.root))!),
      removedHeights: removed.map((n) => n.height),
      head,
      confirmed: update.confirmed,
      newlyConfirmed: update.newlyConfirmed.map((n) => ({ node: n, state: this.states.get(toHex(n.root))! })),
    });
    for (const r of this.forkChoice.prune()) {
      const k = toHex(r);
      this.states.delete(k);
      this.batches.delete(k);
    }

    this.announce({ batch, root, source, started, parentState, state, update, oldHead, headChanged });
    return { status: "imported", root, head: toHex(head.root) === root };
  }

  /**
   * The mempool follows the head: txs of batches that joined the head chain leave it, those of
   * batches that left it (a reorg) come back. Returns the batches that joined and left.
   */
  private updateMempool(update: ForkChoiceUpdate, oldHead: BatchNode, headChanged: boolean): { added: BatchNode[]; removed: BatchNode[] } {
    const mempool = this.modules.mempool;
    const head = update.head;
    let added: BatchNode[] = [];
    let removed: BatchNode[] = [];
    if (update.reorg) {
      added = update.reorg.added;
      removed = update.reorg.removed;
      this.modules.metrics?.chain.reorgs.inc();
      this.logger.info({ depth: removed.length, newHead: toHex(head.root), oldHead: toHex(oldHead.root) }, "reorg");
    } else if (headChanged) {
      added = this.pathFrom(oldHead, head);
    }
    for (const n of removed) mempool.reinsert(this.batches.get(toHex(n.root))?.txs ?? []);
    for (const n of added) mempool.removeIncluded(this.batches.get(toHex(n.root))?.txs ?? []);
    if (headChanged) {
      mempool.pruneStale((sender) => this.nonceOf(sender));
      mempool.expire();
    }
    return { added, removed };
  }

  /** After an import is stored: metrics, the batch event, state changes on the head chain, head and confirmed events. */
  private announce(imported: ImportedBatch): void {
    const { batch, root, update, oldHead, headChanged } = imported;
    const head = update.head;
    const m = this.modules.metrics;
    if (m) {
      m.chain.batchesImported.inc();
      m.chain.batchImportSeconds.observe(Number(process.hrtime.bigint() - imported.started) / 1e9);
      m.chain.headHeight.set(head.height);
      m.chain.headSlot.set(head.slot);
      m.chain.confirmedHeight.set(update.confirmed.height);
    }
    const data: BatchEventData = {
      root,
      slot: batch.header.slot,
      height: batch.header.height,
      proposer: batch.header.proposerIndex,
      txs: batch.txs.length,
      source: imported.source,
      importedAt: Date.now(),
      batch,
    };
    this.logger.debug({ ...data, batch: undefined }, "batch imported");
    this.emit(ChainEvent.batch, data);
    if (headChanged) {
      if (!update.reorg && toHex(batch.header.parentRoot) === toHex(oldHead.root)) {
        reportStateChanges(imported.parentState, imported.state, this.config, batch.header.slot, this.logger, m, (ev, ...d) => this.emitEvent(ev, ...d));
      }
      this.emit(ChainEvent.head, { root: toHex(head.root), slot: head.slot, height: head.height });
    }
    if (update.newlyConfirmed.length > 0) {
      const c = update.confirmed;
      this.emit(ChainEvent.confirmed, { root: toHex(c.root), slot: c.slot, height: c.height });
    }
  }

  /** emit() with the event map's types for a name known only as a type parameter */
  private emitEvent<K extends keyof ChainEventMap>(name: K, ...data: ChainEventMap[K]): void {
    (this.emit as (name: K, ...args: ChainEventMap[K]) => boolean)(name, ...data);
  }

  /** head-chain batches after `from` up to `to` (to descends from from) */
  private pathFrom(from: BatchNode, to: BatchNode): BatchNode[] {
    const out: BatchNode[] = [];
    let cur: BatchNode | undefined = to;
    while (cur && cur.height > from.height) {
      out.push(cur);
      cur = this.forkChoice.getBatch(cur.parentRoot);
    }
    return out.reverse();
  }

  /** The next nonce of an account in the head state (0 for an unknown account). */
  nonceOf(sender: Uint8Array): number {
    const acc = this.findAccount(sender);
    return acc ? acc.nonce : 0;
  }

  findAccount(pubkey: Uint8Array) {
    const state = this.getHeadState();
    const i = findAccountIndex(state.accounts, pubkey);
    return i >= 0 ? state.accounts[i] : undefined;
  }
}
