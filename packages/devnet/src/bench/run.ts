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
import { measureCoreScale } from "./coreScale.js";
import type { BenchReport, MachineInfo } from "./report.js";
import { runSyncPhase } from "./sync.js";
import { benchRows, type BenchResults } from "./rows.js";
import { TxPool } from "./txPool.js";

export { benchRows, type BenchResults } from "./rows.js";

export const PHASES = ["ceilings", "core", "centralized", "baton", "sweep", "failover", "sync"] as const;
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

/** Sizes of every phase; the quick mode only checks that each phase runs. */
export interface BenchPlan {
  ceilingMs: number;
  gossipMs: number;
  coreSizes: number[];
  coreTxs: number;
  poolAccounts: number;
  poolPerAccount: number;
  /** backlog: most txs kept submitted but not included; null = 0.4 s of the cluster's verify capacity (cores × verify ÷ nodes), 1,000 to 4,000 */
  maxLoad: { warmupMs: number; windowMs: number; backlog: number | null };
  /** a window with no load before the max load: the nodes' cost at rest */
  idleMs: number;
  steady: { rate: number; warmupMs: number; windowMs: number; tailMs: number };
  batonNodes: number;
  sweepNodes: number[];
  failoverSlotMs: number[];
  failoverTimeoutMs: number;
  sync: { light: number; lightTxs: number; full: number; fullTxs: number; timeoutMs: number };
}

export function benchPlan(quick: boolean, steadyRate?: number): BenchPlan {
  if (quick) {
    return {
      ceilingMs: 300,
      gossipMs: 1_000,
      coreSizes: [10, 100],
      coreTxs: 200,
      poolAccounts: 50,
      poolPerAccount: 400,
      maxLoad: { warmupMs: 1_000, windowMs: 2_000, backlog: 1_000 },
      idleMs: 1_000,
      steady: { rate: steadyRate ?? 200, warmupMs: 500, windowMs: 2_000, tailMs: 800 },
      batonNodes: 3,
      sweepNodes: [],
      failoverSlotMs: [250],
      failoverTimeoutMs: 10_000,
      sync: { light: 300, lightTxs: 1, full: 10, fullTxs: 200, timeoutMs: 30_000 },
    };
  }
  return {
    ceilingMs: 1_500,
    gossipMs: 4_000,
    coreSizes: [10, 100, 1_000, 10_000],
    coreTxs: 1_000,
    poolAccounts: 200,
    poolPerAccount: 600,
    maxLoad: { warmupMs: 3_000, windowMs: 8_000, backlog: null },
    idleMs: 4_000,
    steady: { rate: steadyRate ?? 1_000, warmupMs: 2_000, windowMs: 8_000, tailMs: 1_500 },
    batonNodes: 4,
    sweepNodes: [8],
    failoverSlotMs: [250, 1_000],
    failoverTimeoutMs: 30_000,
    sync: { light: 10_000, lightTxs: 1, full: 30, fullTxs: 1_000, timeoutMs: 120_000 },
  };
}

