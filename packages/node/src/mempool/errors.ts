import { BatonError } from "@baton/core";

/** Why a tx was refused by the mempool. A fixed set: used as a metric label. */
export enum MempoolErrorCode {
  /** The pool holds `maxSize` txs. */
  FULL = "MEMPOOL_FULL",
  /** The ed25519 signature does not verify. */
  BAD_SIGNATURE = "MEMPOOL_BAD_SIGNATURE",
  /** fee < minFee. */
  FEE_TOO_LOW = "MEMPOOL_FEE_TOO_LOW",
  /** payload longer than maxPayloadBytes. */
  TOO_LARGE = "MEMPOOL_TOO_LARGE",
  /** Another tx with the same sender and nonce is pending (no replacement). */
  DUPLICATE_NONCE = "MEMPOOL_DUPLICATE_NONCE",
  /** The sender's state nonce is already above this tx's nonce. */
  STALE_NONCE = "MEMPOOL_STALE_NONCE",
}

export class MempoolError extends BatonError<{ code: MempoolErrorCode; hash?: string }> {
  constructor(code: MempoolErrorCode, message: string, hash?: string) {
    super({ code, hash }, message);
  }
}
