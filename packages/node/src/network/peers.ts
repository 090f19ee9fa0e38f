import type {Libp2p} from "@libp2p/interface";
import {multiaddr} from "@multiformats/multiaddr";
import type {Multiaddr} from "@multiformats/multiaddr";
import type {Logger} from "pino";

const P2P_CODE = 421;

/** The `/p2p/<id>` of a multiaddr, or null. */
export function peerIdOfMultiaddr(ma: Multiaddr): string | null {
  return ma.getComponents().findLast((c) => c.code === P2P_CODE)?.value ?? null;
}

/**
 * Parses bootstrap multiaddrs, dropping our own entry (a devnet may hand every node the same
 * list). Throws on an entry without a /p2p/<peerId> suffix.
 */
export function parseBootstrap(list: string[], selfPeerId: string): Multiaddr[] {
  const out: Multiaddr[] = [];
  for (const str of list) {
    const ma = multiaddr(str);
    const peerId = peerIdOfMultiaddr(ma);
    if (peerId === null) throw new RangeError(`bootstrap multiaddr ${str} lacks a /p2p/<peerId> suffix`);
    if (peerId !== selfPeerId) out.push(ma);
  }
  return out;
}

interface KnownPeer {
  addrs: Multiaddr[];
  /** Bootstrap peers are never forgotten. */
  permanent: boolean;
  /** When redials of this peer started failing (null: connected or not yet tried). */
  failingSinceMs: number | null;
  dialing: boolean;
}

export interface PeerManagerOptions {
  selfPeerId: string;
  bootstrap: string[];
  redialIntervalMs: number;
  forgetPeerAfterMs: number;
}

export interface PeerManagerModules {
  libp2p: Pick<Libp2p, "dial" | "getPeers">;
  logger: Logger;
  /** banned peers are not redialed (the connection gater would refuse the dial anyway) */
  isBanned?: (peerId: string) => boolean;
}

/**
 * Keeps us connected: remembers bootstrap peers and every peer whose listen addresses we
 * learn (identify), and every `redialIntervalMs` redials those we are not connected to. So a peer that restarts on the same address is
 * reconnected whichever side restarted. Learned peers that keep failing for
 * `forgetPeerAfterMs` are dropped; bootstrap peers are kept forever.
 */
export class PeerManager {
  private readonly known = new Map<string, KnownPeer>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly opts: PeerManagerOptions,
    private readonly modules: PeerManagerModules
  ) {
    for (const ma of parseBootstrap(opts.bootstrap, opts.selfPeerId)) {
      this.remember(peerIdOfMultiaddr(ma) as string, [ma], true);
    }
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.redialMissing(), this.opts.redialIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Record the listen addresses a peer announced (from identify). */
  onIdentified(peerId: string, listenAddrs: Multiaddr[]): void {
    if (peerId === this.opts.selfPeerId || listenAddrs.length === 0) return;
    const addrs = listenAddrs.map((a) => (peerIdOfMultiaddr(a) === null ? a.encapsulate(`/p2p/${peerId}`) : a));
    this.remember(peerId, addrs, false);
  }

  onConnected(peerId: string): void {
    const peer = this.known.get(peerId);
    if (peer !== undefined) peer.failingSinceMs = null;
  }

  knownPeerIds(): string[] {
    return [...this.known.keys()];
  }

  private remember(peerId: string, addrs: Multiaddr[], permanent: boolean): void {
    const peer = this.known.get(peerId);
    if (peer === undefined) {
      this.known.set(peerId, {addrs, permanent, failingSinceMs: null, dialing: false});
      return;
    }
    const seen = new Set(peer.addrs.map((a) => a.toString()));
    peer.addrs.push(...addrs.filter((a) => !seen.has(a.toString())));
    peer.permanent ||= permanent;
  }

  private redialMissing(): void {
    const connected = new Set(this.modules.libp2p.getPeers().map((p) => p.toString()));
    for (const [peerId, peer] of this.known) {
      if (connected.has(peerId) || peer.dialing || this.modules.isBanned?.(peerId)) continue;
      void this.redial(peerId, peer);
    }
  }

  private async redial(peerId: string, peer: KnownPeer): Promise<void> {
    peer.dialing = true;
    try {
      await this.modules.libp2p.dial(peer.addrs, {signal: AbortSignal.timeout(Math.max(1_000, this.opts.redialIntervalMs * 2))});
      peer.failingSinceMs = null;
      this.modules.logger.debug({peer: peerId}, "redialed peer");
    } catch (e) {
      const now = Date.now();
      peer.failingSinceMs ??= now;
      this.modules.logger.debug({peer: peerId, err: (e as Error).message}, "redial failed");
      if (!peer.permanent && now - peer.failingSinceMs > this.opts.forgetPeerAfterMs) {
        this.known.delete(peerId);
        this.modules.logger.debug({peer: peerId}, "forgot unreachable peer");
      }
    } finally {
      peer.dialing = false;
    }
  }
}
