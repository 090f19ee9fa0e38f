/**
 * The composition root: builds metrics, db, mempool, chain, network, sync,
 * producer and api in order, hands each a child logger, and stops them in reverse.
 */
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { pino, type Logger } from "pino";
import { computeEpoch, toHex, type Ed25519Keypair } from "@baton/core";
import { ApiServer, registerRoutes } from "./api/index.js";
import { Chain, validateGossipBatch } from "./chain/index.js";
import { SlotClock } from "./clock/index.js";
import { BatonDb } from "./db/index.js";
import { Mempool } from "./mempool/index.js";
import { createMetrics, type Metrics } from "./metrics/index.js";
import { Network } from "./network/index.js";
import { GossipType } from "./network/topics.js";
import { PEER_KEY_FILE, type NodeOptions } from "./options.js";
import { Producer } from "./producer/index.js";
import { Rejoiner } from "./producer/rejoiner.js";
import { Slasher } from "./producer/slasher.js";
import { defaultSyncOptions, SyncService } from "./sync/index.js";
import { defaultTxServiceOptions, TxService } from "./txs/index.js";

export interface BatonNode {
  peerId: string;
  multiaddrs: string[];
  apiPort: number | null;
  chain: Chain;
  logger: Logger;
  close(): Promise<void>;
}

export async function createNode(opts: NodeOptions & { accountKey?: Ed25519Keypair | null; logger?: Logger }): Promise<BatonNode> {
  const config = opts.genesis.config;
  const logger = opts.logger ?? pino({ level: opts.logLevel, base: { chainId: config.chainId } });
  mkdirSync(opts.dataDir, { recursive: true });
  const metrics: Metrics = createMetrics();
  const db = await BatonDb.open(join(opts.dataDir, "db"));
  const closers: (() => Promise<void> | void)[] = [() => db.close()];
  const close = async () => {
    for (const c of closers.reverse()) {
      try {
        await c();
      } catch (e) {
        logger.warn({ err: (e as Error).message }, "error while stopping");
      }
    }
  };
  try {
    const mempool = new Mempool(
      { chainId: config.chainId, maxSize: opts.mempool.maxSize, minFee: config.minFee, maxPayloadBytes: config.maxPayloadBytes },
      { metrics: metrics.mempool },
    );
    const chain = await Chain.init(opts.genesis, { db, mempool, metrics, logger: logger.child({ module: "chain" }) });
    mempool.setAccountLookup((sender) => chain.findAccount(sender));
    const clock = new SlotClock(config);

    let sync: SyncService | null = null;
    let txs: TxService | null = null;
    const network: Network = new Network(
      {
        chainId: config.chainId,
        listenAddrs: opts.p2p.listenAddrs,
        bootstrap: opts.p2p.bootstrap,
        peerKeyFile: join(opts.dataDir, PEER_KEY_FILE),
        gossipValidators: {
          [GossipType.tx]: (data) => txs!.validateGossip(data),
          [GossipType.batch]: (data, from) =>
            validateGossipBatch(data, from, { chain, now: () => clock.now(), onUnknownParent: (peer) => void sync?.syncWith(peer) }),
        },
        reqRespHandlers: {
          status: async () => sync!.encodedStatus(),
          batchesByRange: (start, count) => chain.store.getCanonicalBatchBytes(start, count),
        },
      },
      { logger, metrics: metrics.gossipMetrics },
    );
    const publish = (type: GossipType) => (data: Uint8Array) =>
      void network.publish(type, data).catch((e) => logger.debug({ type, err: (e as Error).message }, "publish failed"));
    txs = new TxService(defaultTxServiceOptions, { mempool, publishTxs: publish(GossipType.tx), logger });
    sync = new SyncService(defaultSyncOptions, {
      chain,
      network,
      logger: logger.child({ module: "sync" }),
      metrics,
      currentSlot: () => clock.currentSlot(),
    });

    await network.start();
    closers.push(() => network.stop());
    network.onPeerConnected((peer) => void sync!.syncWith(peer));
    sync.start();
    closers.push(() => sync!.stop());
    closers.push(() => txs!.stop());

    const producer = opts.sequencerKey
      ? new Producer(config, opts.sequencerKey, {
          chain,
          db,
          mempool,
          metrics,
          logger: logger.child({ module: "producer" }),
          publishBatch: publish(GossipType.batch),
          isSyncing: () => sync!.isSyncing(),
        })
      : null;
    const rejoiner =
      producer && opts.accountKey
        ? new Rejoiner(config, opts.accountKey, { chain, producer, txs, logger: logger.child({ module: "rejoin" }), isSyncing: () => sync!.isSyncing() })
        : null;
    if (producer) closers.push(() => producer.close());
    if (opts.accountKey) {
      const slasher = new Slasher(config, opts.accountKey, { chain, txs, logger: logger.child({ module: "slasher" }) });
      closers.push(() => slasher.close());
    }
    const stopClock = clock.onSlot((slot) => {
      metrics.clock.slot.set(slot);
      metrics.clock.epoch.set(computeEpoch(config, slot));
      metrics.network.peers.set(network.getPeers().length);
      void producer?.onSlot(slot);
      rejoiner?.onSlot(slot);
    });
    closers.push(() => stopClock());

    let apiPort: number | null = null;
    if (opts.api.enabled) {
      const api = new ApiServer(logger.child({ module: "api" }));
      registerRoutes(api, {
        chain,
        mempool,
        txs,
        clock,
        metrics,
        peers: () => network.getPeers(),
        syncProgress: () => sync!.progress(),
        nodeInfo: () => ({
          peerId: network.peerId,
          multiaddrs: network.getMultiaddrs(),
          sequencerIndex: producer ? (producer.myIndex() >= 0 ? producer.myIndex() : null) : null,
        }),
      });
      apiPort = await api.listen(opts.api.host, opts.api.port);
      closers.push(() => api.close());
    }
    logger.info(
      {
        peerId: network.peerId,
        listen: network.getMultiaddrs(),
        api: apiPort ? `http://${opts.api.host}:${apiPort}` : null,
        sequencer: opts.sequencerKey ? toHex(opts.sequencerKey.publicKey) : null,
        head: chain.getHead().height,
      },
      "node started",
    );
    return { peerId: network.peerId, multiaddrs: network.getMultiaddrs(), apiPort, chain, logger, close };
  } catch (e) {
    await close();
    throw e;
  }
}
