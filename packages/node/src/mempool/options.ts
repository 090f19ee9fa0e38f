import type { MempoolOptions } from "./interface.js";

/** Defaults for everything but the chain id. 2048 = the payload limit of the Tx encoding. */
export const defaultMempoolOptions: Omit<MempoolOptions, "chainId"> & Required<Omit<MempoolOptions, "chainId">> = {
  maxSize: 50_000,
  minFee: 0n,
  maxPayloadBytes: 2048,
  verifiedCacheSize: 200_000,
  // a sender's run of pending nonces: enough for a burst of a few hundred txs per slot per sender
  maxNonceAhead: 256,
  maxPerSender: 256,
  // a tx nobody included for 10 minutes will not be: it frees its place
  ttlMs: 600_000,
  systemReserve: 1_000,
};

/** Fills defaults and checks values; throws a RangeError naming the bad field. */
export function createMempoolOptions(
  partial: Partial<MempoolOptions> & { chainId: number },
): Required<MempoolOptions> {
  const opts = { ...defaultMempoolOptions, ...partial };
  const positiveInt = (field: string, v: number) => {
    if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`mempool ${field}: expected a positive integer, got ${v}`);
  };
  if (!Number.isSafeInteger(opts.chainId) || opts.chainId < 0) {
    throw new RangeError(`mempool chainId: expected a non-negative integer, got ${opts.chainId}`);
  }
  positiveInt("maxSize", opts.maxSize);
  positiveInt("maxPayloadBytes", opts.maxPayloadBytes);
  positiveInt("verifiedCacheSize", opts.verifiedCacheSize);
  positiveInt("maxNonceAhead", opts.maxNonceAhead);
  positiveInt("maxPerSender", opts.maxPerSender);
  positiveInt("ttlMs", opts.ttlMs);
  if (!Number.isSafeInteger(opts.systemReserve) || opts.systemReserve < 0) {
    throw new RangeError(`mempool systemReserve: expected a non-negative integer, got ${opts.systemReserve}`);
  }
  if (typeof opts.minFee !== "bigint" || opts.minFee < 0n) {
    throw new RangeError(`mempool minFee: expected a non-negative bigint, got ${String(opts.minFee)}`);
  }
  return opts;
}
