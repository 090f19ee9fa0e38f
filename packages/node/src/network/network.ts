import "../util/polyfill.js";
import {noise} from "@chainsafe/libp2p-noise";
import {bootstrap} from "@libp2p/bootstrap";
import type {GossipSub} from "@libp2p/gossipsub";
import {identify} from "@libp2p/identify";
import type {Identify} from "@libp2p/identify";
import type {Libp2p, PeerId} from "@libp2p/interface";
import {peerIdFromPrivateKey} from "@libp2p/peer-id";
import {tcp} from "@libp2p/tcp";
import {yamux} from "@libp2p/yamux";
import {createLibp2p} from "libp2p";
import type {Logger} from "pino";
import {MAX_GOSSIP_MESSAGE_BYTES, createGossipsubService, gossipTopics, wireGossip} from "./gossip.js";
import type {GossipWiring} from "./gossip.js";
import type {NetworkMetrics, PeerInfoSummary} from "./interface.js";
import {resolveNetworkOptions} from "./options.js";
import type {NetworkOptions, ResolvedNetworkOptions} from "./options.js";
import {PeerGuard} from "./peerGuard.js";
import type {RefusalCounts} from "./peerGuard.js";
import {PeerOffence} from "./peerScore.js";
import type {BanEntry} from "./peerScore.js";
import {loadOrCreatePeerKey} from "./peerId.js";
import {PeerManager, parseBootstrap} from "./peers.js";
import {ReqResp} from "./reqresp.js";
import type {GossipType} from "./topics.js";

type Services = {identify: Identify; pubsub: GossipSub};

export interface NetworkModules {
  logger: Logger;
  metrics: NetworkMetrics | null;
}

/** Everything that exists only while the network runs; rebuilt by each start(). */
interface Running {
  libp2p: Libp2p<Services>;
  reqResp: ReqResp;
  peerManager: PeerManager;
  gossip: GossipWiring;
}

type PeerListener = (peerId: string) => void;

/**
 * Baton's p2p layer: gossip of tx bundles and batches, request/response for status and
 * batch ranges, and keeping connected to known peers. Byte-level: the chain logic comes in
 * as callbacks (validators, gossip handlers, req/resp handlers). Can be started again after
 * stop(); the peer id is stable (key file).
 */
export class Network {
  private readonly opts: ResolvedNetworkOptions;
  private readonly log: Logger;
  private running: Running | null = null;
  private selfPeerId: string | null = null;
  private readonly connectedListeners = new Set<PeerListener>();
  private readonly disconnectedListeners = new Set<PeerListener>();
  /** scores and bans; kept across stop() / start() so a restart forgives nobody */
  private readonly guard: PeerGuard;

  constructor(
    opts: NetworkOptions,
    private readonly modules: NetworkModules
  ) {
    this.opts = resolveNetworkOptions(opts);
    this.log = modules.logger.child({module: "network"});
    this.guard = new PeerGuard(this.opts.peerGuard, {logger: this.log});
  }

  /** Our peer id (base58). Available after the first start(). */
  get peerId(): string {
    if (this.selfPeerId === null) throw new Error("Network: peerId is known only after start()");
    return this.selfPeerId;
  }

  get isStarted(): boolean {
    return this.running !== null;
  }

  async start(): Promise<void> {
    if (this.running !== null) return;
    const {opts, log, guard} = this;
    const privateKey = await loadOrCreatePeerKey(opts.peerKeyFile);
    const selfPeerId = peerIdFromPrivateKey(privateKey).toString();
    const bootstrapList = parseBootstrap(opts.bootstrap, selfPeerId).map((ma) => ma.toString());

    const libp2p = await createLibp2p<Services>({
      start: false,
      privateKey,
      addresses: {listen: opts.listenAddrs},
      transports: [tcp()],
      connectionGater: guard.gater(),
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      peerDiscovery: bootstrapList.length > 0 ? [bootstrap({list: bootstrapList, timeout: 0})] : [],
      services: {identify: identify(), pubsub: createGossipsubService(opts.chainId, (peerId) => guard.score(peerId))},
    });
    guard.attach(libp2p);

    const peerManager = new PeerManager(
      {selfPeerId, bootstrap: bootstrapList, redialIntervalMs: opts.redialIntervalMs, forgetPeerAfterMs: opts.forgetPeerAfterMs},
      {libp2p, logger: log, isBanned: (peerId) => guard.isBanned(peerId)}
    );
    const reqResp = new ReqResp(
      {chainId: opts.chainId, timeoutMs: opts.requestTimeoutMs, maxFrameBytes: opts.maxFrameBytes, maxResponseBufferBytes: opts.maxResponseBufferBytes},
      {libp2p, handlers: opts.reqRespHandlers, logger: log}
    );
    // Handlers and validators go in before start: no early stream or message finds them missing.
    const gossip = wireGossip(libp2p.services.pubsub, opts.chainId, opts.gossipValidators, opts.onGossip ?? {}, this.modules.metrics, log, (from, type, code) =>
      guard.report(from, PeerOffence.gossipReject, {type, code})
    );
    libp2p.addEventListener("connection:open", (evt) => guard.onConnectionOpen(evt.detail));
    libp2p.addEventListener("peer:connect", (evt) => this.onPeerEvent(evt.detail, "connected", peerManager));
    libp2p.addEventListener("peer:disconnect", (evt) => this.onPeerEvent(evt.detail, "disconnected", peerManager));
    libp2p.addEventListener("peer:identify", (evt) =>
      peerManager.onIdentified(evt.detail.peerId.toString(), evt.detail.listenAddrs)
    );

    try {
      await reqResp.register();
      await libp2p.start();
      gossip.subscribe();
    } catch (e) {
      // e.g. the listen port is taken: leave nothing half-running
      try {
        await libp2p.stop();
      } catch {
        // already failing: report the first error
      }
      throw e;
    }
    peerManager.start();

    this.selfPeerId = selfPeerId;
    this.running = {libp2p, reqResp, peerManager, gossip};
    log.info({peerId: selfPeerId, addrs: this.getMultiaddrs(), bootstrap: bootstrapList.length}, "network started");
  }

