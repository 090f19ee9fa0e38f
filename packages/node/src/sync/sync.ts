/**
 * Catching up: a node that starts late, restarts, or sees a batch with an unknown parent
 * asks peers for their status and fetches the batches it lacks by range, then follows
 * gossip again. Progress (height, rate) is logged and exposed for /status.
 */
import type { Logger } from "pino";
import { BatchError, decodeSignedBatch, decodeStatus, encodeStatus, toHex, type StatusMessage } from "@baton/core";
import type { Chain } from "../chain/index.js";
import type { Metrics } from "../metrics/index.js";

export interface SyncNetwork {
  requestStatus(peerId: string): Promise<Uint8Array>;
  requestBatchesByRange(peerId: string, startHeight: number, count: number): Promise<Uint8Array[]>;
  getPeers(): { peerId: string }[];
}

export interface SyncOptions {
  /** batches per request */
  batchSize: number;
  /** how often to compare our head with a peer's (ms) */
  pollIntervalMs: number;
}
export const defaultSyncOptions: SyncOptions = { batchSize: 256, pollIntervalMs: 2_000 };

export interface SyncProgress {
  syncing: boolean;
  targetHeight: number;
  startedHeight: number;
  batchesPerSecond: number;
}

export class SyncService {
  private running = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private target = 0;
  private startedHeight = 0;
  private startedAt = 0;
  private imported = 0;
  private closed = false;

  constructor(
    private readonly opts: SyncOptions,
    private readonly modules: { chain: Chain; network: SyncNetwork; logger: Logger; metrics: Metrics | null; currentSlot(): number },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.opts.pollIntervalMs);
  }
  stop(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
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

  /** Syncing = a range sync is running and our head is well behind the peer's. */
  isSyncing(): boolean {
    return this.running.size > 0 && this.target > this.modules.chain.getHead().height + 2;
  }

  progress(): SyncProgress {
    const secs = (Date.now() - this.startedAt) / 1000;
    return {
      syncing: this.isSyncing(),
      targetHeight: this.target,
      startedHeight: this.startedHeight,
      batchesPerSecond: this.running.size > 0 && secs > 0 ? this.imported / secs : 0,
    };
  }

  private async poll(): Promise<void> {
    const peers = this.modules.network.getPeers();
    if (peers.length === 0) return;
    // ask a random peer: if we are behind it, catch up
    const peer = peers[Math.floor(Math.random() * peers.length)];
    await this.syncWith(peer.peerId);
  }

  /** Compare with `peerId` and fetch what we lack. Safe to call often: one run per peer. */
  async syncWith(peerId: string): Promise<void> {
    if (this.closed || this.running.has(peerId)) return;
    this.running.add(peerId);
    const { chain, network, logger } = this.modules;
    try {
      const status = decodeStatus(await network.requestStatus(peerId));
      if (status.chainId !== chain.config.chainId || toHex(status.genesisRoot) !== toHex(chain.genesisRoot)) {
        logger.warn({ peer: peerId }, "peer is on another chain");
        return;
      }
      if (chain.hasBatch(toHex(status.headRoot)) || status.headHeight < chain.getConfirmed().height) return;
      await this.rangeSync(peerId, status);
    } catch (e) {
      logger.debug({ peer: peerId, err: (e as Error).message }, "sync with peer failed");
    } finally {
      this.running.delete(peerId);
    }
  }

  private async rangeSync(peerId: string, status: StatusMessage): Promise<void> {
    const { chain, network, logger, metrics } = this.modules;
    let start = chain.getConfirmed().height + 1;
    if (this.running.size === 1) {
      this.startedAt = Date.now();
      this.startedHeight = chain.getHead().height;
      this.imported = 0;
    }
    this.target = Math.max(this.target, status.headHeight);
    let lastLog = Date.now();
    while (!this.closed && start <= status.headHeight) {
      const count = Math.min(this.opts.batchSize, status.headHeight - start + 1);
      const chunk = await network.requestBatchesByRange(peerId, start, count);
      if (chunk.length === 0) break;
      for (const bytes of chunk) {
        const batch = decodeSignedBatch(bytes);
        // a batch from the future is invalid (and a huge slot would cost a long empty-slot loop)
        if (batch.header.slot > this.modules.currentSlot() + 1) {
          logger.warn({ peer: peerId, slot: batch.header.slot, height: batch.header.height }, "peer served a batch from the future");
          return;
        }
        let res;
        try {
          res = await chain.importBatch(batch, "sync");
        } catch (e) {
          if (e instanceof BatchError) {
            logger.warn({ peer: peerId, height: batch.header.height, code: e.code }, "peer served an invalid batch");
            return;
          }
          throw e;
        }
        if (res.status === "unknown_parent" || res.status === "not_descendant_of_confirmed") {
          logger.debug({ peer: peerId, height: batch.header.height, status: res.status }, "peer chain does not connect");
          return;
        }
        if (res.status === "imported") {
          this.imported++;
          metrics?.sync.batches.inc();
        }
      }
      start += chunk.length;
      if (Date.now() - lastLog > 2_000) {
        lastLog = Date.now();
        const p = this.progress();
        const left = this.target - chain.getHead().height;
        logger.info(
          { height: chain.getHead().height, target: this.target, rate: Math.round(p.batchesPerSecond), etaSeconds: p.batchesPerSecond > 0 ? Math.round(left / p.batchesPerSecond) : null },
          "syncing",
        );
      }
    }
    logger.info({ peer: peerId, height: chain.getHead().height, imported: this.imported }, "caught up with peer");
  }
}
