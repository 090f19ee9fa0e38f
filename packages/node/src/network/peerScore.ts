/**
 * The node's own record of what each peer did wrong (docs/security.md). Every offence takes
 * points off a peer's score; the score decays back towards 0 (it halves every
 * `scoreHalfLifeMs`), so only repeated offences add up. A peer whose score falls to
 * `banThreshold` or below is banned (peerGuard.ts). Scores outlive connections: a peer cannot
 * wipe its record by reconnecting.
 */

/** What a peer can be penalised for; string values appear in logs. */
export enum PeerOffence {
  /** a gossip message our validator REJECTed (provably invalid) */
  gossipReject = "gossip_reject",
  /** a batch it sent us turned out invalid once its parent was known (lookup or sync) */
  invalidBatch = "invalid_batch",
  /** a gossiped batch whose unknown parent it did not help us find */
  unresolvedParent = "unresolved_parent",
  /** sync: an impossible status, a head it claimed and did not serve, a batch from the future */
  syncDistrust = "sync_distrust",
}

/**
 * Points each offence costs. With the default threshold of -100: the third REJECT within a
 * few minutes bans, the fourth sync distrust (sync asks a distrusted peer again only after
 * 60 s) bans, and about ten unresolved parent lookups ban.
 */
export const OFFENCE_PENALTY: Record<PeerOffence, number> = {
  [PeerOffence.gossipReject]: 40,
  [PeerOffence.invalidBatch]: 40,
  [PeerOffence.unresolvedParent]: 10,
  [PeerOffence.syncDistrust]: 35,
};

export interface PeerScoreOptions {
  /** a score at or below this bans the peer (negative) */
  banThreshold: number;
  /** a score halves in this long (ms) */
  scoreHalfLifeMs: number;
  /** most peers whose score is remembered; the mildest records go first */
  maxTrackedPeers: number;
}

interface ScoreRecord {
  score: number;
  at: number;
}

/** Scores above this (closer to 0) are forgotten. */
const NEGLIGIBLE = -0.5;

export class PeerScoreBook {
  private readonly records = new Map<string, ScoreRecord>();

  constructor(
    private readonly opts: PeerScoreOptions,
    private readonly now: () => number = Date.now
  ) {}

  /** The peer's current score (≤ 0; 0 for a peer with no record). */
  score(peerId: string): number {
    const record = this.records.get(peerId);
    if (record === undefined) return 0;
    const score = this.decayed(record);
    if (score > NEGLIGIBLE) {
      this.records.delete(peerId);
      return 0;
    }
    return score;
  }

  /** Takes the offence's points off; returns the new score. */
  penalise(peerId: string, offence: PeerOffence): number {
    const score = this.score(peerId) - OFFENCE_PENALTY[offence];
    this.records.set(peerId, {score, at: this.now()});
    if (this.records.size > this.opts.maxTrackedPeers) this.evictMildest();
    return score;
  }

  /** Whether the score calls for a ban. */
  isBelowThreshold(score: number): boolean {
    return score <= this.opts.banThreshold;
  }

  get size(): number {
    return this.records.size;
  }

  private decayed(record: ScoreRecord): number {
    const elapsed = Math.max(0, this.now() - record.at);
    return record.score * 0.5 ** (elapsed / this.opts.scoreHalfLifeMs);
  }

  private evictMildest(): void {
    let mildest: string | null = null;
    let mildestScore = Number.NEGATIVE_INFINITY;
    for (const [peerId, record] of this.records) {
      const score = this.decayed(record);
      if (score > mildestScore) {
        mildestScore = score;
        mildest = peerId;
      }
    }
    if (mildest !== null) this.records.delete(mildest);
  }
}

export interface BanEntry {
  /** a peer id, or an address key (an IPv4 address or an IPv6 /64, see addresses.ts) */
  key: string;
  kind: "peer" | "address";
  /** unix ms when the ban ends */
  until: number;
  reason: string;
}

/** Bans by peer id and by address, each until a time; bounded (the oldest ban goes first). */
export class BanList {
  private readonly peers = new Map<string, BanEntry>();
  private readonly addresses = new Map<string, BanEntry>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now
  ) {}

  banPeer(peerId: string, durationMs: number, reason: string): BanEntry {
    return this.add(this.peers, {key: peerId, kind: "peer", until: this.now() + durationMs, reason});
  }

  banAddress(key: string, durationMs: number, reason: string): BanEntry {
    return this.add(this.addresses, {key, kind: "address", until: this.now() + durationMs, reason});
  }

  isPeerBanned(peerId: string): boolean {
    return this.active(this.peers, peerId);
  }

  isAddressBanned(key: string): boolean {
    return this.active(this.addresses, key);
  }

  /** The bans in force. */
  entries(): BanEntry[] {
    const now = this.now();
    return [...this.peers.values(), ...this.addresses.values()].filter((entry) => entry.until > now);
  }

  private add(map: Map<string, BanEntry>, entry: BanEntry): BanEntry {
    map.delete(entry.key); // re-inserted last: the Map's order is the eviction order
    map.set(entry.key, entry);
    while (map.size > this.maxEntries) {
      const oldest = map.keys().next().value as string;
      map.delete(oldest);
    }
    return entry;
  }

  private active(map: Map<string, BanEntry>, key: string): boolean {
    const entry = map.get(key);
    if (entry === undefined) return false;
    if (entry.until > this.now()) return true;
    map.delete(key);
    return false;
  }
}
