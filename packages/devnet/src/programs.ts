/**
 * The programs the devnet tools run as child processes, and where they run them from.
 *
 * Every node of a devnet (and of the chaos and bench clusters) is the workspace's `baton`
 * program: `node --import tsx --import @baton/node/polyfill packages/cli/src/bin.ts start ...`.
 * It is a program these tools run, not a module they import: @baton/devnet's code depends on
 * @baton/client (the API client, key files), @baton/node and @baton/core, never on
 * @baton/cli's, and `baton devnet|chaos|bench|sim` load this package lazily
 * (packages/cli/src/devnetTools.ts). So there is no cycle between the two packages.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The workspace root (children run with it as cwd). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The `baton` program the launcher runs for each node: the workspace's CLI entry point (a path to run, not an import). */
export const BATON_BIN = join(REPO_ROOT, "packages", "cli", "src", "bin.ts");
/** Promise.withResolvers for Node 20 (libp2p 3 needs it); passed as `--import`. */
export const POLYFILL_URL = import.meta.resolve("@baton/node/polyfill");

/** tsx's loader as a URL for `node --import` (one process per node: no `npx tsx` wrapper). */
export function tsxLoaderUrl(): string {
  return import.meta.resolve("tsx");
}