  async stop(): Promise<void> {
    const running = this.running;
    if (running === null) return;
    this.running = null;
    running.peerManager.stop();
    running.gossip.unwire();
    await running.reqResp.unregister().catch(() => {});
    await running.libp2p.stop();
    this.guard.detach();
    this.log.info({peerId: this.selfPeerId}, "network stopped");
  }

  /**
   * Publish to all peers subscribed to the topic. Returns the number of peers it was sent to;
   * 0 when there are none or the same bytes were published before (both are not errors).
   * Our own validator does not run on our own messages. Throws RangeError above
   * MAX_GOSSIP_MESSAGE_BYTES (gossipsub would drop it silently).
   */
  async publish(type: GossipType, data: Uint8Array): Promise<number> {
    const {libp2p} = this.requireRunning();
    if (data.length > MAX_GOSSIP_MESSAGE_BYTES) {
      throw new RangeError(`gossip ${type} message of ${data.length} bytes exceeds ${MAX_GOSSIP_MESSAGE_BYTES}`);
    }
    const result = await libp2p.services.pubsub.publish(gossipTopics(this.opts.chainId)[type], data);
    return result.recipients.length;
  }

  /** Peers subscribed to a gossip type's topic (gossip reaches them). */
  getTopicPeers(type: GossipType): string[] {
    const {libp2p} = this.requireRunning();
    return libp2p.services.pubsub.getSubscribers(gossipTopics(this.opts.chainId)[type]).map((p) => p.toString());
  }

  /** A peer's status bytes; throws ReqRespError. */
  async requestStatus(peerId: string): Promise<Uint8Array> {
    return this.requireRunning().reqResp.requestStatus(peerId);
  }

  /**
   * Up to `count` batches from `startHeight` (count clamped to MAX_BATCHES_PER_REQUEST = 512;
   * the peer may return fewer). Throws ReqRespError.
   */
  async requestBatchesByRange(peerId: string, startHeight: number, count: number): Promise<Uint8Array[]> {
    return this.requireRunning().reqResp.requestBatchesByRange(peerId, startHeight, count);
  }

  /**
   * Penalise a peer for an offence found outside gossip validation (sync, parent lookups).
   * At the ban threshold it is disconnected and banned (peerGuard.ts). Returns its new score.
   */
  reportPeer(peerId: string, offence: PeerOffence, detail?: Record<string, unknown>): number {
    return this.guard.report(peerId, offence, detail);
  }

  /** A peer's score (≤ 0; the ban comes at `peerGuard.banThreshold`). */
  peerScore(peerId: string): number {
    return this.guard.score(peerId);
  }

  isBanned(peerId: string): boolean {
    return this.guard.isBanned(peerId);
  }

  /** The bans in force (peer ids and addresses). */
  getBans(): BanEntry[] {
    return this.guard.banList();
  }

  /** Inbound connections refused since the Network was created, by reason. */
  getRefusals(): RefusalCounts {
    return {...this.guard.refused};
  }

  /** Connected peers and the remote addresses of their connections. */
  getPeers(): PeerInfoSummary[] {
    if (this.running === null) return [];
    const byPeer = new Map<string, string[]>();
    for (const conn of this.running.libp2p.getConnections()) {
      const id = conn.remotePeer.toString();
      const addrs = byPeer.get(id) ?? [];
      addrs.push(conn.remoteAddr.toString());
      byPeer.set(id, addrs);
    }
    return [...byPeer].map(([peerId, addrs]) => ({peerId, addrs}));
  }

  /** Our listen addresses, each ending in /p2p/<peerId> (usable as another node's bootstrap). */
  getMultiaddrs(): string[] {
    return this.running?.libp2p.getMultiaddrs().map((ma) => ma.toString()) ?? [];
  }

  /** Called with the peer id of every new peer connection (e.g. to request its status). Returns an unsubscribe. */
  onPeerConnected(cb: PeerListener): () => void {
    this.connectedListeners.add(cb);
    return () => this.connectedListeners.delete(cb);
  }

  onPeerDisconnected(cb: PeerListener): () => void {
    this.disconnectedListeners.add(cb);
    return () => this.disconnectedListeners.delete(cb);
  }

  private onPeerEvent(peer: PeerId, kind: "connected" | "disconnected", peerManager: PeerManager): void {
    const peerId = peer.toString();
    this.log.debug({peer: peerId}, `peer ${kind}`);
    if (kind === "connected") peerManager.onConnected(peerId);
    const listeners = kind === "connected" ? this.connectedListeners : this.disconnectedListeners;
    for (const cb of listeners) {
      try {
        cb(peerId);
      } catch (err) {
        this.log.warn({peer: peerId, err}, `peer ${kind} listener failed`);
      }
    }
  }

  private requireRunning(): Running {
    if (this.running === null) throw new Error("Network is not started");
    return this.running;
  }
}
