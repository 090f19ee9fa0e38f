/**
 * `runChaos(opts)`: a cluster on one backend, a steady tx load, faults from a seeded plan;
 * then every fault healed, the load stopped, the cluster given time to settle, and the five
 * invariants checked (seven after an outage: outageWatch.ts reads the records around it,
 * outageChecks.ts judges). Writes the JSON report and the SVG timeline; always tears down.
 * The phases are in phases.ts, the judging and the files in verdict.ts.
 */
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { BackendName, type ChaosBackend } from "./backend.js";
import { fitPlanToGenesis, logPlan, makeChaosPlan, resolveChaosOptions, type ChaosOptions, type ResolvedChaosOptions } from "./options.js";
import { endFaults, readFinalRecords, runFaultPhase, settle, startCluster, startWatching, type ChaosResources, type ChaosSetup } from "./phases.js";
import { formatTable, type ChaosReport } from "./report.js";
import { chaosReport, judgeRun, writeReportFiles } from "./verdict.js";

export { defaultChaosOptions, type ChaosOptions } from "./options.js";

export async function createBackend(name: BackendName): Promise<ChaosBackend> {
  switch (name) {
    case BackendName.processes:
      return new (await import("./backends/processes.js")).ProcessesBackend();
    case BackendName.netns:
      return new (await import("./backends/netns.js")).NetnsBackend();
    case BackendName.docker:
      return new (await import("./backends/docker.js")).DockerBackend();
  }
}

export async function runChaos(chaosOptions: ChaosOptions): Promise<ChaosReport> {
  const options = resolveChaosOptions(chaosOptions);
  const log = options.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const backend = await createBackend(options.backend);
  const plan = makeChaosPlan(options, backend);
  const startedAt = new Date();
  const runDir = runDirOf(options, startedAt);
  await mkdir(runDir, { recursive: true });
  log(`chaos: backend ${options.backend}, seed ${JSON.stringify(options.seed)}, ${options.durationMs / 1000} s, ${options.nodes} nodes, load ${options.loadRate} tx/s; files in ${runDir}`);
  logPlan(plan.faults, log, options.slotMs);
  if (plan.outageNote) log(`  ${plan.outageNote}`);

  const setup: ChaosSetup = { options, log, backend, runDir, startedAt };
  const resources: ChaosResources = { load: null, observer: null };
  try {
    const cluster = await startCluster(setup);
    fitPlanToGenesis(plan, options, cluster.info.genesis, log);
    const run = await startWatching(setup, cluster, resources);
    await runFaultPhase(run, plan.faults);
    await endFaults(run);
    const end = await readFinalRecords(run, await settle(run));
    const verdict = judgeRun(run, end);
    const report = chaosReport(run, verdict);
    await writeReportFiles(run, verdict, report);
    return report;
  } finally {
    await resources.load?.stop().catch(() => undefined);
    await resources.observer?.stop().catch(() => undefined);
    log("tearing down the cluster");
    await backend.stop().catch((error: Error) => log(`teardown: ${error.message}`));
  }
}

/** reports/chaos-<backend>-seed<seed>-<start time>: one directory per run. */
function runDirOf(options: ResolvedChaosOptions, startedAt: Date): string {
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
  return resolve(options.reportDir, `chaos-${options.backend}-seed${options.seed.replace(/[^A-Za-z0-9_-]/g, "_")}-${stamp}`);
}

export { formatTable };
