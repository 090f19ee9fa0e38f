#!/usr/bin/env node
/**
 * The `baton` command: `pnpm build`, then `node packages/cli/dist/bin.js <command>` (`pnpm baton`
 * does both). From source: `node --conditions=source --import tsx packages/cli/src/bin.ts`.
 * The polyfill must be the first import (libp2p 3 needs Promise.withResolvers; Node 20 lacks it).
 */
import "@baton/node/polyfill";
import { ApiError, ApiUnreachableError } from "@baton/client";
import { processIo } from "./command.js";
import { main } from "./main.js";

main(process.argv.slice(2), processIo).then(
  (code) => {
    process.exitCode = code;
    // A long-running command (start, devnet) has closed everything it opened; don't let a
    // stray handle (a keep-alive socket) hold the process.
    if (code !== 0 || ["start", "devnet"].includes(process.argv[2] ?? "")) setTimeout(() => process.exit(code), 200).unref();
  },
  (e: unknown) => {
    if (e instanceof ApiError || e instanceof ApiUnreachableError) {
      process.stderr.write(`baton: ${e.message}\n`);
    } else {
      process.stderr.write(`baton: ${(e as Error)?.stack ?? String(e)}\n`);
    }
    process.exit(1);
  },
);
