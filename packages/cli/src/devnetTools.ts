/**
 * `baton devnet|chaos|bench|sim` (and `keys import --devnet`) run the development tools of
 * `@baton/devnet`: the local cluster launcher, the chaos runner, the benchmark and the
 * mechanisms lab. They are loaded here, lazily, and only here: `@baton/devnet` is a development
 * dependency of `@baton/cli`, so an operator's install (`pnpm deploy --prod`) has the node
 * commands without the tools, and these commands then say so in one line.
 */
import { UsageError } from "./args.js";

export type DevnetModule = typeof import("@baton/devnet");

const DEVNET_PACKAGE = "@baton/devnet";

/** True if `e` says that the package itself cannot be found (not a module inside it). */
export function isMissingPackage(e: unknown, name: string): boolean {
  const err = e as { code?: string; message?: string } | null;
  return err?.code === "ERR_MODULE_NOT_FOUND" && typeof err.message === "string" && err.message.includes(`'${name}'`);
}

/** `@baton/devnet`, or a UsageError naming the command when it is not installed. */
export async function loadDevnet(command: string, load: () => Promise<DevnetModule> = () => import("@baton/devnet")): Promise<DevnetModule> {
  try {
    return await load();
  } catch (e) {
    if (!isMissingPackage(e, DEVNET_PACKAGE)) throw e;
    throw new UsageError(
      `${command} needs ${DEVNET_PACKAGE} (the devnet, chaos, bench and sim tools), which is not installed: ` +
        `it is a development dependency of @baton/cli; run it from the workspace after \`pnpm install\``,
    );
  }
}
