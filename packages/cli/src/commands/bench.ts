/** `baton bench`: runs @baton/devnet's benchmark, prints the table, writes the JSON (and markdown). */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { bool, int, list, str, UsageError, type CommandSpec, type FlagValues } from "../args.js";
import type { Command } from "../command.js";
import { loadDevnet } from "../devnetTools.js";
import { onStopSignal } from "../signals.js";

const PHASE_NAMES = ["ceilings", "core", "centralized", "baton", "sweep", "scale", "failover", "sync"] as const;

const spec: CommandSpec = {
  name: "bench",
  summary: "measure throughput, latency, failover, sync, memory and core scale on loopback; print a table, write JSON",
  flags: {
    quick: { type: "boolean", help: "a short run (about 75 s on 2 cores) that checks every phase still runs; its numbers mean nothing" },
    out: { type: "string", valueName: "file", help: "the JSON results", default: "reports/bench.json" },
    markdown: { type: "string", valueName: "file", help: "also write the machine and the table as markdown; in a file with <!-- bench:results --> markers (docs/performance.md) only that part is replaced" },
    only: { type: "string", valueName: "phase[,...]", help: `run only these phases: ${PHASE_NAMES.join(",")}` },
    "steady-load": { type: "string", valueName: "tx/s", help: "the steady load of the latency and equal-load CPU rows (default 1000; quick 200)" },
  },
  notes: [
    "Runs node processes on 127.0.0.1: API ports 17700-17799, p2p ports 19700-19799. A full run takes about 5-8 minutes;",
    "every load stops by itself. Numbers from a machine shared with other work are noisy: judge the ratios, which compare",
    "numbers measured in the same run. Exit code 0 when every phase ran (targets missed or not), 1 when a phase failed",
    "(or, with --quick, left a row unmeasured), 130 when stopped with Ctrl-C.",
  ],
};

export interface BenchFlags {
  quick: boolean;
  out: string;
  markdown: string | null;
  only: (typeof PHASE_NAMES)[number][] | undefined;
  steadyRate: number | undefined;
}

/** Pure: flags → options. */
export function benchOptionsFromFlags(values: FlagValues): BenchFlags {
  let only: BenchFlags["only"];
  if (values.only !== undefined) {
    only = list(values, "only").map((p) => {
      if (!(PHASE_NAMES as readonly string[]).includes(p)) throw new UsageError(`--only: unknown phase ${JSON.stringify(p)}; phases: ${PHASE_NAMES.join(", ")}`);
      return p as (typeof PHASE_NAMES)[number];
    });
  }
  return {
    quick: bool(values, "quick"),
    out: str(values, "out"),
    markdown: values.markdown === undefined ? null : str(values, "markdown"),
    only,
    steadyRate: values["steady-load"] === undefined ? undefined : int(values, "steady-load", 1, 100_000),
  };
}

export const benchCommand: Command = {
  spec,
  async run(values, io) {
    const opts = benchOptionsFromFlags(values);
    const { bench } = await loadDevnet("bench");
    const abort = new AbortController();
    const stop = onStopSignal(io);
    void stop.received.then(() => abort.abort());
    try {
      io.err(`baton bench${opts.quick ? " --quick (checks that every phase runs; the numbers mean nothing)" : ""}: ${bench.machineInfo().cpus} cores, Node ${process.versions.node}`);
      const report = await bench.runBench({ quick: opts.quick, only: opts.only, steadyRate: opts.steadyRate, log: io.err, signal: abort.signal });
      if (abort.signal.aborted) {
        io.err("baton bench: stopped; every node it started was stopped");
        return 130;
      }
      io.out("");
      io.out(bench.formatTable(report.rows));
      const t = bench.summarizeTargets(report.rows);
      io.out("");
      io.out(`targets: ${t.met} met, ${t.missed} missed, ${t.unjudged} not judged${opts.quick ? " (quick mode judges none)" : ""}`);
      for (const line of t.missedLines) io.out(`  missed: ${line}`);
      for (const e of report.errors) io.out(`  phase failed: ${e.phase}: ${e.error}`);
      await mkdir(dirname(opts.out), { recursive: true });
      await writeFile(opts.out, JSON.stringify(report, null, 2) + "\n");
      io.out(`results: ${opts.out}`);
      if (opts.markdown) {
        await mkdir(dirname(opts.markdown), { recursive: true });
        const doc = await readFile(opts.markdown, "utf8").catch(() => null);
        await writeFile(opts.markdown, bench.replaceResults(doc, bench.markdownReport(report)));
        io.out(`markdown: ${opts.markdown}`);
      }
      const unmeasured = report.rows.filter((r) => r.value === null);
      if (opts.quick) for (const r of unmeasured) io.err(`not measured: ${r.section}: ${r.metric}`);
      const code = report.errors.length > 0 || (opts.quick && unmeasured.length > 0) ? 1 : 0;
      // every node is stopped; don't let an idle keep-alive socket hold the process
      setTimeout(() => process.exit(code), 1_000).unref();
      return code;
    } finally {
      stop.dispose();
    }
  },
};
