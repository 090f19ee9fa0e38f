/**
 * Where the devnet meets the `baton` CLI: the launcher runs `packages/cli/src/bin.ts start`
 * for every node, so it writes key files in the CLI's format and talks to nodes through the
 * CLI's API client. This is the one file that knows where the CLI lives.
 */
import { fileURLToPath } from "node:url";

export { keysFromSeeds, saveKeyFile, loadKeyFile, type KeyFile } from "../../cli/src/keys.js";
export {
  ApiError,
  ApiUnreachableError,
  getAccount,
  getSequencers,
  getStatus,
  nextNonceOf,
  postTxs,
  type NodeStatus,
  type SequencerInfo,
} from "../../cli/src/api.js";

/** The CLI entry point the launcher runs for each node. */
export const CLI_BIN = fileURLToPath(new URL("../../cli/src/bin.ts", import.meta.url));
/** Promise.withResolvers for Node 20 (libp2p 3 needs it); passed as `--import`. */
export const POLYFILL_URL = new URL("../../node/src/util/polyfill.ts", import.meta.url).href;
/** The workspace root (children run with it as cwd). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** tsx's loader as a URL for `node --import` (one process per node: no `npx tsx` wrapper). */
export function tsxLoaderUrl(): string {
  return import.meta.resolve("tsx");
}
