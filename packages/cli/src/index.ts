/**
 * @packageDocumentation
 * `@baton/cli`: the `baton` command. `src/bin.ts` is the program (compiled by `pnpm build`:
 * `node packages/cli/dist/bin.js <command>`); this index is for programs that run `baton` commands in
 * their own process, like the docker image's entry point (docker/entrypoint.ts).
 *
 * @example
 * ```ts
 * import "@baton/node/polyfill";
 * import { main, processIo } from "@baton/cli";
 * process.exitCode = await main(["status", "--api", "http://127.0.0.1:7001"], processIo);
 * ```
 */
export { main, topHelp, resolveCommand, COMMANDS } from "./main.js";
export { processIo, type Command, type Io } from "./command.js";
export { onStopSignal, type StopSignal } from "./signals.js";
export { UsageError, USAGE_EXIT_CODE, type CommandSpec, type FlagSpec, type FlagValues } from "./args.js";
