/**
 * Every error code the API answers with, and its HTTP status: the one table the server maps
 * errors through (no status is chosen anywhere else) and docs/api.md lists. An error body is
 * always {"error": {"code", "message"}}; the message names the field and what was expected.
 */

export const API_ERRORS = {
  // the request itself
  BAD_REQUEST: { status: 400, description: "the path or a header is malformed (e.g. bad percent-encoding)" },
  INVALID_PARAM: { status: 400, description: "a path or query parameter is not what the route expects" },
  INVALID_JSON: { status: 400, description: "the body is not JSON" },
  EMPTY_BODY: { status: 400, description: "the route needs a body" },
  INVALID_TX: { status: 400, description: "a tx in the body is malformed (the message names it: txs[i].field)" },
  BODY_TOO_LARGE: { status: 413, description: "the body is over the limit (16 MiB)" },
  EPOCH_NOT_AVAILABLE: { status: 400, description: "the head state knows the schedule of the current and the next epoch only" },
  NOT_FOUND: { status: 404, description: "no such route, batch or tx" },
  METHOD_NOT_ALLOWED: { status: 405, description: "the route exists for another method" },
  UNAUTHORIZED: {
    status: 401,
    description: "the node has an API token (apiTokenFile) and the request has no `Authorization: Bearer <token>` header, or another token",
  },
  // the mempool refused every tx of a POST /txs (codes of the mempool, per tx in `errors` otherwise)
  MEMPOOL_FULL: { status: 503, description: "the mempool is full or the node is too busy: retry later" },
  MEMPOOL_SENDER_FULL: { status: 429, description: "the sender has its maximum of pending txs: wait for inclusion" },
  MEMPOOL_BAD_SIGNATURE: { status: 400, description: "the ed25519 signature does not verify" },
  MEMPOOL_FEE_TOO_LOW: { status: 400, description: "the fee is below the node's minimum" },
  MEMPOOL_TOO_LARGE: { status: 400, description: "the payload is over the maximum size" },
  MEMPOOL_DUPLICATE_NONCE: { status: 400, description: "another tx with this sender and nonce is pending" },
  MEMPOOL_STALE_NONCE: { status: 400, description: "the nonce was used already" },
  MEMPOOL_UNKNOWN_SENDER: { status: 400, description: "the sender has no account: it must be funded first" },
  MEMPOOL_INSUFFICIENT_BALANCE: { status: 400, description: "the sender's balance cannot pay the fee" },
  MEMPOOL_NONCE_TOO_FAR: { status: 400, description: "the nonce is too far above the account's nonce" },
  // ours
  INTERNAL: { status: 500, description: "a bug in the node (logged with its stack)" },
} as const satisfies Record<string, { status: number; description: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

export const isApiErrorCode = (code: string): code is ApiErrorCode => Object.hasOwn(API_ERRORS, code);

/** The HTTP status of an error code; a code missing from the table is our bug (500). */
export function statusOfCode(code: string): number {
  return isApiErrorCode(code) ? API_ERRORS[code].status : 500;
}

/**
 * An error of the API: thrown by the server's handlers (its status comes from the table), and
 * by the client when the node answered with an error (its status is what the node sent).
 */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: string,
    message: string,
    status?: number,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status ?? statusOfCode(code);
  }
}
