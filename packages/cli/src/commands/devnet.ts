/** `baton devnet`: flags → DevnetOptions for @baton/devnet's launcher, plus Ctrl-C handling. */
import { devnetPreset, MECHANISM_NAMES } from "@baton/core";
import { bool, int, oneOf, str, UsageError, type CommandSpec, type FlagValues } from "../args.js";
import { chainFlag, chainInt } from "../chainFlags.js";
import type { Command } from "../command.js";
import { loadDevnet } from "../devnetTools.js";
import { onStopSignal } from "../signals.js";
import { LOG_LEVELS } from "./start.js";

const spec: CommandSpec = {
  name: "devnet",
  summary: "run a local N-node cluster on 127.0.0.1 (keys, genesis, nodes, optional tx load)",
  flags: {
    nodes: { type: "string", valueName: "n", help: "sequencer nodes", default: "4" },
    "slot-ms": chainFlag("slotMs", "slot length (new devnets only)", "ms"),
    "slots-per-epoch": chainFlag("slotsPerEpoch", "slots per epoch (new devnets only)"),
    "misses-to-eject": chainFlag("missesToEject", "consecutive misses that eject (new devnets only)"),
    load: { type: "string", valueName: "tx/s", help: "tx load across all nodes (0 = none)", default: "0" },
    dir: { type: "string", valueName: "dir", help: "devnet directory (reused on restart)", default: "./.devnet" },
    fresh: { type: "boolean", help: "delete the directory's devnet and make a new one" },
    "base-api-port": { type: "string", valueName: "port", help: "node i serves its API on base+i, its metrics on base+1000+i", default: "7000" },
    "base-p2p-port": { type: "string", valueName: "port", help: "node i listens for p2p on base+i", default: "9000" },
    "log-level": { type: "string", valueName: "level", help: "node log level; logs in <dir>/node<i>/node.log", default: "info" },
    mechanism: { type: "string", valueName: MECHANISM_NAMES.join("|"), help: `leader selection mechanism (new devnets only) [default: ${devnetPreset.mechanism}]` },
    "mechanism-params": { type: "string", valueName: "json", help: 'its genesis mechanismParams, e.g. \'{"winners":2}\' (new devnets only)' },
  },
  notes: ["Ctrl-C stops the load and every node (SIGTERM, SIGKILL after 5 s)."],
};

/** Pure: flags → the launcher's options. */
export function devnetOptionsFromFlags(values: FlagValues) {
  const nodes = int(values, "nodes", 1, 64);
  return {
    nodes,
    slotMs: chainInt(values, "slot-ms", "slotMs"),
    slotsPerEpoch: chainInt(values, "slots-per-epoch", "slotsPerEpoch"),
    missesToEject: chainInt(values, "misses-to-eject", "missesToEject"),
    load: int(values, "load", 0, 100_000),
    dir: str(values, "dir"),
    fresh: bool(values, "fresh"),
    baseApiPort: int(values, "base-api-port", 1, 65535 - nodes),
    baseP2pPort: int(values, "base-p2p-port", 1, 65535 - nodes),
    logLevel: oneOf(values, "log-level", LOG_LEVELS),
    ...(values.mechanism !== undefined ? { mechanism: oneOf(values, "mechanism", MECHANISM_NAMES) } : {}),
    ...(values["mechanism-params"] !== undefined ? { mechanismParams: jsonFlag(values, "mechanism-params") } : {}),
  };
}

function jsonFlag(values: FlagValues, name: string): unknown {
  try {
    return JSON.parse(str(values, name)) as unknown;
  } catch {
    throw new UsageError(`--${name}: expected a JSON object, got ${JSON.stringify(values[name])}`);
  }
}

export const devnetCommand: Command = {
  spec,
  async run(values, io) {
    const opts = devnetOptionsFromFlags(values);
    const stop = onStopSignal(io);
    const { startDevnet, startStatusReporter, DevnetError, STATUS_LEGEND } = await loadDevnet("devnet");
    let devnet;
    try {
      devnet = await startDevnet({ ...opts, log: io.err });
    } catch (e) {
      if (e instanceof DevnetError) {
        io.err(`baton: ${e.message}`);
        return 1;
      }
      if (e instanceof Error && e.name === "ConfigError") throw new UsageError(`--mechanism-params: ${e.message}`);
      throw e;
    }
    const g = devnet.genesis.config;
    io.out(`devnet ${devnet.created ? "created" : "reused"}: ${devnet.dir} (chain ${g.chainId}, ${g.mechanism}, slot ${g.slotMs} ms, ${g.slotsPerEpoch} slots/epoch)`);
    const toGenesis = g.genesisTime - io.now();
    io.out(toGenesis > 0 ? `genesis in ${(toGenesis / 1000).toFixed(1)} s` : `genesis was ${new Date(g.genesisTime).toISOString()}`);
    for (const n of devnet.nodes) io.out(`node${n.index}  api ${n.apiUrl}  p2p ${n.listenAddr}  log ${n.logFile}`);
    if (opts.load > 0) io.out(`load: ${opts.load} tx/s round-robin across the nodes`);
    io.out(STATUS_LEGEND);
    const reporter = startStatusReporter(devnet, io.out);
    await stop.received;
    reporter.stop();
    await devnet.stop();
    if (devnet.load) {
      const s = devnet.load.stats;
      io.out(`load: sent ${s.sent}, acknowledged ${s.acknowledged}, refused ${s.refused}, no answer ${s.failed}`);
    }
    io.err("devnet stopped");
    return 0;
  },
};
