/**
 * The composition root: builds metrics, db, mempool, chain, network, sync,
 * producer and api in order, hands each a child logger, and stops them in reverse.
 */
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { pino, type Logger } from "pino";
import { computeEpoch, SEQUENCER_STATUS_NAMES, toHex, type ChainConfig, type Ed25519Keypair } from "@baton/core";
import { ApiServer, apiHandlers, EventHub, healthOf, type ApiModules, type HealthSources } from "./api/index.js";
import { Chain, validateGossipBatch } from "./chain/index.js";
import { SlotClock } from "./clock/index.js";
import { BatonDb } from "./db/index.js";
import { Mempool } from "./mempool/index.js";
import { createMetrics, MetricsServer, type Metrics, type NodeSequencerStatus } from "./metrics/index.js";
import { Network } from "./network/index.js";
import { GossipType } from "./network/topics.js";
import { PEER_KEY_FILE, type NodeOptions } from "./options.js";
import { Producer } from "./producer/index.js";
import { Rejoiner } from "./producer/rejoiner.js";
import { Slasher } from "./producer/slasher.js";
import { defaultSyncOptions, SyncService } from "./sync/index.js";
import { defaultTxServiceOptions, TxService } from "./txs/index.js";
import { VERSION } from "./version.js";

export interface BatonNode {
  peerId: string;
  multiaddrs: string[];
  apiPort: number | null;
  /** the metrics listener's port, null without one */
  metricsPort: number | null;
  chain: Chain;
  logger: Logger;
  close(): Promise<void>;
}

type CreateNodeOptions = NodeOptions & { accountKey?: Ed25519Keypair | null; logger?: Logger };
type Closer = () => Promise<void> | void;

/** The store, chain and clock: what every other part reads. */
interface Core {
  config: ChainConfig;
  logger: Logger;
  metrics: Metrics;
  db: BatonDb;
  mempool: Mempool;
  chain: Chain;
  clock: SlotClock;
}

/** The parts that talk to peers. */
interface Wire {
  network: Network;
  txs: TxService;
  sync: SyncService;
}

export async function createNode(opts: CreateNodeOptions): Promise<BatonNode> {
  const config = opts.genesis.config;
  const logger = opts.logger ?? pino({ level: opts.logLevel, base: { chainId: config.chainId } });
  mkdirSync(opts.dataDir, { recursive: true });
  const db = await BatonDb.open(join(opts.dataDir, "db"));
  const closers: Closer[] = [() => db.close()];
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
    const core = await openChain(opts, { config, logger, metrics: createMetrics({ version: VERSION, runtime: `node ${process.version}` }), db });
    const wire = await startWire(opts, core, closers);
    const producer = startSequencing(opts, core, wire, closers);
    const apiPort = opts.api.enabled ? await startApi(opts, core, wire, producer, closers) : null;
    const metricsPort = opts.metrics ? await startMetrics(opts.metrics, core.metrics, closers) : null;
    logger.info(
      {
        peerId: wire.network.peerId,
        listen: wire.network.getMultiaddrs(),
        api: apiPort ? `http://${opts.api.host}:${apiPort}` : null,
        metrics: metricsPort && opts.metrics ? `http://${opts.metrics.host}:${metricsPort}/metrics` : null,
        sequencer: opts.sequencerKey ? toHex(opts.sequencerKey.publicKey) : null,
        head: core.chain.getHead().height,
      },
      "node started",
    );
    return { peerId: wire.network.peerId, multiaddrs: wire.network.getMultiaddrs(), apiPort, metricsPort, chain: core.chain, logger, close };
  } catch (e) {
    await close();
    throw e;
  }
}

async function openChain(opts: CreateNodeOptions, base: Pick<Core, "config" | "logger" | "metrics" | "db">): Promise<Core> {
  const { config, logger, metrics, db } = base;
  const mempool = new Mempool(
    { chainId: config.chainId, maxSize: opts.mempool.maxSize, minFee: config.minFee, maxPayloadBytes: config.maxPayloadBytes },
    { metrics: metrics.mempool },
  );
  const chain = await Chain.init(opts.genesis, { db, mempool, metrics, logger: logger.child({ module: "chain" }) });
  mempool.setAccountLookup((sender) => chain.findAccount(sender));
  for (let index = 0; index < chain.getHeadState().sequencers.length; index++) metrics.chain.misses.inc({ sequencer: String(index) }, 0);
  const offset = opts.clockOffsetMs ?? 0;
  const clock = new SlotClock(config, offset === 0 ? Date.now : () => Date.now() + offset);
  if (offset !== 0) base.logger.warn({ clockOffsetMs: offset }, "this node's clock is shifted (clockOffsetMs): for tests only");
  return { ...base, mempool, chain, clock };
}