/** Ports of each phase: API 17700-17799, p2p 19700-19799 (the bench's ranges). */
const PORTS = {
  gossip: [19790, 19791] as [number, number],
  centralized: { baseApiPort: 17700, baseP2pPort: 19700 },
  baton: { baseApiPort: 17710, baseP2pPort: 19710 },
  sweep: { baseApiPort: 17720, baseP2pPort: 19720 },
  failover: { baseApiPort: 17740, baseP2pPort: 19740 },
  sync: { baseApiPort: 17760, baseP2pPort: 19760 },
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


export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const started = Date.now();
  const plan = benchPlan(opts.quick, opts.steadyRate);
  const want = (p: Phase) => !opts.only || opts.only.includes(p);
  const log = opts.log;
  const r: BenchResults = {};
  const errors: { phase: string; error: string }[] = [];
  /**
   * The verify ceiling is sampled again before every phase: other work on the machine only
   * lowers it, so the highest sample is the best estimate of what a core can do.
   */
  const verifySamples: number[] = [];
  const sampleVerify = () => {
    if (!want("ceilings")) return;
    const v = measureVerify(Math.min(300, plan.ceilingMs));
    verifySamples.push(v.ed25519PerSecond);
    if (r.verify && v.ed25519PerSecond > r.verify.ed25519PerSecond) r.verify = { ...v, txVerifyPerSecond: Math.max(v.txVerifyPerSecond, r.verify.txVerifyPerSecond) };
  };
  const phase = async (name: string, fn: () => Promise<void>) => {
    if (opts.signal?.aborted) return;
    if (r.verify) sampleVerify();
    const t = Date.now();
    log(`[${name}] ${new Date().toISOString().slice(11, 19)} start`);
    try {
      await fn();
      log(`[${name}] done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    } catch (e) {
      const msg = (e as Error).message;
      errors.push({ phase: name, error: msg });
      log(`[${name}] FAILED: ${msg}`);
    }
  };

  if (want("ceilings")) {
    await phase("ceilings", async () => {
      r.verify = measureVerify(plan.ceilingMs);
      log(`  ed25519 verify ${Math.round(r.verify.ed25519PerSecond)}/s/core; tx verify (signing root + ed25519) ${Math.round(r.verify.txVerifyPerSecond)}/s/core`);
      r.levelPutsPerSecond = await measureLevelWrites(plan.ceilingMs);
      log(`  level: ${Math.round(r.levelPutsPerSecond)} batched puts/s`);
      r.gossip = await measureGossip(plan.gossipMs, PORTS.gossip);
      log(`  gossipsub: ${Math.round(r.gossip.msgsPerSecond)} msgs/s between two node processes`);
    });
  }
  if (want("core")) {
    await phase("core scale", async () => {
      r.core = measureCoreScale(plan.coreSizes, { txs: plan.coreTxs, runs: opts.quick ? 2 : undefined });
      for (const p of r.core) {
        log(`  ${p.sequencers} sequencers: schedule ${p.scheduleMs.toFixed(2)} ms, apply ${p.txs} txs ${p.applyBatchMs.toFixed(1)} ms (${p.applyBatchVerifyingMs.toFixed(1)} ms verifying every signature)`);
      }
    });
  }

  const clusterPhases: Phase[] = ["centralized", "baton", "sweep", "failover", "sync"];
  let pool: TxPool | null = null;
  const seed = sha256(new TextEncoder().encode("baton bench seed"));
  if (clusterPhases.some(want)) {
    await phase("sign txs", async () => {
      const t = Date.now();
      const accounts = deriveLoadAccounts(seed, plan.poolAccounts);
      let lastLog = Date.now();
      pool = TxPool.create(defaultDevnetParams.chainId, accounts, plan.poolPerAccount, (done) => {
        if (Date.now() - lastLog > 2_000) {
          lastLog = Date.now();
          log(`  signed ${Math.round(done * 100)}%`);
        }
      });
      log(`  ${pool.size} txs from ${plan.poolAccounts} accounts signed in ${((Date.now() - t) / 1000).toFixed(1)} s (before any node runs, so no load-generator signing competes with the nodes)`);
    });
  }
  const cluster = (
    name: string,
    nodes: number,
    slotMs: number,
    ports: { baseApiPort: number; baseP2pPort: number },
    parts: { max?: boolean; steady?: boolean; failover?: boolean; capSteady?: boolean },
  ) =>
    runClusterPhase({
      name,
      nodes,
      slotMs,
      slotsPerEpoch: devnetPreset.slotsPerEpoch,
      missesToEject: devnetPreset.missesToEject,
      ...ports,
      seed,
      loadAccounts: plan.poolAccounts,
      pool: pool!,
      signal: opts.signal,
      idleMs: parts.max ? plan.idleMs : undefined,
      max: parts.max ? { ...plan.maxLoad, backlog: plan.maxLoad.backlog ?? backlogFor(nodes) } : undefined,
      steady: parts.steady ? { ...plan.steady, capAtMaxFraction: parts.capSteady ? 0.6 : undefined } : undefined,
      failover: parts.failover ? { rate: plan.steady.rate, timeoutMs: plan.failoverTimeoutMs } : undefined,
      log,
    });

  /**
   * The max-load window keeps this many txs submitted and not yet included: enough to fill
   * batches, not so many that the nodes only queue (0.4 s of the verify capacity per node).
   */
  const backlogFor = (nodes: number) => {
    const verify = r.verify?.ed25519PerSecond ?? 9_000;
    return Math.round(Math.min(4_000, Math.max(1_000, (0.4 * availableParallelism() * verify) / nodes)) / 100) * 100;
  };

  if (pool !== null) {
    if (want("centralized")) {
      await phase("centralized: 1 node, every slot its own", async () => {
        r.centralized = await cluster("centralized", 1, 250, PORTS.centralized, { max: true, steady: true });
      });
    }
    if (want("baton")) {
      const failover250 = want("failover") && plan.failoverSlotMs.includes(250);
      await phase(`baton: ${plan.batonNodes} sequencers`, async () => {
        r.baton = await cluster(`baton-${plan.batonNodes}`, plan.batonNodes, 250, PORTS.baton, { max: true, steady: true, failover: failover250 });
        if (r.baton.failover) (r.failover ??= []).push(r.baton);
      });
    }
    if (want("sweep")) {
      for (const n of plan.sweepNodes) {
        await phase(`sweep: ${n} sequencers`, async () => {
          (r.sweep ??= []).push(await cluster(`baton-${n}`, n, 250, PORTS.sweep, { max: true, steady: true, capSteady: true }));
        });
      }
    }
    if (want("failover")) {
      // slot 250 ms ran inside the baton phase when that phase ran; the others here
      for (const slotMs of plan.failoverSlotMs.filter((s) => s !== 250 || !want("baton"))) {
        await phase(`failover: slot ${slotMs} ms`, async () => {
          (r.failover ??= []).push(await cluster(`failover-${slotMs}`, plan.batonNodes, slotMs, PORTS.failover, { failover: true }));
        });
      }
    }
    if (want("sync")) {
      await phase(`sync: ${plan.sync.light + plan.sync.full} batches`, async () => {
        r.sync = await runSyncPhase({ ...plan.sync, slotMs: 250, ...PORTS.sync, seed, loadAccounts: plan.poolAccounts, pool: pool!, log, signal: opts.signal });
        log(
          `  light: ${Math.round(r.sync.lightBatchesPerSecond ?? 0)} batches/s; full: ${(r.sync.fullBatchesPerSecond ?? 0).toFixed(1)} batches/s = ${Math.round(r.sync.fullTxPerSecond ?? 0)} tx/s`,
        );
      });
    }
  }

  sampleVerify();
  if (verifySamples.length > 0) log(`  ed25519 verify/s per core sampled before each phase: ${verifySamples.map((v) => Math.round(v)).join(", ")} (the highest is the ceiling)`);
  const rows = benchRows(r, availableParallelism());
  // quick mode checks that every phase runs; its numbers judge nothing
  if (opts.quick) for (const row of rows) if (row.target) row.target = { ...row.target, met: null };
  return {
    version: 1,
    mode: opts.quick ? "quick" : "full",
    startedAt: new Date(started).toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    machine: machineInfo(),
    rows,
    details: { plan, verifySamples, ...r },
    errors,
  };
}
