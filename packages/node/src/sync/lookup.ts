/**
 * Unknown-parent lookups (docs/security.md). A gossiped batch B whose parent we lack is not a
 * reason for a full sync with whoever sent it: we ask that peer for the ancestors B needs, by
 * range — at most `maxBatches` of them, down to our confirmed height + 1 — import them, then B.
 *
 * Bounded: one lookup per peer at a time, at most `maxConcurrent` at once, at most
 * `perSecond` started per second overall (a token bucket), none while a range sync runs (it
 * will bring the same batches). A dropped lookup costs nothing: the periodic sync catches up.
 *
 * Scored: an honest peer forwarded B after importing it, so its canonical chain holds B's
 * ancestors and they hash-link to B. A peer that serves nothing, or batches that do not link
 * up to B, or (with the whole gap covered) a chain that does not connect to ours, is
 * penalised (`unresolved_parent`); an ancestor, or B itself, that fails validation costs
 * `invalid_batch`. When the ancestors link to B but the gap is wider than `maxBatches`, we are
 * simply far behind: no penalty, and a full sync with that peer (its own rules apply) takes over.
 */
import type { Logger } from "pino";
import { BatchError, DecodeError, decodeSignedBatch, headerRoot, toHex, type SignedBatch } from "@baton/core";
import type { Chain } from "../chain/index.js";
import { PeerOffence } from "../network/peerScore.js";

export interface LookupOptions {
  /** most ancestors asked for in one lookup */
  maxBatches: number;
  /** lookups started per second, all peers together (also the burst) */
  perSecond: number;
  /** most lookups running at once, all peers together */
  maxConcurrent: number;
}
export const defaultLookupOptions: LookupOptions = { maxBatches: 32, perSecond: 4, maxConcurrent: 4 };

export interface LookupNetwork {
  requestBatchesByRange(peerId: string, startHeight: number, count: number): Promise<Uint8Array[]>;
  /** penalise a peer (network/peerGuard.ts); absent in tests that do not score */
  reportPeer?(peerId: string, offence: PeerOffence, detail?: Record<string, unknown>): unknown;
}

export interface LookupModules {
  chain: Pick<Chain, "importBatch" | "getConfirmed">;
  network: LookupNetwork;
  logger: Logger;
  currentSlot(): number;
  /** a range sync is running: lookups would fetch what it fetches */
  isRangeSyncing(): boolean;
  /** the full sync with a peer, for a gap wider than a lookup reaches */
  fullSync(peerId: string): Promise<void>;
  now?: () => number;
}

/** How a lookup ended (or why none ran). */
export type LookupOutcome = "resolved" | "stale" | "too_far" | "unresolved" | "invalid" | "busy" | "rate_limited" | "syncing" | "closed";

type Served =
  | { kind: "ok"; batches: { batch: SignedBatch; bytes: Uint8Array }[] }
  | { kind: "invalid"; reason: string }
  | { kind: "unlinked"; reason: string };

export class ParentLookup {
  private readonly inFlight = new Set<string>();
  private tokens: number;
  private refilledAt: number;
  private closed = false;
  /** outcomes so far, for tests and logs */
  readonly counts = new Map<LookupOutcome, number>();

  constructor(
    private readonly opts: LookupOptions,
    private readonly modules: LookupModules,
  ) {
    this.tokens = opts.perSecond;
    this.refilledAt = this.now();
  }

  close(): void {
    this.closed = true;
  }

  /** Look up `batch`'s missing ancestors from `peerId` unless a bound says no. Never throws. */
  async request(peerId: string, batch: SignedBatch, bytes: Uint8Array): Promise<LookupOutcome> {
    const refusal = this.refusal(peerId);
    if (refusal !== null) return this.count(refusal);
    this.tokens -= 1;
    this.inFlight.add(peerId);
    try {
      return this.count(await this.lookup(peerId, batch, bytes));
    } catch (e) {
      this.modules.logger.debug({ peer: peerId, err: (e as Error).message }, "parent lookup failed");
      return this.count("unresolved");
    } finally {
      this.inFlight.delete(peerId);
    }
  }

  private refusal(peerId: string): LookupOutcome | null {
    if (this.closed) return "closed";
    if (this.inFlight.has(peerId) || this.inFlight.size >= this.opts.maxConcurrent) return "busy";
    if (this.modules.isRangeSyncing()) return "syncing";
    const now = this.now();
    this.tokens = Math.min(this.opts.perSecond, this.tokens + ((now - this.refilledAt) / 1000) * this.opts.perSecond);
    this.refilledAt = now;
    return this.tokens < 1 ? "rate_limited" : null;
  }

