import type {GossipHandlerFn, GossipValidatorFn, ReqRespHandlers} from "./interface.js";
import {defaultPeerGuardOptions} from "./peerGuard.js";
import type {PeerGuardOptions} from "./peerGuard.js";
import type {GossipType} from "./topics.js";

export interface NetworkOptions {
  chainId: number;
  /** e.g. `/ip4/127.0.0.1/tcp/9001`; port 0 picks a free port (see `Network.getMultiaddrs()`). */
  listenAddrs: string[];
  /** Multiaddrs with a `/p2p/<peerId>` suffix; our own id may appear (it is skipped). */
  bootstrap: string[];
  /** Protobuf-encoded Ed25519 key; created (mode 0600) if missing, so the peer id is stable. */
  peerKeyFile: string;
  /** One validator per gossip type: the validator decides accept / ignore / reject. */
  gossipValidators: Record<GossipType, GossipValidatorFn>;
  /** Called with each gossip message its validator accepted (never for our own publishes). */
  onGossip?: Partial<Record<GossipType, GossipHandlerFn>>;
  reqRespHandlers: ReqRespHandlers;
  /** Whole-request deadline (dial + request + full response). */
  requestTimeoutMs?: number;
  /** How often known-but-disconnected peers are redialed. */
  redialIntervalMs?: number;
  /** Peers learned from connections (not bootstrap) are forgotten after failing this long. */
  forgetPeerAfterMs?: number;
  /** Largest single req/resp frame (one batch or one status) we accept. */
  maxFrameBytes?: number;
  /** Largest amount of unread response data buffered per stream. */
  maxResponseBufferBytes?: number;
  /**
   * Scores, bans, the per-address connection cap (see peerGuard.ts, docs/security.md);
   * unset fields take `defaultPeerGuardOptions`.
   */
  peerGuard?: Partial<PeerGuardOptions>;
}

export const defaultNetworkOptions = {
  requestTimeoutMs: 10_000,
  redialIntervalMs: 2_000,
  forgetPeerAfterMs: 10 * 60_000,
  maxFrameBytes: 8 * 1024 * 1024,
  maxResponseBufferBytes: 128 * 1024 * 1024,
} satisfies Partial<NetworkOptions>;

export type ResolvedNetworkOptions = Omit<NetworkOptions, "peerGuard"> & typeof defaultNetworkOptions & {peerGuard: PeerGuardOptions};

export function resolveNetworkOptions(opts: NetworkOptions): ResolvedNetworkOptions {
  const peerGuard = {...defaultPeerGuardOptions, ...dropUndefined(opts.peerGuard ?? {})};
  const resolved = {...defaultNetworkOptions, ...dropUndefined(opts), peerGuard} as ResolvedNetworkOptions;
  if (!Number.isSafeInteger(resolved.chainId) || resolved.chainId < 0) {
    throw new RangeError(`NetworkOptions.chainId: expected a non-negative integer, got ${opts.chainId}`);
  }
  if (resolved.listenAddrs.length === 0) {
    throw new RangeError("NetworkOptions.listenAddrs: expected at least one multiaddr");
  }
  for (const key of ["requestTimeoutMs", "redialIntervalMs", "forgetPeerAfterMs", "maxFrameBytes", "maxResponseBufferBytes"] as const) {
    if (!(resolved[key] > 0)) throw new RangeError(`NetworkOptions.${key}: expected a positive number, got ${resolved[key]}`);
  }
  checkPeerGuardOptions(peerGuard);
  return resolved;
}

function checkPeerGuardOptions(guard: PeerGuardOptions): void {
  if (!(guard.banThreshold < 0)) throw new RangeError(`NetworkOptions.peerGuard.banThreshold: expected a negative number, got ${guard.banThreshold}`);
  for (const key of ["scoreHalfLifeMs", "banDurationMs", "maxTrackedPeers", "maxBans"] as const) {
    if (!(guard[key] > 0)) throw new RangeError(`NetworkOptions.peerGuard.${key}: expected a positive number, got ${guard[key]}`);
  }
  if (!Number.isInteger(guard.maxConnectionsPerAddress) || guard.maxConnectionsPerAddress < 1) {
    throw new RangeError(`NetworkOptions.peerGuard.maxConnectionsPerAddress: expected an integer >= 1, got ${guard.maxConnectionsPerAddress}`);
  }
}

function dropUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
