/**
 * Cuts off peers that misbehave (docs/security.md). Offences (a REJECTed gossip message, a
 * false sync claim, an unknown-parent batch that never resolves…) lower a peer's score
 * (peerScore.ts); at the ban threshold the peer is disconnected and banned for
 * `banDurationMs`, by peer id and by the address it connected from, so a fresh peer id from
 * the same host does not start clean. A connection gater refuses banned ids and addresses and
 * more than `maxConnectionsPerAddress` connections from one address.
 *
 * Loopback: every local cluster runs all its nodes on 127.0.0.1, so by default loopback
 * addresses are exempt from address bans and from the per-address cap (peer-id bans still
 * apply). `guardLoopback: true` treats loopback like any other address.
 */
import type {Connection, ConnectionGater, Libp2p, PeerId} from "@libp2p/interface";
import type {Multiaddr} from "@multiformats/multiaddr";
import type {Logger} from "pino";
import {addressKey, ipOfMultiaddr, isLoopbackIp} from "./addresses.js";
import {BanList, PeerScoreBook} from "./peerScore.js";
import type {BanEntry, PeerOffence, PeerScoreOptions} from "./peerScore.js";

export interface PeerGuardOptions extends PeerScoreOptions {
  /** how long a ban lasts (ms) */
  banDurationMs: number;
  /** most connections (either direction) from one address; new inbound ones beyond are refused */
  maxConnectionsPerAddress: number;
  /** apply address bans and the per-address cap to loopback addresses too */
  guardLoopback: boolean;
  /** most bans of each kind (peer ids, addresses) remembered; the oldest goes first */
  maxBans: number;
}

export const defaultPeerGuardOptions: PeerGuardOptions = {
  banThreshold: -100,
  scoreHalfLifeMs: 5 * 60_000,
  maxTrackedPeers: 10_000,
  banDurationMs: 10 * 60_000,
  maxConnectionsPerAddress: 4,
  guardLoopback: false,
  maxBans: 10_000,
};

/** Inbound connections refused since start, by reason. */
export interface RefusalCounts {
  bannedPeer: number;
  bannedAddress: number;
  addressCap: number;
}

type GuardedLibp2p = Pick<Libp2p, "getConnections" | "hangUp">;

/** How many peers' last address is remembered (to ban the address of a peer not connected now). */
const MAX_REMEMBERED_ADDRESSES = 10_000;

export class PeerGuard {
  readonly scores: PeerScoreBook;
  readonly bans: BanList;
  readonly refused: RefusalCounts = {bannedPeer: 0, bannedAddress: 0, addressCap: 0};
  private libp2p: GuardedLibp2p | null = null;
  /** the address key each peer last connected from (only guarded addresses) */
  private readonly lastAddress = new Map<string, string>();

  constructor(
    private readonly opts: PeerGuardOptions,
    private readonly modules: {logger: Logger; now?: () => number}
  ) {
    const now = modules.now ?? Date.now;
    this.scores = new PeerScoreBook(opts, now);
    this.bans = new BanList(opts.maxBans, now);
  }

  /** Start enforcing on a libp2p node (bans close its connections; the cap counts them). */
  attach(libp2p: GuardedLibp2p): void {
    this.libp2p = libp2p;
  }

  detach(): void {
    this.libp2p = null;
  }

  /** The gater to hand to createLibp2p: consulted before every dial and at each step of an inbound upgrade. */
  gater(): ConnectionGater {
    return {
      denyDialPeer: (peerId: PeerId) => this.bans.isPeerBanned(peerId.toString()),
      denyDialMultiaddr: (ma: Multiaddr) => this.bannedAddressOf(ma) !== null,
      denyInboundConnection: (maConn) => this.refuseInbound(maConn.remoteAddr),
      denyInboundEncryptedConnection: (peerId: PeerId) => this.refusePeer(peerId.toString()),
      denyOutboundEncryptedConnection: (peerId: PeerId) => this.bans.isPeerBanned(peerId.toString()),
    };
  }

  /** A peer's score, ≤ 0 (gossipsub's app-specific score reads it). */
  score(peerId: string): number {
    return this.scores.score(peerId);
  }

  isBanned(peerId: string): boolean {
    return this.bans.isPeerBanned(peerId);
  }

  /** Record an offence; bans (and disconnects) the peer if its score reaches the threshold. Returns the new score. */
  report(peerId: string, offence: PeerOffence, detail: Record<string, unknown> = {}): number {
    if (this.bans.isPeerBanned(peerId)) return this.scores.score(peerId);
    const score = this.scores.penalise(peerId, offence);
    this.modules.logger.debug({peer: peerId, offence, score, ...detail}, "peer penalised");
    if (this.scores.isBelowThreshold(score)) this.ban(peerId, offence, score);
    return score;
  }

