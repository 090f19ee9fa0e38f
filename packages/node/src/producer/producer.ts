/**
 * In this node's own slots: build on the head, sign, gossip and import a batch. The last
 * signed slot is persisted before signing, so the key never signs twice for one slot, even
 * across a crash (slashing protection).
 */
import type { Logger } from "pino";
import {
  buildBatch,
  encodeSignedBatch,
  getEffectiveLeader,
  processSlots,
  toHex,
  TxErrorCode,
  type BlsKeypair,
  type ChainConfig,
} from "@baton/core";
import type { Chain } from "../chain/index.js";
import type { BatonDb } from "../db/index.js";
import type { Mempool } from "../mempool/index.js";
import type { Metrics } from "../metrics/index.js";

export interface ProducerModules {
  chain: Chain;
  db: BatonDb;
  mempool: Mempool;
  metrics: Metrics | null;
  logger: Logger;
  publishBatch(data: Uint8Array): void;
  isSyncing(): boolean;
}

export class Producer {
  private readonly pubkeyHex: string;
  private producing = false;
  private closed = false;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: ChainConfig,
    private readonly key: BlsKeypair,
    private readonly modules: ProducerModules,
  ) {
    this.pubkeyHex = toHex(key.publicKey);
  }

  /** My sequencer index in the head state, or -1. */
  myIndex(): number {
    const state = this.modules.chain.getHeadState();
    return state.sequencers.findIndex((s) => toHex(s.pubkey) === this.pubkeyHex);
  }

  /** Called at the start of every slot. */
  onSlot(slot: number): Promise<void> {
    if (this.producing || this.closed) return Promise.resolve(); // a previous slot's work still running
    this.inFlight = this.produce(slot);
    return this.inFlight;
  }

  /** Stops producing; waits for a batch being built. */
  async close(): Promise<void> {
    this.closed = true;
    await this.inFlight;
  }

  private async produce(slot: number): Promise<void> {
    const { chain, logger, mempool, db } = this.modules;
    if (this.modules.isSyncing()) return;
    // a batch being imported (e.g. the previous slot's, its txs still being checked) is the
    // head to build on: wait for it, up to half a slot
    await chain.whenIdle(this.config.slotMs / 2);
    if (this.closed) return;
    const head = chain.getHead();
    if (slot <= head.slot) return;
    const index = this.myIndex();
    if (index < 0) return;
    const headState = chain.getHeadState();
    let leader: number;
    try {
      leader = getEffectiveLeader(processSlots(headState, slot, this.config), this.config, slot);
    } catch (e) {
      logger.warn({ slot, err: (e as Error).message }, "cannot compute the leader");
      return;
    }
    if (leader !== index) return;

    this.producing = true;
    try {
      // slashing protection: record the slot durably before signing; refuses a slot already signed
      try {
        await db.slashing.claimSlot(this.key.publicKey, slot);
      } catch (e) {
        logger.warn({ slot, err: (e as Error).message }, "refusing to sign: this key already signed this slot or a later one");
        return;
      }
      const candidates = mempool.select(this.config.maxBatchTxs, (sender) => chain.nonceOf(sender));
      const built = buildBatch(headState, this.config, {
        slot,
        proposerIndex: index,
        parentRoot: head.root,
        candidateTxs: candidates,
        blsKey: this.key,
        isTxVerified: (h: string) => mempool.isVerified(h),
      });
      if (built.dropped.length > 0) {
        // invalid against the head (no balance, bad payload...): out of the pool; a nonce gap may fill later
        mempool.removeIncluded(built.dropped.filter((d) => d.error.code !== TxErrorCode.BAD_NONCE).map((d) => d.tx));
        logger.debug({ slot, dropped: built.dropped.length }, "dropped invalid txs");
      }
      const bytes = encodeSignedBatch(built.batch);
      this.modules.publishBatch(bytes);
      await chain.importBatch(built.batch, "produced", built.state, bytes);
      this.modules.metrics?.chain.batchesProduced.inc();
      logger.info(
        { slot, height: built.batch.header.height, txs: built.included.length, root: toHex(chain.rootOf(built.batch)) },
        "batch produced",
      );
    } catch (e) {
      logger.error({ slot, err: (e as Error).message }, "batch production failed");
    } finally {
      this.producing = false;
    }
  }
}
