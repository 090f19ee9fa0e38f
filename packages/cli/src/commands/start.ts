/** `baton start`: one node. Flags become NodeOptions; SIGTERM/SIGINT close it cleanly. */
import { resolve } from "node:path";
import { bytesEqual, toHex, type BlsKeypair, type Genesis } from "@baton/core";
import type { NodeOptions } from "@baton/node";
import { checkMultiaddr, int, list, oneOf, str, type CommandSpec, type FlagValues } from "../args.js";
import type { Command, Io } from "../command.js";
import { readGenesisFile } from "../genesisFile.js";
import { keyFileTooOpen, loadKeyFile, type KeyFile } from "../keys.js";
import { onStopSignal } from "../signals.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const spec: CommandSpec = {
  name: "start",
  summary: "run a node (a sequencer if --key holds a sequencer key, else a full node)",
  flags: {
    genesis: { type: "string", valueName: "file", help: "genesis JSON file", required: true },
    key: { type: "string", valueName: "file|none", help: "key file (baton keys new), or none for a non-sequencing node", required: true },
    "data-dir": { type: "string", valueName: "dir", help: "chain store, p2p identity (p2p.key), slashing protection", required: true },
    listen: { type: "string", valueName: "multiaddr[,...]", help: "p2p listen addresses", default: "/ip4/127.0.0.1/tcp/9001" },
    bootstrap: { type: "string", valueName: "multiaddr[,...]", help: "peers to dial, each with /p2p/<peerId>", default: "" },
    "api-port": { type: "string", valueName: "port", help: "HTTP API port (0 = any free port)", default: "7001" },
    "api-host": { type: "string", valueName: "host", help: "HTTP API bind address", default: "127.0.0.1" },
    "mempool-size": { type: "string", valueName: "n", help: "most txs held in the mempool", default: "50000" },
    "log-level": { type: "string", valueName: "level", help: `${LOG_LEVELS.join("|")} (pino JSON lines on stdout)`, default: "info" },
  },
  notes: ["SIGTERM or SIGINT stops the node cleanly; a second signal exits at once."],
};

/** Pure: flags (plus the loaded genesis and key) → NodeOptions. */
export function nodeOptionsFromFlags(values: FlagValues, genesis: Genesis, sequencerKey: BlsKeypair | null): NodeOptions {
  return {
    genesis,
    dataDir: resolve(str(values, "data-dir")),
    sequencerKey,
    p2p: {
      listenAddrs: list(values, "listen").map((a) => checkMultiaddr("listen", a, false)),
      bootstrap: list(values, "bootstrap").map((a) => checkMultiaddr("bootstrap", a, true)),
    },
    api: { host: str(values, "api-host"), port: int(values, "api-port", 0, 65535), enabled: true },
    mempool: { maxSize: int(values, "mempool-size", 1) },
    logLevel: oneOf(values, "log-level", LOG_LEVELS),
  };
}

async function loadKeys(values: FlagValues, genesis: Genesis, io: Io): Promise<KeyFile | null> {
  const keyArg = str(values, "key");
  if (keyArg === "none") return null;
  const keys = await loadKeyFile(keyArg);
  if (await keyFileTooOpen(keyArg)) io.err(`warning: key file ${keyArg} is readable by other users; chmod 600 it`);
  if (!genesis.sequencers.some((s) => bytesEqual(s.pubkey, keys.bls.publicKey))) {
    io.err(`note: ${toHex(keys.bls.publicKey).slice(0, 18)}… is not a genesis sequencer; it leads once a stake tx makes it one`);
  }
  return keys;
}

export const startCommand: Command = {
  spec,
  async run(values, io) {
    const genesis = await readGenesisFile(str(values, "genesis"));
    const keys = await loadKeys(values, genesis, io);
    const opts = nodeOptionsFromFlags(values, genesis, keys?.bls ?? null);
    const stop = onStopSignal(io);
    // Loaded here, not at the top: the other subcommands need no libp2p.
    const { createNode } = await import("@baton/node");
    // The account key lets the node send its own rejoin tx after an ejection.
    const node = await createNode({ ...opts, accountKey: keys?.ed25519 ?? null });
    io.out(`peer id: ${node.peerId}`);
    for (const addr of node.multiaddrs) io.out(`listening: ${addr}`);
    if (node.apiPort !== null) io.out(`api: http://${opts.api.host}:${node.apiPort}`);
    await stop.received;
    await node.close();
    io.err("node stopped");
    return 0;
  },
};
