import type { MempoolErrorCode } from "./errors.js";

/** Settings of the mempool. */
export interface MempoolOptions {
  /** chain id of the tx signing domain */
  chainId: number;
  /** most pending txs; beyond it `add` throws FULL */
  maxSize: number;
  /** smallest accepted fee */
  minFee: bigint;
  /** longest accepted payload, in bytes */
  maxPayloadBytes: number;
  /** how many tx hashes this node remembers having verified (pending or not); default 200k */
  verifiedCacheSize?: number;
  /** a tx's nonce may be at most this far above its sender's state nonce */
  maxNonceAhead?: number;
  /** most pending txs of one sender */
  maxPerSender?: number;
  /** a pending tx older than this (ms) is dropped */
  ttlMs?: number;
  /** room beyond maxSize kept for system txs (stake, slash evidence, ...), so a flood of user txs cannot lock them out */
  systemReserve?: number;
}

/** The mempool's metrics hooks (implemented by `metrics.mempool`). Pass `null` in tests. */
export interface MempoolMetrics {
  onRejected(code: MempoolErrorCode): void;
  setSize(n: number): void;
  /** seconds from a tx's arrival in this pool to its inclusion in a batch on this node */
  observeInclusion?(seconds: number): void;
}

export interface MempoolModules {
  metrics: MempoolMetrics | null;
  /** clock for arrival times, unix ms; default Date.now */
  now?: () => number;
}

/** The next nonce of `sender` in the current head state (0 for an unknown account). */
export type NonceLookup = (sender: Uint8Array) => number;

/** The sender's account in the current head state, or undefined if it has none. */
export type AccountLookup = (sender: Uint8Array) => { nonce: number; balance: bigint } | undefined;

/** What `add` did: `added: false` means the tx was already pending. */
export interface AddResult {
  hash: string;
  added: boolean;
}
