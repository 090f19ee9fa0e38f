import type {GossipType} from "./topics.js";

/** Outcome of validating one gossip message; used as a metric label. */
export type GossipResult = "accept" | "ignore" | "reject";

/** The network's metrics hooks. Pass `null` in tests. */
export interface NetworkMetrics {
  onGossipResult(type: GossipType, result: GossipResult): void;
}

/**
 * Decides whether a gossip message is accepted. `from` is the peer id of the peer that sent it
 * to us (not necessarily its author: messages are unsigned, authorship is in the payload).
 * Return normally to ACCEPT (the message is forwarded and handed to `onGossip`);
 * throw `GossipValidationError(GossipAction.IGNORE | REJECT, code)` to drop it.
 * Any other thrown error counts as IGNORE: peers are never punished for our bugs.
 * Must be quick (< 100 ms) and free of side effects; do the work in `onGossip`.
 */
export type GossipValidatorFn = (data: Uint8Array, from: string) => Promise<void> | void;

/** Receives a gossip message after its validator accepted it. Errors are logged, never propagated. */
export type GossipHandlerFn = (data: Uint8Array, from: string) => Promise<void> | void;

/** Serve requests from peers. Thrown errors reach the peer as a SERVER_ERROR response. */
export interface ReqRespHandlers {
  /** Our current status (encoding chosen by the caller, opaque here). */
  status: () => Promise<Uint8Array>;
  /**
   * Up to `count` consecutive encoded batches from `startHeight`, in height order; fewer if we
   * do not have them. `count` is already clamped to `MAX_BATCHES_PER_REQUEST` and is >= 1.
   */
  batchesByRange: (startHeight: number, count: number) => Promise<Uint8Array[]>;
}

export interface PeerInfoSummary {
  peerId: string;
  /** Remote addresses of our open connections to that peer. */
  addrs: string[];
}
