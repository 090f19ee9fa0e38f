/**
 * `baton bench`: every phase in order, each bounded in time, with progress lines; then the
 * rows of the results table (each with the ratio it is judged by and, where the issue sets
 * one, its target). A phase that fails is reported and the others still run.
 */
import { availableParallelism, cpus, platform, release, totalmem } from "node:os";
import { devnetPreset, getBlsBackend, sha256 } from "@baton/core";
import { deriveLoadAccounts, defaultDevnetParams } from "../generate.js";
import { measureGossip, measureLevelWrites, measureVerify } from "./ceilings.js";
import { runClusterPhase } from "./cluster.js";
import type { ClusterPhaseResult } from "./clusterTypes.js";
import { measureCoreScale } from "./coreScale.js";
import { benchPlan, type BenchPlan } from "./plan.js";
import type { BenchReport, MachineInfo } from "./report.js";
import { runSyncPhase } from "./sync.js";
import { benchRows, type BenchResults } from "./rows.js";
import { TxPool } from "./txPool.js";

export { benchRows, type BenchResults } from "./rows.js";
export { benchPlan, type BenchPlan } from "./plan.js";

export const PHASES = ["ceilings", "core", "centralized", "baton", "sweep", "scale", "failover", "sync"] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchOptions {
  quick: boolean;
  /** phases to run (default all) */
  only?: Phase[];
  /** tx/s of the steady load (latency, CPU at equal load) */
  steadyRate?: number;
  log: (line: string) => void;
  /** Ctrl-C: the running phase tears its nodes down and the bench stops */
  signal?: AbortSignal;
}

/** Ports of each phase: API 17700-17799, p2p 19700-19799 (the bench's ranges). */
const PORTS = {
  gossip: [19790, 19791] as [number, number],
  centralized: { baseApiPort: 17700, baseP2pPort: 19700 },
  baton: { baseApiPort: 17710, baseP2pPort: 19710 },
  sweep: { baseApiPort: 17720, baseP2pPort: 19720 },
  failover: { baseApiPort: 17740, baseP2pPort: 19740 },
  sync: { baseApiPort: 17760, baseP2pPort: 19760 },
  // up to 16 nodes: API 17771-17786 (metrics +1000), p2p 19771-19786 (the gossip ceiling uses 19790-19791)
  scale: { baseApiPort: 17770, baseP2pPort: 19770 },
};

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    cpus: availableParallelism(),
    cpuModel: c[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.versions.node,
    blsBackend: getBlsBackend().name,
  };
}

/** What every phase of one bench run shares: what was asked, the plan, what was measured so far. */
interface BenchRun {
  options: BenchOptions;
  plan: BenchPlan;
  results: BenchResults;
  errors: { phase: string; error: string }[];
  /** ed25519 verify/s of one core, sampled before every phase (see sampleVerify) */
  verifySamples: number[];
  /** the same for a tx's check (signing root + ed25519): the ceiling the rows use */
  txVerifySamples: number[];
  /** the devnet seed of every cluster: the pool's accounts are its load accounts */
  seed: Uint8Array;
  /** the txs every cluster phase submits, signed before any node runs; null until then */
  pool: TxPool | null;
}

/** One cluster phase as the bench runs it: the cluster, its ports, and which of its measurements to make. */
interface ClusterRun {
  name: string;
  nodes: number;
  slotMs: number;
  ports: { baseApiPort: number; baseP2pPort: number };
  max?: boolean;
  steady?: boolean;
  failover?: boolean;
  /** run the steady load at most at 0.6 of the max just measured */
  capSteady?: boolean;
  /** the window at rest and then the small steady load of the cost-growth rows */
  scale?: boolean;
}

const CLUSTER_PHASES: Phase[] = ["centralized", "baton", "sweep", "scale", "failover", "sync"];

const wants = (run: BenchRun, phase: Phase): boolean => !run.options.only || run.options.only.includes(phase);

export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const started = Date.now();
  const run: BenchRun = {
    options: opts,
    plan: benchPlan(opts.quick, opts.steadyRate),
    results: {},
    errors: [],
    verifySamples: [],
    txVerifySamples: [],
    seed: sha256(new TextEncoder().encode("baton bench seed")),
    pool: null,
  };
  if (wants(run, "ceilings")) await runPhase(run, "ceilings", () => measureCeilings(run));
  if (wants(run, "core")) await runPhase(run, "core scale", async () => measureCore(run));
  if (CLUSTER_PHASES.some((phase) => wants(run, phase))) await runPhase(run, "sign txs", async () => signPool(run));
  if (run.pool !== null) await runClusterPhases(run, run.pool);
  sampleVerify(run);
  return finishReport(run, started);
}

/**
 * The verify ceiling is sampled again before every phase: other work on the machine only
 * lowers it, so the highest sample is the best estimate of what a core can do.
 */