  private async lookup(peerId: string, batch: SignedBatch, bytes: Uint8Array): Promise<LookupOutcome> {
    const height = batch.header.height;
    const floor = this.modules.chain.getConfirmed().height + 1;
    const start = Math.max(floor, height - this.opts.maxBatches);
    if (start >= height) return "stale"; // its parent would be at or below our confirmed batch, and is not it
    const served = await this.fetch(peerId, batch, start, height - start);
    if (served.kind === "invalid") return this.penalise(peerId, PeerOffence.invalidBatch, "invalid", { height, reason: served.reason });
    if (served.kind === "unlinked") return this.penalise(peerId, PeerOffence.unresolvedParent, "unresolved", { height, reason: served.reason });
    for (const item of served.batches) {
      const result = await this.tryImport(item.batch, item.bytes);
      if (result === "invalid") return this.penalise(peerId, PeerOffence.invalidBatch, "invalid", { height: item.batch.header.height });
      if (result !== "resolved") break; // the rest cannot connect either
    }
    const outcome = await this.tryImport(batch, bytes);
    if (outcome === "invalid") return this.penalise(peerId, PeerOffence.invalidBatch, "invalid", { height });
    if (outcome !== "unresolved") return outcome;
    if (start > floor) {
      // B's ancestry checks out as far as we asked, but we are further behind than a lookup reaches
      void this.modules.fullSync(peerId).catch(() => undefined);
      return "too_far";
    }
    return this.penalise(peerId, PeerOffence.unresolvedParent, "unresolved", { height, reason: "does not connect to our chain" });
  }

  /** The ancestors `peerId` serves for heights start … start+count-1, checked to hash-link up to `batch`. */
  private async fetch(peerId: string, batch: SignedBatch, start: number, count: number): Promise<Served> {
    let frames: Uint8Array[];
    try {
      frames = await this.modules.network.requestBatchesByRange(peerId, start, count);
    } catch (e) {
      return { kind: "unlinked", reason: `request failed: ${(e as Error).message}` };
    }
    if (frames.length !== count) return { kind: "unlinked", reason: `served ${frames.length} of ${count} ancestors` };
    const batches: { batch: SignedBatch; bytes: Uint8Array }[] = [];
    const latestSlot = this.modules.currentSlot() + 1;
    let expectedParent: string | null = null;
    for (const [offset, frame] of frames.entries()) {
      let served: SignedBatch;
      try {
        served = decodeSignedBatch(frame);
      } catch (e) {
        if (e instanceof DecodeError) return { kind: "invalid", reason: e.code };
        throw e;
      }
      const { header } = served;
      if (header.height !== start + offset || header.slot > latestSlot || header.height > header.slot) {
        return { kind: "invalid", reason: `ancestor at height ${header.height}, slot ${header.slot} (asked from ${start})` };
      }
      if (expectedParent !== null && toHex(header.parentRoot) !== expectedParent) return { kind: "invalid", reason: "ancestors do not hash-link" };
      expectedParent = toHex(headerRoot(header));
      batches.push({ batch: served, bytes: frame });
    }
    if (expectedParent !== toHex(batch.header.parentRoot)) return { kind: "unlinked", reason: "the batch is not on the peer's chain" };
    return { kind: "ok", batches };
  }

  private async tryImport(batch: SignedBatch, bytes: Uint8Array): Promise<"resolved" | "stale" | "unresolved" | "invalid"> {
    try {
      const result = await this.modules.chain.importBatch(batch, "sync", undefined, bytes);
      if (result.status === "imported" || result.status === "known") return "resolved";
      return result.status === "unknown_parent" ? "unresolved" : "stale";
    } catch (e) {
      if (e instanceof BatchError) return "invalid";
      throw e;
    }
  }

  private penalise(peerId: string, offence: PeerOffence, outcome: LookupOutcome, detail: Record<string, unknown>): LookupOutcome {
    this.modules.logger.debug({ peer: peerId, offence, ...detail }, "parent lookup: peer penalised");
    this.modules.network.reportPeer?.(peerId, offence, { ...detail, via: "parent lookup" });
    return outcome;
  }

  private count(outcome: LookupOutcome): LookupOutcome {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
    return outcome;
  }

  private now(): number {
    return this.modules.now?.() ?? Date.now();
  }
}
