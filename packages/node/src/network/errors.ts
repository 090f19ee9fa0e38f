/**
 * What gossipsub should do with a message that failed validation.
 * - REJECT: provably invalid (bad signature, malformed, wrong leader): the sender is penalised.
 * - IGNORE: maybe valid but not useful now (duplicate, too early, too late): dropped, no penalty.
 */
export enum GossipAction {
  IGNORE = "ignore",
  REJECT = "reject",
}

/**
 * Thrown by a gossip validator to drop a message. `code` is a short, fixed string
 * (e.g. "BATCH_WRONG_LEADER") suitable for logs and metric labels.
 * Any other error thrown by a validator is treated as IGNORE (our bug, not the peer's).
 *
 * A REJECT costs the sender in gossipsub's score and in the node's own peer score, which bans
 * (peerGuard.ts). `scored: false` leaves the node's score out: for a fault an honest peer can
 * have for a while (a clock running ahead), which gossipsub's score (it decays in seconds)
 * punishes while it lasts, but which should not keep the peer banned once it is fixed.
 */
export class GossipValidationError extends Error {
  readonly scored: boolean;

  constructor(
    readonly action: GossipAction,
    readonly code: string,
    message?: string,
    options: {scored?: boolean} = {}
  ) {
    super(message ?? `${action}: ${code}`);
    this.name = "GossipValidationError";
    this.scored = options.scored ?? true;
  }
}

/** Why a request to a peer failed; fixed set, usable as a metric label. */
export enum ReqRespErrorCode {
  /** Our own arguments were out of range; nothing was sent. */
  BAD_ARGUMENTS = "BAD_ARGUMENTS",
  /** Could not open a stream (peer unknown, unreachable, or does not speak the protocol). */
  DIAL_FAILED = "DIAL_FAILED",
  /** No complete response within the request timeout. */
  TIMEOUT = "TIMEOUT",
  /** The peer said our request was malformed. */
  INVALID_REQUEST = "INVALID_REQUEST",
  /** The peer failed to serve the request. */
  SERVER_ERROR = "SERVER_ERROR",
  /** The peer's response broke the protocol (bad header, too many frames, oversize frame). */
  INVALID_RESPONSE = "INVALID_RESPONSE",
  /** The stream ended or was reset before the response was complete. */
  STREAM_ERROR = "STREAM_ERROR",
}

export class ReqRespError extends Error {
  constructor(
    readonly code: ReqRespErrorCode,
    message: string,
    options?: {cause?: unknown}
  ) {
    super(`${code}: ${message}`, options);
    this.name = "ReqRespError";
  }
}