  /** Ban a peer id and the guarded addresses it is (or last was) connected from, and close their connections. */
  ban(peerId: string, reason: string, score: number): void {
    const durationMs = this.opts.banDurationMs;
    const entry = this.bans.banPeer(peerId, durationMs, reason);
    const keys = new Set<string>(this.connectionsOf(peerId).flatMap((conn) => this.guardedKeyOf(conn.remoteAddr) ?? []));
    const last = this.lastAddress.get(peerId);
    if (last !== undefined) keys.add(last);
    for (const key of keys) this.bans.banAddress(key, durationMs, `peer ${peerId}: ${reason}`);
    this.modules.logger.warn(
      {peer: peerId, reason, score: Math.round(score), addresses: [...keys], banMs: durationMs, until: new Date(entry.until).toISOString()},
      "peer banned"
    );
    this.disconnectBanned();
  }

  /** The bans in force. */
  banList(): BanEntry[] {
    return this.bans.entries();
  }

  /**
   * Called for every new connection: remembers its address, and closes it if its peer or
   * address is banned or its address is over the cap (the gater checks before the upgrade;
   * this catches connections upgraded in parallel).
   */
  onConnectionOpen(conn: Connection): void {
    const peerId = conn.remotePeer.toString();
    const key = this.guardedKeyOf(conn.remoteAddr);
    if (key !== null) {
      this.lastAddress.delete(peerId);
      this.lastAddress.set(peerId, key);
      if (this.lastAddress.size > MAX_REMEMBERED_ADDRESSES) this.lastAddress.delete(this.lastAddress.keys().next().value as string);
    }
    let reason: keyof RefusalCounts | null = null;
    if (this.bans.isPeerBanned(peerId)) reason = "bannedPeer";
    else if (key !== null && this.bans.isAddressBanned(key)) reason = "bannedAddress";
    else if (key !== null && conn.direction === "inbound" && this.countFrom(key, conn) >= this.opts.maxConnectionsPerAddress) reason = "addressCap";
    if (reason === null) return;
    this.refused[reason]++;
    this.modules.logger.debug({peer: peerId, addr: conn.remoteAddr.toString(), reason}, "connection closed by the peer guard");
    closeQuietly(conn);
  }

  private refuseInbound(remoteAddr: Multiaddr): boolean {
    const key = this.guardedKeyOf(remoteAddr);
    if (key === null) return false;
    if (this.bans.isAddressBanned(key)) return this.refuse("bannedAddress", {addr: remoteAddr.toString()});
    if (this.countFrom(key) >= this.opts.maxConnectionsPerAddress) {
      return this.refuse("addressCap", {addr: remoteAddr.toString(), max: this.opts.maxConnectionsPerAddress});
    }
    return false;
  }

  private refusePeer(peerId: string): boolean {
    return this.bans.isPeerBanned(peerId) && this.refuse("bannedPeer", {peer: peerId});
  }

  private refuse(reason: keyof RefusalCounts, detail: Record<string, unknown>): true {
    this.refused[reason]++;
    this.modules.logger.debug({...detail, reason}, "inbound connection refused");
    return true;
  }

  /** The address key of a multiaddr if address rules apply to it (not loopback unless guarded), else null. */
  private guardedKeyOf(ma: Multiaddr): string | null {
    const ip = ipOfMultiaddr(ma);
    if (ip === null || (!this.opts.guardLoopback && isLoopbackIp(ip))) return null;
    return addressKey(ip);
  }

  private bannedAddressOf(ma: Multiaddr): string | null {
    const key = this.guardedKeyOf(ma);
    return key !== null && this.bans.isAddressBanned(key) ? key : null;
  }

  private connectionsOf(peerId: string): Connection[] {
    return (this.libp2p?.getConnections() ?? []).filter((conn) => conn.remotePeer.toString() === peerId);
  }

  /** Open connections from an address key, `except` one (it may or may not be listed yet when its open event fires). */
  private countFrom(key: string, except?: Connection): number {
    const others = (this.libp2p?.getConnections() ?? []).filter((conn) => except === undefined || conn.id !== except.id);
    return others.filter((conn) => this.guardedKeyOf(conn.remoteAddr) === key).length;
  }

  /** Close every connection whose peer or address is banned. */
  private disconnectBanned(): void {
    for (const conn of this.libp2p?.getConnections() ?? []) {
      if (this.bans.isPeerBanned(conn.remotePeer.toString()) || this.bannedAddressOf(conn.remoteAddr) !== null) closeQuietly(conn);
    }
  }
}

function closeQuietly(conn: Connection): void {
  conn.close().catch((err: unknown) => conn.abort(err instanceof Error ? err : new Error(String(err))));
}
