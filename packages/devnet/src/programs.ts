/**
 * The programs the devnet tools run as child processes, and where they run them from.
 *
 * Every node of a devnet (and of the chaos and bench clusters) is the workspace's compiled
 * `baton` program: `node packages/cli/dist/bin.js start ...` (`pnpm build` makes it; the
 * README's commands and the test command build first). No TypeScript loader runs in a node.
 * It is a program these tools run, not a module they import: @baton/devnet's code depends on
 * @baton/client (the API client, key files), @baton/node and @baton/core, never on
 * @baton/cli's, and `baton devnet|chaos|bench|sim` load this package lazily
 * (packages/cli/src/devnetTools.ts). So there is no cycle between the two packages.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The workspace root (children run with it as cwd). Same depth from src/ and dist/. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The compiled `baton` program the launcher runs for each node (a path to run, not an import); it loads its polyfill first. */
export const BATON_BIN = join(REPO_ROOT, "packages", "cli", "dist", "bin.js");

/**
 * The compiled file of a program in this package, given its source's URL: the tools run their
 * helper programs (the netns proxy, the bench's gossip peer) compiled, whether the tool itself
 * runs from dist/ or, in tests, from src/.
 */
export function compiledProgram(sourceUrl: URL): string {
  const path = fileURLToPath(sourceUrl)
    .replace(/([/\\])src([/\\])(?!.*[/\\]src[/\\])/, "$1dist$2")
    .replace(/\.ts$/, ".js");
  return path;
}

/** Fails with a clear message when `pnpm build` has not made the program yet. */
export function requireBuilt(program: string): string {
  if (!existsSync(program)) throw new Error(`${program} does not exist: run \`pnpm build\` first (the README's commands do)`);
  return program;
}
