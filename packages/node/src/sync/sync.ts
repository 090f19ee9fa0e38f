/**
 * Catching up: a node that starts late, restarts, or sees a batch with an unknown parent
 * asks peers for their status and fetches the batches it lacks by range, then follows
 * gossip again. Progress (height, rate) is logged and exposed for /status.
 *
 * Nothing a peer claims is trusted. A status is a hint: a claim that cannot be true (a head
 * height above its slot, a slot after the current one) is refused at once. The node counts
 * as syncing — and its producer stands aside — only while a range sync keeps importing new
 * batches and the head is behind the clock: a peer that claims a height of 10^9 and serves
 * nothing, or only batches we have, suspends nothing. Such a peer is not asked again for
 * distrustMs, and its claim is forgotten when its sync ends. Each distrust is also an offence
 * against the peer's score (network/peerGuard.ts): repeated ones get it disconnected and banned.
 *
 * A gossiped batch with an unknown parent starts a bounded lookup of its ancestors from its
 * sender (lookup.ts), not a full sync.
 */
import type { Logger } from "pino";
import { BatchError, decodeSignedBatch, decodeStatus, encodeStatus, toHex, type SignedBatch, type StatusMessage } from "@baton/core";
import type { Chain } from "../chain/index.js";
import type { Metrics } from "../metrics/index.js";
import { PeerOffence } from "../network/peerScore.js";
import { defaultLookupOptions, ParentLookup, type LookupOptions, type LookupOutcome } from "./lookup.js";

export interface SyncNetwork {
  requestStatus(peerId: string): Promise<Uint8Array>;
  requestBatchesByRange(peerId: string, startHeight: number, count: number): Promise<Uint8Array[]>;
  getPeers(): { peerId: string }[];
  /** penalise a peer (network/peerGuard.ts); absent in tests that do not score */
  reportPeer?(peerId: string, offence: PeerOffence, detail?: Record<string, unknown>): unknown;
}

export interface SyncOptions {
  /** batches per request */
  batchSize: number;
  /** how often to compare our head with a peer's (ms) */
  pollIntervalMs: number;
  /** a peer whose claim was false or that served nothing new is not synced from for this long (ms) */
  distrustMs: number;
  /** syncing lasts while a new batch was imported within this long (ms) */
  progressWindowMs: number;
  /** bounds of unknown-parent lookups (lookup.ts); defaultLookupOptions if unset */
  lookup?: LookupOptions;
}
export const defaultSyncOptions: SyncOptions = { batchSize: 256, pollIntervalMs: 2_000, distrustMs: 60_000, progressWindowMs: 6_000 };

/** What GET /status reports under `sync` (its schema, with each field described, is @baton/api's). */
import type { SyncProgress } from "@baton/api";
export type { SyncProgress };

export class SyncService {
  /** peers we are comparing heads with (status requests in flight) */
  private running = new Set<string>();
  /** the one peer we range-sync from at a time (several would fetch the same batches) */
  private rangePeer: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private target = 0;
  private startedHeight = 0;
  private startedAt = 0;
  private imported = 0;
  /** unix ms of the last batch a range sync imported that we did not have */
  private lastImportAt = 0;
  /** the head height each peer last reported (a hint, for display and /syncing) and when */
  private readonly peerHeads = new Map<string, { height: number; at: number }>();
  /** peers whose claims we do not act on, until the unix ms given */
  private readonly distrusted = new Map<string, number>();
  private closed = false;
  private readonly lookup: ParentLookup;

  constructor(
    private readonly opts: SyncOptions,
    private readonly modules: {
      chain: Chain;
      network: SyncNetwork;
      logger: Logger;
      metrics: Metrics | null;
      currentSlot(): number;
      now?: () => number;
    },
  ) {
    this.lookup = new ParentLookup(opts.lookup ?? defaultLookupOptions, {
      ...modules,
      isRangeSyncing: () => this.rangePeer !== null,
      fullSync: (peerId) => this.syncWith(peerId),
    });
  }

