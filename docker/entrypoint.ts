/**
 * The image's entry point (exec form, PID 1): `init`, `node [i]`, `load` (see cluster.ts),
 * or any `baton` command. SIGTERM stops a node cleanly (node.close()) in well under a second.
 */
import "@baton/node/polyfill";
import { main, onStopSignal, processIo } from "@baton/cli";
import { prepareNode, runInit, runLoad, settingsFromEnv } from "./cluster.js";

async function run(argv: string[]): Promise<number> {
  const [role, ...rest] = argv;
  const log = (l: string) => processIo.err(l);
  if (role === "init") return runInit(settingsFromEnv(process.env), log);
  if (role === "node") {
    const env = rest[0] ? { ...process.env, BATON_NODE: rest[0] } : process.env;
    const args = await prepareNode(settingsFromEnv(env), log);
    return main(args, processIo);
  }
  if (role === "load") {
    const stop = onStopSignal(processIo);
    return runLoad(settingsFromEnv(process.env), log, stop.received);
  }
  return main(argv, processIo);
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // a keep-alive socket must not hold PID 1 after a clean stop
    setTimeout(() => process.exit(code), 200).unref();
  },
  (e: unknown) => {
    process.stderr.write(`baton: ${(e as Error)?.message ?? String(e)}\n`);
    process.exit(1);
  },
);
