/** `baton chaos`: flags → ChaosOptions for @baton/devnet's chaos runner; Ctrl-C tears down. */
import { int, oneOf, str, type CommandSpec, type FlagValues } from "../args.js";
import { chainFlag, chainInt } from "../chainFlags.js";
import type { Command } from "../command.js";
import { loadDevnet } from "../devnetTools.js";
import { onStopSignal } from "../signals.js";
import { LOG_LEVELS } from "./start.js";

const BACKENDS = ["processes", "netns", "docker"] as const;

const spec: CommandSpec = {
  name: "chaos",
  summary: "run a cluster under seeded faults and a tx load; check safety, no loss, liveness, agreement, no crash",
  flags: {
    backend: { type: "string", valueName: BACKENDS.join("|"), help: "where the nodes run", default: "processes" },
    duration: { type: "string", valueName: "s", help: "seconds of faults and load (from genesis); then it settles and checks", default: "120" },
    seed: { type: "string", valueName: "text", help: "the fault plan (and the cluster's keys) derive from it", default: "1" },
    faults: { type: "string", valueName: "list", help: "all, or some of kill,freeze,stop,cut,split,loss,outage,skew (as the backend allows)", default: "all" },
    load: { type: "string", valueName: "tx/s", help: "tx load across all nodes", default: "20" },
    nodes: { type: "string", valueName: "n", help: "sequencer nodes (docker: 4)", default: "4" },
    "slot-ms": chainFlag("slotMs", "slot length", "ms"),
    "slots-per-epoch": chainFlag("slotsPerEpoch", "slots per epoch (at least 2)"),
    "misses-to-eject": chainFlag("missesToEject", "consecutive misses that eject"),
    "settle-s": { type: "string", valueName: "s", help: "most seconds to wait for the cluster to settle after the faults", default: "120" },
    "report-dir": { type: "string", valueName: "dir", help: "a folder per run: report.json, timeline.svg, node logs", default: "reports" },
    "base-api-port": { type: "string", valueName: "port", help: "node i serves its API on base+i", default: "17500" },
    "base-p2p-port": { type: "string", valueName: "port", help: "node i listens for p2p on base+i", default: "19500" },
    "log-level": { type: "string", valueName: "level", help: "node log level", default: "info" },
  },
  notes: [
    "Backends: processes (loopback: kill, freeze, stop, outage, skew), netns (one test host per node via ../shared/ci/netns-hosts.sh,",
    "  root: all faults incl. cut, split, loss), docker (the docker-compose cluster; needs an engine: ../shared/ci/docker-up.sh; no skew).",
    "skew: a node restarted with its clock ahead or behind (--clock-offset-ms) by 0.6, 1.5 or 3 slots, then restarted right.",
    "outage: every node killed at once for longer than the chain's rules take to eject and leak every sequencer to exit,",
    "  then all restarted; once per run, alone, when --duration has room for it (\"all\" leaves it out otherwise).",
    "Exit code 0 if every invariant held, 1 if one was violated, 2 on a usage error. Ctrl-C stops and tears down.",
  ],
};

export function chaosOptionsFromFlags(values: FlagValues) {
  const nodes = int(values, "nodes", 2, 16);
  return {
    backend: oneOf(values, "backend", BACKENDS),
    durationMs: int(values, "duration", 10, 24 * 3600) * 1000,
    seed: str(values, "seed"),
    faults: str(values, "faults"),
    loadRate: int(values, "load", 0, 10_000),
    nodes,
    // the ranges genesis validation (and baton devnet) accept; chaos keeps its floor of 2 slots per epoch
    slotMs: chainInt(values, "slot-ms", "slotMs"),
    slotsPerEpoch: chainInt(values, "slots-per-epoch", "slotsPerEpoch", { min: 2 }),
    missesToEject: chainInt(values, "misses-to-eject", "missesToEject"),
    settleMs: int(values, "settle-s", 5, 3600) * 1000,
    reportDir: str(values, "report-dir"),
    baseApiPort: int(values, "base-api-port", 1, 65535 - nodes),
    baseP2pPort: int(values, "base-p2p-port", 1, 65535 - nodes),
    logLevel: oneOf(values, "log-level", LOG_LEVELS),
  };
}

export const chaosCommand: Command = {
  spec,
  async run(values, io) {
    const opts = chaosOptionsFromFlags(values);
    const { chaos } = await loadDevnet("chaos");
    const abort = new AbortController();
    const stop = onStopSignal(io);
    void stop.received.then(() => abort.abort());
    try {
      const report = await chaos.runChaos({ ...opts, backend: opts.backend as (typeof chaos.BACKEND_NAMES)[number], log: io.err, signal: abort.signal });
      io.out(chaos.formatTable(report));
      return report.ok ? 0 : 1;
    } catch (e) {
      if (e instanceof chaos.PlanError) {
        io.err(`baton: ${e.message}`);
        return 2;
      }
      if (abort.signal.aborted) {
        io.err("baton chaos: stopped; cluster torn down");
        return 130;
      }
      io.err(`baton: ${(e as Error).stack ?? e}`);
      return 1;
    } finally {
      stop.dispose();
    }
  },
};
