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
  /** The sender has no account in the head state: the tx could never be included. */
  UNKNOWN_SENDER = "MEMPOOL_UNKNOWN_SENDER",
  /** The sender's balance in the head state cannot pay the fee. */
  INSUFFICIENT_BALANCE = "MEMPOOL_INSUFFICIENT_BALANCE",
  /** The nonce is more than maxNonceAhead above the sender's state nonce. */
  NONCE_TOO_FAR = "MEMPOOL_NONCE_TOO_FAR",
  /** The sender has maxPerSender txs pending already. */
  SENDER_FULL = "MEMPOOL_SENDER_FULL",
}

export class MempoolError extends BatonError<{ code: MempoolErrorCode; hash?: string }> {
  constructor(code: MempoolErrorCode, message: string, hash?: string) {
    super({ code, hash }, message);
  }
}