function sampleVerify(run: BenchRun): void {
  if (!wants(run, "ceilings")) return;
  const results = run.results;
  const sample = measureVerify(Math.min(300, run.plan.ceilingMs));
  run.verifySamples.push(sample.ed25519PerSecond);
  run.txVerifySamples.push(sample.txVerifyPerSecond);
  if (results.verify) {
    results.verify = {
      ed25519PerSecond: Math.max(sample.ed25519PerSecond, results.verify.ed25519PerSecond),
      txVerifyPerSecond: Math.max(sample.txVerifyPerSecond, results.verify.txVerifyPerSecond),
    };
  }
}

/** One phase, timed and logged; its failure is recorded and the bench goes on. Skipped once aborted. */
async function runPhase(run: BenchRun, name: string, body: () => Promise<void>): Promise<void> {
  const log = run.options.log;
  if (run.options.signal?.aborted) return;
  if (run.results.verify) sampleVerify(run);
  const startedAt = Date.now();
  log(`[${name}] ${new Date().toISOString().slice(11, 19)} start`);
  try {
    await body();
    log(`[${name}] done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  } catch (error) {
    const message = (error as Error).message;
    run.errors.push({ phase: name, error: message });
    log(`[${name}] FAILED: ${message}`);
  }
}

/** What one core verifies, what level writes, what gossipsub carries between two node processes. */
async function measureCeilings(run: BenchRun): Promise<void> {
  const { plan, results } = run;
  const log = run.options.log;
  results.verify = measureVerify(plan.ceilingMs);
  log(`  ed25519 verify ${Math.round(results.verify.ed25519PerSecond)}/s/core; tx verify (signing root + ed25519) ${Math.round(results.verify.txVerifyPerSecond)}/s/core`);
  results.levelPutsPerSecond = await measureLevelWrites(plan.ceilingMs);
  log(`  level: ${Math.round(results.levelPutsPerSecond)} batched puts/s`);
  results.gossip = await measureGossip(plan.gossipMs, PORTS.gossip);
  log(`  gossipsub: ${Math.round(results.gossip.msgsPerSecond)} msgs/s between two node processes`);
}

/** The core's schedule and batch costs by number of sequencers. */
function measureCore(run: BenchRun): void {
  const { plan, results } = run;
  results.core = measureCoreScale(plan.coreSizes, { txs: plan.coreTxs, runs: run.options.quick ? 2 : undefined });
  for (const point of results.core) {
    run.options.log(
      `  ${point.sequencers} sequencers: schedule ${point.scheduleMs.toFixed(2)} ms, apply ${point.txs} txs ${point.applyBatchMs.toFixed(1)} ms (${point.applyBatchVerifyingMs.toFixed(1)} ms verifying every signature)`,
    );
  }
}

/** Every tx the cluster phases will submit, signed up front. */
function signPool(run: BenchRun): void {
  const { plan } = run;
  const log = run.options.log;
  const startedAt = Date.now();
  const accounts = deriveLoadAccounts(run.seed, plan.poolAccounts);
  let lastLog = Date.now();
  const pool = TxPool.create(defaultDevnetParams.chainId, accounts, plan.poolPerAccount, (done) => {
    if (Date.now() - lastLog > 2_000) {
      lastLog = Date.now();
      log(`  signed ${Math.round(done * 100)}%`);
    }
  });
  run.pool = pool;
  log(`  ${pool.size} txs from ${plan.poolAccounts} accounts signed in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (before any node runs, so no load-generator signing competes with the nodes)`);
}

/**
 * The centralized baseline, the baton cluster, the sweep, the cost-growth clusters not run as
 * one of those, the failovers not run with the baton cluster, and sync.
 */
async function runClusterPhases(run: BenchRun, pool: TxPool): Promise<void> {
  const { plan, results } = run;
  // the cost-growth windows ride on the baton and sweep clusters of the same size
  const scaleHere = (nodes: number) => wants(run, "scale") && plan.scale.nodes.includes(nodes);
  if (wants(run, "centralized")) {
    await runPhase(run, "centralized: 1 node, every slot its own", async () => {
      results.centralized = await runCluster(run, pool, { name: "centralized", nodes: 1, slotMs: 250, ports: PORTS.centralized, max: true, steady: true });
    });
  }
  if (wants(run, "baton")) {
    const failover250 = wants(run, "failover") && plan.failoverSlotMs.includes(250);
    await runPhase(run, `baton: ${plan.batonNodes} sequencers`, async () => {
      const nodes = plan.batonNodes;
      results.baton = await runCluster(run, pool, { name: `baton-${nodes}`, nodes, slotMs: 250, ports: PORTS.baton, max: true, steady: true, failover: failover250, scale: scaleHere(nodes) });
      if (results.baton.failover) (results.failover ??= []).push(results.baton);
    });
  }
  if (wants(run, "sweep")) {
    for (const nodes of plan.sweepNodes) {
      await runPhase(run, `sweep: ${nodes} sequencers`, async () => {
        (results.sweep ??= []).push(await runCluster(run, pool, { name: `baton-${nodes}`, nodes, slotMs: 250, ports: PORTS.sweep, max: true, steady: true, capSteady: true, scale: scaleHere(nodes) }));
      });
    }
  }
  if (wants(run, "scale")) {
    const ridden = (nodes: number) => (wants(run, "baton") && nodes === plan.batonNodes) || (wants(run, "sweep") && plan.sweepNodes.includes(nodes));
    for (const nodes of plan.scale.nodes.filter((count) => !ridden(count))) {
      await runPhase(run, `scale: ${nodes} sequencers at rest and at ${plan.scale.rate} tx/s`, async () => {
        (results.scale ??= []).push(await runCluster(run, pool, { name: `scale-${nodes}`, nodes, slotMs: 250, ports: PORTS.scale, scale: true }));
      });
    }
  }
  if (wants(run, "failover")) {
    // slot 250 ms ran inside the baton phase when that phase ran; the others here
    for (const slotMs of plan.failoverSlotMs.filter((slot) => slot !== 250 || !wants(run, "baton"))) {
      await runPhase(run, `failover: slot ${slotMs} ms`, async () => {
        (results.failover ??= []).push(await runCluster(run, pool, { name: `failover-${slotMs}`, nodes: plan.batonNodes, slotMs, ports: PORTS.failover, failover: true }));
      });
    }
  }
  if (wants(run, "sync")) await runPhase(run, `sync: ${plan.sync.light + plan.sync.full} batches`, () => measureSync(run, pool));
}

/** One cluster phase with the plan's sizes for the measurements asked for. */
function runCluster(run: BenchRun, pool: TxPool, cluster: ClusterRun): Promise<ClusterPhaseResult> {
  const { plan } = run;
  return runClusterPhase({
    name: cluster.name,
    nodes: cluster.nodes,
    slotMs: cluster.slotMs,
    slotsPerEpoch: devnetPreset.slotsPerEpoch,
    missesToEject: devnetPreset.missesToEject,
    ...cluster.ports,
    seed: run.seed,
    loadAccounts: plan.poolAccounts,
    pool,
    signal: run.options.signal,
    idleMs: cluster.max || cluster.scale ? plan.idleMs : undefined,
    idleSettleMs: plan.idleSettleMs,
    scale: cluster.scale ? { rate: plan.scale.rate, warmupMs: plan.scale.warmupMs, windowMs: plan.scale.windowMs } : undefined,
    max: cluster.max ? { ...plan.maxLoad, backlog: plan.maxLoad.backlog ?? backlogFor(run, cluster.nodes) } : undefined,
    steady: cluster.steady ? { ...plan.steady, capAtMaxFraction: cluster.capSteady ? 0.6 : undefined } : undefined,
    failover: cluster.failover ? { rate: plan.steady.rate, timeoutMs: plan.failoverTimeoutMs } : undefined,
    log: run.options.log,
  });
}

/**
 * The max-load window keeps this many txs submitted and not yet included: enough to fill
 * batches, not so many that the nodes only queue (0.4 s of the verify capacity per node).
 */
function backlogFor(run: BenchRun, nodes: number): number {
  const verify = run.results.verify?.ed25519PerSecond ?? 9_000;
  return Math.round(Math.min(4_000, Math.max(1_000, (0.4 * availableParallelism() * verify) / nodes)) / 100) * 100;
}

/** A fresh node syncing a chain of light and full batches. */
async function measureSync(run: BenchRun, pool: TxPool): Promise<void> {
  const { plan, results } = run;
  const log = run.options.log;
  results.sync = await runSyncPhase({ ...plan.sync, slotMs: 250, ...PORTS.sync, seed: run.seed, loadAccounts: plan.poolAccounts, pool, log, signal: run.options.signal });
  log(
    `  light: ${Math.round(results.sync.lightBatchesPerSecond ?? 0)} batches/s; full: ${(results.sync.fullBatchesPerSecond ?? 0).toFixed(1)} batches/s = ${Math.round(results.sync.fullTxPerSecond ?? 0)} tx/s`,
  );
}

/** The rows and the report; quick mode only checks that every phase runs, so its targets judge nothing. */
function finishReport(run: BenchRun, started: number): BenchReport {
  const { options, verifySamples, txVerifySamples } = run;
  if (verifySamples.length > 0) {
    options.log(
      `  per core, sampled before each phase: ed25519 verify/s ${verifySamples.map((sample) => Math.round(sample)).join(", ")}; ` +
        `tx verify (signing root + ed25519)/s ${txVerifySamples.map((sample) => Math.round(sample)).join(", ")} (the highest of each is its ceiling)`,
    );
  }
  const rows = benchRows(run.results, availableParallelism());
  if (options.quick) for (const row of rows) if (row.target) row.target = { ...row.target, met: null };
  return {
    version: 1,
    mode: options.quick ? "quick" : "full",
    startedAt: new Date(started).toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    machine: machineInfo(),
    rows,
    details: { plan: run.plan, verifySamples, txVerifySamples, ...run.results },
    errors: run.errors,
  };
}
