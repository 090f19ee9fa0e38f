export { startDevnet, startStatusReporter, defaultDevnetOptions, DevnetError } from "./launcher.js";
export type { Devnet, DevnetOptions } from "./launcher.js";
export type { DevnetNode, ExitInfo } from "./process.js";
export { LoadGenerator, httpLoadApi } from "./load.js";
export { sleep, Aborted } from "./sleep.js";
export type { LoadApi, LoadOptions, LoadStats } from "./load.js";
export { fetchSnapshot, formatStatusLine, sequencerLabels, STATUS_LEGEND } from "./status.js";
export type { ClusterSnapshot } from "./status.js";
export {
  createDevnet,
  generateDevnet,
  writeDevnet,
  readDevnet,
  deriveSeed,
  deriveSequencerKeys,
  deriveLoadAccounts,
  derivePeerKey,
  defaultDevnetParams,
} from "./generate.js";
export type { CreateDevnetParams, DevnetParams, GeneratedDevnet, Manifest } from "./generate.js";
export { startArgs } from "./startArgs.js";
export type { NodeStartSpec } from "./startArgs.js";
export { nodeLayout, dialAddr, MANIFEST_FILE, GENESIS_FILE, KEY_FILE, PEER_KEY_FILE, LOG_FILE } from "./layout.js";
export type { NodeLayout, Ports } from "./layout.js";
export * as chaos from "./chaos/index.js";
export * as bench from "./bench/index.js";
export * as sim from "./sim/index.js";
