/**
 * `baton bench`: every phase in order, each bounded in time, with progress lines; then the
 * rows of the results table (each with the ratio it is judged by and, where the issue sets
 * one, its target). A phase that fails is reported and the others still run.
 */
import { availableParallelism, cpus, platform, release, totalmem } from "node:os";
import { devnetPreset, getBlsBackend, sha256 } from "@baton/core";
import { deriveLoadAccounts, defaultDevnetParams } from "../generate.js";
import { measureGossip, measureLevelWrites, measureVerify, type GossipCeiling, type VerifyCeiling } from "./ceilings.js";
import { runClusterPhase, type ClusterPhaseResult } from "./cluster.js";
import { measureCoreScale, type CoreScalePoint } from "./coreScale.js";
import { atLeast, atMost, type BenchReport, type BenchRow, type MachineInfo } from "./report.js";
import { growthExponents, ratio, withinNLogN } from "./stats.js";
import { runSyncPhase, type SyncResult } from "./sync.js";
import { TxPool } from "./txPool.js";

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

/** Everything the phases measured, as the rows are built from it (and the JSON keeps it). */
export interface BenchResults {
  verify?: VerifyCeiling;
  gossip?: GossipCeiling;
  levelPutsPerSecond?: number;
  core?: CoreScalePoint[];
  centralized?: ClusterPhaseResult;
  baton?: ClusterPhaseResult;
  sweep?: ClusterPhaseResult[];
  failover?: ClusterPhaseResult[];
  sync?: SyncResult;
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

const MB = 2 ** 20;
const maxOf = (xs: (number | null | undefined)[]): number | null => {
  const v = xs.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  return v.length ? Math.max(...v) : null;
};

/**
 * A note when other work on the machine took a visible share of the CPU during a window. A
 * node is one thread: `nodes` node processes can use at most min(nodes, cores) of the cores.
 */
function busyNote(share: number | null | undefined, nodes: number, cores: number): string | undefined {
  const usable = Math.min(nodes, cores) / cores;
  return share !== null && share !== undefined && share < 0.85 * usable ? `nodes and bench got ${Math.round(share * 100)}% of the CPU: other work shared the machine` : undefined;
}

/** The table: pure, from what was measured (unit-tested with made-up results). */
export function benchRows(r: BenchResults, cores: number): BenchRow[] {
  const rows: BenchRow[] = [];
  const verify = r.verify?.ed25519PerSecond ?? null;
  /** cores × verify/s ÷ nodes: the txs/s a node can admit when the machine is shared by `nodes` nodes */
  const verifyShare = (nodes: number) => (verify === null ? null : (cores * verify) / nodes);

  if (r.verify) {
    rows.push({ section: "ceilings", metric: "ed25519 verify, one core", value: r.verify.ed25519PerSecond, unit: "/s" });
    rows.push({
      section: "ceilings",
      metric: "tx verify (SSZ signing root + ed25519), one core",
      value: r.verify.txVerifyPerSecond,
      unit: "/s",
      ratio: { value: ratio(r.verify.txVerifyPerSecond, verify), of: "ed25519" },
    });
  }
  if (r.gossip) rows.push({ section: "ceilings", metric: `gossipsub, 2 node processes, ${r.gossip.messageBytes} B msgs`, value: r.gossip.msgsPerSecond, unit: "msg/s" });
  if (r.levelPutsPerSecond !== undefined) rows.push({ section: "ceilings", metric: "level, batched puts of 1 KiB", value: r.levelPutsPerSecond, unit: "/s" });

  const c = r.centralized;
  const cMaxCpu = maxOf(c?.max?.perNode.map((p) => p.cpuSecondsPer1kTx) ?? []);
  const worst = (p: ClusterPhaseResult | undefined, k: "p50" | "p99") => maxOf(p?.steady?.perNode.map((n) => n.latency[k]) ?? []);
  const cP50 = worst(c, "p50");
  const cP99 = worst(c, "p99");
  if (c) {
    const s = "centralized (1 node)";
    rows.push({
      section: s,
      metric: "max sustained throughput",
      value: c.max?.txPerSecond ?? null,
      unit: "tx/s",
      ratio: { value: ratio(c.max?.txPerSecond, verifyShare(1)), of: "cores × verify" },
      note: busyNote(c.max?.cpuShare, 1, cores),
    });
    rows.push({ section: s, metric: `soft confirmation p50 at ${c.steady?.rate ?? "?"} tx/s`, value: cP50, unit: "ms" });
    rows.push({ section: s, metric: `soft confirmation p99 at ${c.steady?.rate ?? "?"} tx/s`, value: cP99, unit: "ms" });
    rows.push({ section: s, metric: "CPU per 1,000 txs at max load", value: cMaxCpu, unit: "s" });
    rows.push({ section: s, metric: "CPU at rest (no txs)", value: maxOf(c.idleCores ?? []), unit: "cores" });
    rows.push({ section: s, metric: "CPU per 1,000 txs at the steady load", value: maxOf(c.steady?.perNode.map((p) => p.cpuSecondsPer1kTx) ?? []), unit: "s" });
  }

  const clusterRows = (p: ClusterPhaseResult, judged: boolean) => {
    const s = `baton (${p.nodes} sequencers)`;
    const tput = p.max?.txPerSecond ?? null;
    const share = ratio(tput, verifyShare(p.nodes));
    rows.push({
      section: s,
      metric: "max sustained throughput",
      value: tput,
      unit: "tx/s",
      ratio: { value: share, of: `cores × verify ÷ ${p.nodes}` },
      target: judged ? atLeast(share, 0.75, ">= 0.75× cores × verify ÷ nodes") : undefined,
      note: busyNote(p.max?.cpuShare, p.nodes, cores),
    });
    const steadyCpu = maxOf(p.steady?.perNode.map((n) => n.cpuSecondsPer1kTx) ?? []);
    const cSteadyCpu = maxOf(c?.steady?.perNode.map((n) => n.cpuSecondsPer1kTx) ?? []);
    const steadyRatio = ratio(steadyCpu, cSteadyCpu);
    rows.push({
      section: s,
      metric: `CPU per 1,000 txs at ${p.steady?.rate ?? "?"} tx/s${p.steady?.rate === c?.steady?.rate ? " (the centralized load)" : ""}, busiest node`,
      value: steadyCpu,
      unit: "s",
      ratio: { value: steadyRatio, of: "centralized" },
      target: judged ? atMost(steadyRatio, 1.1, "<= 1.10× centralized") : undefined,
    });
    const idle = maxOf(p.idleCores ?? []);
    rows.push({ section: s, metric: "CPU at rest (no txs), busiest node", value: idle, unit: "cores", ratio: { value: ratio(idle, maxOf(c?.idleCores ?? [])), of: "centralized" } });
    const cpu = maxOf(p.max?.perNode.map((n) => n.cpuSecondsPer1kTx) ?? []);
    rows.push({ section: s, metric: "CPU per 1,000 txs at its max load, busiest node", value: cpu, unit: "s", ratio: { value: ratio(cpu, cMaxCpu), of: "centralized at its max" } });
    const p50 = worst(p, "p50");
    const p99 = worst(p, "p99");
    const r50 = ratio(p50, cP50);
    const r99 = ratio(p99, cP99);
    const both = (a: { met: boolean | null }, b: { met: boolean | null }) => (a.met === null || b.met === null ? null : a.met && b.met);
    rows.push({
      section: s,
      metric: `soft confirmation p50 at ${p.steady?.rate ?? "?"} tx/s, slowest node`,
      value: p50,
      unit: "ms",
      ratio: { value: r50, of: "centralized" },
      target: judged ? { text: "<= 150 ms and <= 1.10× centralized", met: both(atMost(p50, 150, ""), atMost(r50, 1.1, "")) } : undefined,
    });
    rows.push({
      section: s,
      metric: `soft confirmation p99 at ${p.steady?.rate ?? "?"} tx/s, slowest node`,
      value: p99,
      unit: "ms",
      ratio: { value: r99, of: "centralized" },
      target: judged ? { text: "<= 400 ms and <= 1.10× centralized", met: both(atMost(p99, 400, ""), atMost(r99, 1.1, "")) } : undefined,
    });
  };
  if (r.baton) clusterRows(r.baton, true);
  for (const p of r.sweep ?? []) clusterRows(p, false);

  for (const f of r.failover ?? []) {
    const fo = f.failover;
    if (!fo) continue;
    const s = `failover (${f.nodes} nodes, slot ${fo.slotMs} ms)`;
    const nextSlots = fo.nextBatchMs === null ? null : fo.nextBatchMs / fo.slotMs;
    rows.push({
      section: s,
      metric: "leader dies → next batch (from its slot's start)",
      value: fo.nextBatchMs,
      unit: "ms",
      ratio: { value: nextSlots, of: "slots" },
      target: atMost(nextSlots, 2, "<= 2 slots"),
      note: fo.nextBatchSlot !== null && fo.nextBatchSlot > fo.killSlot + 1 ? `the dead sequencer also led slot ${fo.killSlot + 1}` : undefined,
    });
    rows.push({
      section: s,
      metric: "leader dies → ejected (from its slot's start)",
      value: fo.ejectionMs,
      unit: "ms",
      ratio: { value: fo.ejectionMs === null ? null : fo.ejectionMs / fo.slotMs, of: "slots" },
    });
    rows.push({
      section: s,
      metric: "its own slots until ejected",
      value: fo.deadLeaderSlotsToEjection,
      unit: "slots",
      target: atMost(fo.deadLeaderSlotsToEjection, fo.missesToEject + 1, `<= missesToEject + 1 = ${fo.missesToEject + 1}`),
    });
  }

  if (r.sync) {
    const y = r.sync;
    const s = `sync (${y.light + y.full} batches)`;
    rows.push({
      section: s,
      metric: `${y.light} light batches (${y.lightTxs} tx each)`,
      value: y.lightBatchesPerSecond,
      unit: "batch/s",
      target: atLeast(y.lightBatchesPerSecond, 2_000, ">= 2,000 batch/s"),
    });
    const txShare = ratio(y.fullTxPerSecond, verify);
    rows.push({
      section: s,
      metric: `${y.full} full batches (${y.fullTxs} txs each)`,
      value: y.fullTxPerSecond,
      unit: "tx/s",
      ratio: { value: txShare, of: "verify, one core" },
      target: atLeast(txShare, 0.8, ">= 0.80× verify ceiling"),
    });
  }

  const mem: [string, number | null][] = [];
  if (c?.max) mem.push(["centralized node at max load", maxOf(c.max.perNode.map((p) => p.peakRssBytes))]);
  for (const p of [r.baton, ...(r.sweep ?? [])]) if (p?.max) mem.push([`largest of ${p.nodes} nodes at max load`, maxOf(p.max.perNode.map((n) => n.peakRssBytes))]);
  if (r.sync) mem.push(["syncing node", r.sync.syncerPeakRssBytes]);
  for (const [metric, bytes] of mem) {
    const v = bytes === null ? null : bytes / MB;
    rows.push({ section: "memory (peak RSS)", metric, value: v, unit: "MB", target: atMost(v, 200, "<= 200 MB") });
  }

  if (r.core && r.core.length > 0) {
    const s = "core scale";
    for (const p of r.core) {
      rows.push({
        section: s,
        metric: `epoch schedule, ${p.sequencers.toLocaleString("en-US")} sequencers`,
        value: p.scheduleMs,
        unit: "ms",
        target: p.sequencers >= 10_000 ? atMost(p.scheduleMs, 100, "< 100 ms") : undefined,
      });
    }
    for (const p of r.core) {
      rows.push({ section: s, metric: `apply a ${p.txs.toLocaleString("en-US")}-tx batch, ${p.sequencers.toLocaleString("en-US")} sequencers`, value: p.applyBatchMs, unit: "ms" });
    }
    const growth = (k: "scheduleMs" | "applyBatchMs", what: string) => {
      const pts = r.core!.map((p) => ({ n: p.sequencers, ms: p[k] }));
      const ex = growthExponents(pts);
      const last = ex[ex.length - 1];
      if (!last) return;
      const a = pts[pts.length - 2];
      const b = pts[pts.length - 1];
      rows.push({
        section: s,
        metric: `${what} growth ${a.n.toLocaleString("en-US")} → ${b.n.toLocaleString("en-US")} (exponent; n log n ≈ 1.1)`,
        value: last.exponent,
        unit: "",
        ratio: { value: b.ms / a.ms, of: `time for ${b.n / a.n}× the sequencers` },
        target: k === "scheduleMs" ? { text: "no worse than n log n", met: withinNLogN(a.n, a.ms, b.n, b.ms) } : undefined,
      });
    };
    growth("scheduleMs", "schedule");
    growth("applyBatchMs", "apply batch");
  }
  return rows;
}