  private now(): number {
    return this.modules.now?.() ?? Date.now();
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.opts.pollIntervalMs);
  }
  stop(): void {
    this.closed = true;
    this.lookup.close();
    if (this.timer) clearInterval(this.timer);
  }

  /** A gossiped batch's parent is unknown: look its ancestors up from the peer that sent it (bounded, lookup.ts). */
  lookupParent(peerId: string, batch: SignedBatch, bytes: Uint8Array): Promise<LookupOutcome> {
    return this.lookup.request(peerId, batch, bytes);
  }

  /** Our status, for the req/resp handler. */
  statusMessage(): StatusMessage {
    const { chain } = this.modules;
    const head = chain.getHead();
    const confirmed = chain.getConfirmed();
    return {
      chainId: chain.config.chainId,
      genesisRoot: chain.genesisRoot,
      headRoot: head.root,
      headSlot: head.slot,
      headHeight: head.height,
      confirmedRoot: confirmed.root,
      confirmedHeight: confirmed.height,
    };
  }
  encodedStatus(): Uint8Array {
    return encodeStatus(this.statusMessage());
  }

  /**
   * Syncing = a range sync is running, it imported a batch we lacked within progressWindowMs,
   * and our head is more than 2 slots behind the clock. What a peer merely claims never counts.
   */
  isSyncing(): boolean {
    if (this.rangePeer === null || this.now() - this.lastImportAt > this.opts.progressWindowMs) return false;
    return this.modules.chain.getHead().slot + 2 < this.modules.currentSlot();
  }

  /** Whether `peerId` is distrusted now (a false claim, or a sync that served nothing new). */
  isDistrusted(peerId: string): boolean {
    const until = this.distrusted.get(peerId);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.distrusted.delete(peerId);
    return false;
  }

  private distrust(peerId: string, reason: string, detail: Record<string, unknown>): void {
    this.distrusted.set(peerId, this.now() + this.opts.distrustMs);
    this.modules.logger.warn({ peer: peerId, reason, ...detail }, "sync: peer distrusted");
    this.modules.network.reportPeer?.(peerId, PeerOffence.syncDistrust, { reason, ...detail });
  }

  /**
   * The best head height trusted peers reported in the last 30 s (impossible claims are
   * refused before they are recorded); 0 when none did. A hint: nothing acts on it.
   */
  bestPeerHeight(): number {
    const since = this.now() - 30_000;
    let best = 0;
    for (const [peer, claim] of this.peerHeads) {
      if (claim.at < since) this.peerHeads.delete(peer);
      else if (!this.isDistrusted(peer) && claim.height > best) best = claim.height;
    }
    return best;
  }

  progress(): SyncProgress {
    const secs = (Date.now() - this.startedAt) / 1000;
    const head = this.modules.chain.getHead().height;
    const syncing = this.isSyncing();
    const rate = this.rangePeer !== null && secs > 0 ? this.imported / secs : 0;
    return {
      syncing,
      headHeight: head,
      targetHeight: Math.max(head, syncing ? this.target : 0, this.bestPeerHeight()),
      startedHeight: this.startedHeight,
      batchesPerSecond: Math.round(rate * 10) / 10,
      etaSeconds: syncing && rate > 0 ? Math.round(Math.max(0, this.target - head) / rate) : null,
      peer: this.rangePeer,
    };
  }

  private async poll(): Promise<void> {
    const peers = this.modules.network.getPeers();
    if (peers.length === 0) return;
    // ask a random peer: if we are behind it, catch up
    const trusted = peers.filter((p) => !this.isDistrusted(p.peerId));
    if (trusted.length === 0) return;
    const peer = trusted[Math.floor(Math.random() * trusted.length)];
    await this.syncWith(peer.peerId);
  }

  /** Compare with `peerId` and fetch what we lack. Safe to call often: one run per peer. */
  async syncWith(peerId: string): Promise<void> {
    if (this.closed || this.running.has(peerId) || this.isDistrusted(peerId)) return;
    this.running.add(peerId);
    const { chain, network, logger } = this.modules;
    try {
      const status = decodeStatus(await network.requestStatus(peerId));
      if (status.chainId !== chain.config.chainId || toHex(status.genesisRoot) !== toHex(chain.genesisRoot)) {
        logger.warn({ peer: peerId }, "peer is on another chain");
        return;
      }
      // a height counts batches, one per slot at most: a head above its slot, or a slot after now, is a lie
      if (status.headHeight > status.headSlot || status.headSlot > this.modules.currentSlot() + 1) {
        this.distrust(peerId, "impossible status", { headHeight: status.headHeight, headSlot: status.headSlot, currentSlot: this.modules.currentSlot() });
        return;
      }
      this.peerHeads.set(peerId, { height: status.headHeight, at: this.now() });
      if (chain.hasBatch(toHex(status.headRoot)) || status.headHeight < chain.getConfirmed().height) return;
      if (this.rangePeer !== null) return; // one range sync at a time; the poll comes back to this peer
      this.rangePeer = peerId;
      this.target = status.headHeight;
      try {
        await this.rangeSync(peerId, status);
        if (this.imported === 0 && status.headHeight > chain.getHead().height) {
          this.distrust(peerId, "claimed a head it did not serve", { claimed: status.headHeight, head: chain.getHead().height });
        }
      } finally {
        this.rangePeer = null;
        this.target = 0; // a claim lives only as long as its sync
      }
    } catch (e) {
      logger.debug({ peer: peerId, err: (e as Error).message }, "sync with peer failed");
    } finally {
      this.running.delete(peerId);
    }
  }

  private async rangeSync(peerId: string, status: StatusMessage): Promise<void> {
    const { chain, network, logger, metrics } = this.modules;
    let start = chain.getConfirmed().height + 1;
    this.startedAt = Date.now();
    this.startedHeight = chain.getHead().height;
    this.imported = 0;
    let lastLog = Date.now();
    // the next chunk is requested while this one is imported (the peer's disk and the wire
    // overlap our signature checks)
    const request = (from: number): Promise<Uint8Array[]> | null => {
      if (this.closed || from > status.headHeight) return null;
      const p = network.requestBatchesByRange(peerId, from, Math.min(this.opts.batchSize, status.headHeight - from + 1));
      p.catch(() => undefined); // awaited below; never an unhandled rejection if we stop early
      return p;
    };
    let next = request(start);
    while (next !== null) {
      const chunk = await next;
      if (chunk.length === 0) break;
      next = request(start + chunk.length);
      const items = chunk.map((bytes) => ({ batch: decodeSignedBatch(bytes), bytes }));
      // a batch from the future is invalid (and a huge slot would cost a long empty-slot loop)
      const future = items.find((item) => item.batch.header.slot > this.modules.currentSlot() + 1);
      if (future) {
        this.distrust(peerId, "served a batch from the future", { slot: future.batch.header.slot, height: future.batch.header.height });
        return;
      }
      let result;
      try {
        // the chunk's BLS signatures are checked together (chain/rangeImport.ts)
        result = await chain.importRange(items, "sync");
      } catch (e) {
        if (e instanceof BatchError) {
          this.distrust(peerId, "served an invalid batch", { code: e.code, detail: e.message });
          return;
        }
        throw e;
      }
      if (result.imported > 0) {
        this.imported += result.imported;
        this.lastImportAt = this.now();
        metrics?.sync.batches.inc(result.imported);
      }
      if (!result.connected) {
        logger.debug({ peer: peerId, from: start, count: chunk.length }, "peer chain does not connect");
        return;
      }
      start += chunk.length;
      if (Date.now() - lastLog > 2_000) {
        lastLog = Date.now();
        const p = this.progress();
        logger.info({ height: p.headHeight, target: p.targetHeight, rate: Math.round(p.batchesPerSecond), etaSeconds: p.etaSeconds }, "syncing");
      }
    }
    const secs = (Date.now() - this.startedAt) / 1000;
    logger.info(
      { peer: peerId, height: chain.getHead().height, imported: this.imported, seconds: Math.round(secs * 10) / 10, rate: secs > 0 ? Math.round(this.imported / secs) : null },
      "caught up with peer",
    );
  }
}