/** libp2p, tx gossip and sync, started. */
async function startWire(opts: CreateNodeOptions, core: Core, closers: Closer[]): Promise<Wire> {
  const { config, logger, metrics, chain, clock, mempool } = core;
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
          validateGossipBatch(data, from, {
            chain,
            now: () => clock.now(),
            onUnknownParent: (peer, batch, bytes) => void sync?.lookupParent(peer, batch, bytes),
          }),
      },
      reqRespHandlers: {
        status: async () => sync!.encodedStatus(),
        batchesByRange: (start, count) => chain.store.getCanonicalBatchBytes(start, count),
      },
    },
    { logger, metrics: metrics.gossipMetrics },
  );
  txs = new TxService(defaultTxServiceOptions, { mempool, publishTxs: publisher(network, logger, GossipType.tx), logger });
  sync = new SyncService(defaultSyncOptions, {
    chain,
    network,
    logger: logger.child({ module: "sync" }),
    metrics,
    currentSlot: () => clock.currentSlot(),
  });
  await network.start();
  closers.push(() => network.stop());
  const started = { network, txs, sync };
  network.onPeerConnected((peer) => void started.sync.syncWith(peer));
  sync.start();
  closers.push(() => started.sync.stop());
  closers.push(() => started.txs.stop());
  return started;
}

const publisher = (network: Network, logger: Logger, type: GossipType) => (data: Uint8Array) =>
  void network.publish(type, data).catch((e) => logger.debug({ type, err: (e as Error).message }, "publish failed"));

/** What /health, /syncing and baton_health_status read. */
function healthSources(core: Core, wire: Wire, producer: () => Producer | null): HealthSources {
  return {
    config: core.config,
    head: () => core.chain.getHead(),
    headState: () => core.chain.getHeadState(),
    currentSlot: () => core.clock.currentSlot(),
    peerCount: () => wire.network.getPeers().length,
    syncing: () => wire.sync.isSyncing(),
    sequencerIndex: () => {
      const index = producer()?.myIndex() ?? -1;
      return index >= 0 ? index : null;
    },
    bestPeerHeight: () => wire.sync.bestPeerHeight(),
  };
}

/** The producer, rejoiner and slasher of a sequencer key (none for a full node), driven by the slot clock. */
function startSequencing(opts: CreateNodeOptions, core: Core, wire: Wire, closers: Closer[]): Producer | null {
  const { config, logger, metrics, chain, clock, mempool, db } = core;
  const { sync, txs, network } = wire;
  const producer = opts.sequencerKey
    ? new Producer(config, opts.sequencerKey, {
        chain,
        db,
        mempool,
        metrics,
        logger: logger.child({ module: "producer" }),
        publishBatch: publisher(network, logger, GossipType.batch),
        isSyncing: () => sync.isSyncing(),
      })
    : null;
  const rejoiner =
    producer && opts.accountKey
      ? new Rejoiner(config, opts.accountKey, { chain, producer, txs, logger: logger.child({ module: "rejoin" }), isSyncing: () => sync.isSyncing() })
      : null;
  if (producer) closers.push(() => producer.close());
  if (opts.accountKey) {
    const slasher = new Slasher(config, opts.accountKey, { chain, txs, logger: logger.child({ module: "slasher" }) });
    closers.push(() => slasher.close());
  }
  const health = healthSources(core, wire, () => producer);
  const stopClock = clock.onSlot((slot) => {
    metrics.clock.slot.set(slot);
    metrics.clock.epoch.set(computeEpoch(config, slot));
    metrics.network.peers.set(network.getPeers().length);
    void producer?.onSlot(slot);
    rejoiner?.onSlot(slot);
    metrics.node.setSequencerStatus(sequencerStatusOf(chain, producer));
    metrics.node.setHealth(healthOf(health).status);
  });
  closers.push(() => stopClock());
  return producer;
}

/** This node's sequencer in the head state, for baton_node_sequencer_status. */
function sequencerStatusOf(chain: Chain, producer: Producer | null): NodeSequencerStatus {
  const index = producer?.myIndex() ?? -1;
  const sequencer = index >= 0 ? chain.getHeadState().sequencers[index] : undefined;
  if (!sequencer) return "none";
  return SEQUENCER_STATUS_NAMES[sequencer.status] as NodeSequencerStatus;
}

/** The metrics listener; returns its port. */
async function startMetrics(where: { host: string; port: number }, metrics: Metrics, closers: Closer[]): Promise<number> {
  const server = new MetricsServer(metrics.registry);
  const port = await server.listen(where.host, where.port);
  closers.push(() => server.close());
  return port;
}

/** The HTTP API; returns the port it listens on. */
async function startApi(opts: CreateNodeOptions, core: Core, wire: Wire, producer: Producer | null, closers: Closer[]): Promise<number> {
  const { network, sync, txs } = wire;
  // listens from now on: the replay ring holds events from before the first client
  const events = new EventHub(core.chain);
  closers.push(() => events.close());
  const modules: ApiModules = {
    chain: core.chain,
    mempool: core.mempool,
    txs,
    clock: core.clock,
    peers: () => network.getPeers(),
    syncProgress: () => sync.progress(),
    health: healthSources(core, wire, () => producer),
    nodeInfo: () => ({
      peerId: network.peerId,
      multiaddrs: network.getMultiaddrs(),
      sequencerIndex: producer && producer.myIndex() >= 0 ? producer.myIndex() : null,
    }),
    events,
  };
  const api: ApiServer = new ApiServer(
    core.logger.child({ module: "api" }),
    apiHandlers(modules, () => api.openApiDocument()),
    { corsOrigins: opts.api.corsOrigins ?? [], token: opts.api.token ?? null },
  );
  const port = await api.listen(opts.api.host, opts.api.port);
  closers.push(() => api.close());
  return port;
}
