/**
 * Health, readiness and sync state (GET /health, /readyz, /syncing), pure: the rules in one
 * place, unit-tested without sockets. docs/api.md and docs/operators.md describe them.
 */
import type { Health, Syncing } from "@baton/api";
import { SequencerStatus, type ChainConfig, type State } from "@baton/core";

/** The head may lag the clock by this many slots before the node is unhealthy: one epoch, at least 4 (leaders miss slots). */
export const maxHeadLagSlots = (config: Pick<ChainConfig, "slotsPerEpoch">): number => Math.max(config.slotsPerEpoch, 4);

export interface HealthInput {
  peers: number;
  /** sequencers other than this node in the head state (0: a single-sequencer chain needs no peers) */
  otherSequencers: number;
  headSlot: number;
  currentSlot: number;
  syncing: boolean;
  maxLagSlots: number;
}

/** healthy (200): follows the chain; syncing (206): a range sync is catching up; unhealthy (503): why in `reasons`. */
export function judgeHealth(input: HealthInput): Health {
  const lagSlots = Math.max(0, input.currentSlot - input.headSlot);
  const reasons: string[] = [];
  if (input.peers === 0 && input.otherSequencers > 0) reasons.push("no peers");
  if (!input.syncing && lagSlots > input.maxLagSlots) reasons.push(`head ${lagSlots} slots behind the clock (limit ${input.maxLagSlots})`);
  const status = reasons.length > 0 ? "unhealthy" : input.syncing ? "syncing" : "healthy";
  return {
    status,
    reasons,
    peers: input.peers,
    headSlot: input.headSlot,
    currentSlot: input.currentSlot,
    lagSlots,
    maxLagSlots: input.maxLagSlots,
  };
}

/** The HTTP status of a health answer: 200, 206 or 503. */
export const healthHttpStatus = (h: Health): number => (h.status === "healthy" ? 200 : h.status === "syncing" ? 206 : 503);

export interface SyncingInput {
  headSlot: number;
  headHeight: number;
  currentSlot: number;
  bestPeerHeight: number;
  syncing: boolean;
  maxLagSlots: number;
}

export function judgeSyncing(input: SyncingInput): Syncing {
  const syncDistance = Math.max(0, input.currentSlot - input.headSlot);
  return {
    headSlot: input.headSlot,
    headHeight: input.headHeight,
    currentSlot: input.currentSlot,
    syncDistance,
    targetHeight: Math.max(input.headHeight, input.bestPeerHeight),
    isSyncing: input.syncing,
    isStalled: !input.syncing && syncDistance > input.maxLagSlots,
  };
}

/** Where a node's health is read from (the API handlers and the slot clock's metric update). */
export interface HealthSources {
  config: Pick<ChainConfig, "slotsPerEpoch">;
  head(): { slot: number; height: number };
  headState(): Pick<State, "sequencers">;
  currentSlot(): number;
  peerCount(): number;
  syncing(): boolean;
  /** this node's sequencer index, or null */
  sequencerIndex(): number | null;
  bestPeerHeight(): number;
}

export function healthOf(src: HealthSources): Health {
  const me = src.sequencerIndex();
  const others = src.headState().sequencers.filter((s, index) => index !== me && s.status !== SequencerStatus.exited).length;
  return judgeHealth({
    peers: src.peerCount(),
    otherSequencers: others,
    headSlot: src.head().slot,
    currentSlot: src.currentSlot(),
    syncing: src.syncing(),
    maxLagSlots: maxHeadLagSlots(src.config),
  });
}

export function syncingOf(src: HealthSources): Syncing {
  const head = src.head();
  return judgeSyncing({
    headSlot: head.slot,
    headHeight: head.height,
    currentSlot: src.currentSlot(),
    bestPeerHeight: src.bestPeerHeight(),
    syncing: src.syncing(),
    maxLagSlots: maxHeadLagSlots(src.config),
  });
}
