export { Mempool } from "./mempool.js";
export { MempoolError, MempoolErrorCode } from "./errors.js";
export type { AddResult, MempoolMetrics, MempoolModules, MempoolOptions, NonceLookup } from "./interface.js";
export { createMempoolOptions, defaultMempoolOptions } from "./options.js";
export { VerifiedTxCache } from "./verifiedCache.js";
