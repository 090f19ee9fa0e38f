/**
 * `runChaos(opts)`: a cluster on one backend, a steady tx load, faults from a seeded plan;
 * then every fault healed, the load stopped, the cluster given time to settle, and the five
 * invariants checked (seven after an outage: outageWatch.ts reads the records around it,
 * outageChecks.ts judges). Writes the JSON report and the SVG timeline; always tears down.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { devnetPreset, sha256, slotAtTime, } from "@baton/core";
import { LoadGenerator } from "../load.js";
import { BackendName, type ChaosBackend, } from "./backend.js";
import {
  checkAgreement,
  checkLiveness,
  checkNoCrash,
  checkNoLoss,
  checkSafety,
  confirmationStalls,
  headGaps,
  healthMap,
  type ClusterShape,
  type FaultWindow,
  type LivenessFacts,
  type TxCheck,
} from "./invariants.js";
import { Observer, } from "./observer.js";
import { describeFault, FaultKind, makeFaultPlan, minDurationForOutage, outageFits, parseFaultKinds, PlanError, type PlannedFault, type PlanOptions } from "./plan.js";
import { checkOutageNoPenalty, checkOutageRecovery, outageLivenessFacts } from "./outageChecks.js";
import { describeOutageLength, devnetOutageRules, outageLength, outageRulesOf } from "./outageLength.js";
import { OutageWatch } from "./outageWatch.js";
import { defaultDevnetParams } from "../generate.js";
import { formatTable, type ChaosReport, } from "./report.js";
import { buildTimeline, renderTimelineSvg } from "./svg.js";
import { checkTxs, commonHeadRecords, degradedPeriods, kindStats } from "./settle.js";
import { sleep } from "../sleep.js";

export interface ChaosOptions {
  backend: BackendName;
  /** length of the fault phase, from genesis */
  durationMs: number;
  seed: string;
  nodes?: number;
  slotMs?: number;
  slotsPerEpoch?: number;
  missesToEject?: number;
  /** tx/s */
  loadRate?: number;
  /** "all" or a comma list of fault kinds */
  faults?: string;
  reportDir?: string;
  /** most time to wait, after the faults, for the cluster to settle */
  settleMs?: number;
  baseApiPort?: number;
  baseP2pPort?: number;
  logLevel?: string;
  log?: (line: string) => void;
  /** aborts the run (Ctrl-C): it still tears down */
  signal?: AbortSignal;
}

export const defaultChaosOptions = {
  nodes: 4,
  slotMs: devnetPreset.slotMs,
  slotsPerEpoch: devnetPreset.slotsPerEpoch,
  missesToEject: devnetPreset.missesToEject,
  loadRate: 20,
  faults: "all",
  reportDir: "reports",
  settleMs: 120_000,
  baseApiPort: 17500,
  baseP2pPort: 19500,
  logLevel: "info",
};

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


export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const o = { ...defaultChaosOptions, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as typeof defaultChaosOptions & ChaosOptions;
  const log = o.log ?? ((l: string) => process.stderr.write(l + "\n"));
  const backend = await createBackend(o.backend);
  const kinds = parseFaultKinds(o.faults, backend.kinds);
  const { planOptions, outageNote } = outagePlanOptions(o, kinds, backend.concurrent);
  let plan = makeFaultPlan(planOptions);
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
  const runDir = resolve(o.reportDir, `chaos-${o.backend}-seed${o.seed.replace(/[^A-Za-z0-9_-]/g, "_")}-${stamp}`);
  await mkdir(runDir, { recursive: true });
  log(`chaos: backend ${o.backend}, seed ${JSON.stringify(o.seed)}, ${o.durationMs / 1000} s, ${o.nodes} nodes, load ${o.loadRate} tx/s; files in ${runDir}`);
  logPlan(plan, log);
  if (outageNote) log(`  ${outageNote}`);

  let load: LoadGenerator | null = null;
  let observer: Observer | null = null;
  try {
    const info = await backend.start(
      {
        nodes: o.nodes,
        slotMs: o.slotMs,
        slotsPerEpoch: o.slotsPerEpoch,
        missesToEject: o.missesToEject,
        genesisDelayMs: o.backend === BackendName.docker ? 12_000 : 6_000,
        loadAccounts: 16,
        seed: sha256(new TextEncoder().encode(`baton chaos cluster ${o.seed}`)),
        baseApiPort: o.baseApiPort,
        baseP2pPort: o.baseP2pPort,
        dir: join(runDir, "cluster"),
        logLevel: o.logLevel,
      },
      log,
    );
    const genesisTime = info.genesis.config.genesisTime;
    const shape: ClusterShape = {
      nodes: o.nodes,
      weights: info.genesis.sequencers.map((s) => Number(s.stake)),
      missesToEject: o.missesToEject,
      slotsPerEpoch: o.slotsPerEpoch,
      slotMs: o.slotMs,
      genesisTime,
    };
    const rel = (t: number) => `t+${((t - genesisTime) / 1000).toFixed(1)}s`;
    log(`cluster up: ${info.apiUrls.join(" ")}; genesis ${rel(Date.now()).replace("t+-", "in ")}`);
    if (planOptions.outageMs) {
      const actual = outageLength(outageRulesOf(info.genesis));
      if (actual.ms > planOptions.outageMs) {
        planOptions.outageMs = actual.ms;
        const why = `the genesis needs a longer outage: ${describeOutageLength(actual, o.slotMs)}`;
        if (!outageFits(planOptions) && o.faults !== defaultChaosOptions.faults) throw new PlanError(`${why}; it needs --duration >= ${Math.ceil(minDurationForOutage(planOptions) / 1000)}`);
        plan = makeFaultPlan(planOptions);
        log(`${why}; plan made again`);
        logPlan(plan, log);
      }
    }

    observer = new Observer({ http: backend.http, apiUrls: info.apiUrls, sampleMs: Math.max(250, o.slotMs) });
    observer.start();
    const outages = new OutageWatch({ http: backend.http, apiUrls: info.apiUrls, observer, shape, log });
    const acked = new Map<string, { node: number; t: number }>();
    load = new LoadGenerator({
      rate: o.loadRate,
      apiUrls: info.apiUrls,
      accounts: info.loadAccounts,
      chainId: info.genesis.config.chainId,
      api: backend.loadApi,
      onAcknowledged: (hashes, url) => {
        const node = info.apiUrls.indexOf(url) + 1;
        const t = Date.now();
        for (const h of hashes) if (!acked.has(h.toLowerCase())) acked.set(h.toLowerCase(), { node, t });
      },
    });
    await sleep(genesisTime + o.slotMs - Date.now(), o.signal);
    load.start();

    // the fault phase
    const windows: FaultWindow[] = [];
    const open = new Map<number, FaultWindow>();
    const actions = plan
      .flatMap((f) => [
        { at: genesisTime + f.atMs, f, inject: true },
        { at: genesisTime + f.atMs + f.durationMs, f, inject: false },
      ])
      .sort((a, b) => a.at - b.at || Number(a.inject) - Number(b.inject));
    const endOfFaults = genesisTime + o.durationMs;
    const progress = setInterval(() => log(progressLine(observer!, rel(Date.now()), slotAtTime(shape, Date.now()), [...open.values()], acked.size, load!, outages.progress(Date.now()))), 5_000);
    try {
      for (const a of actions) {
        await sleep(a.at - Date.now(), o.signal);
        if (a.inject) {
          await outages.afterRecovery(); // the end of an outage's recovery gap
          let w = windowOf(a.f, shape, Date.now());
          if (a.f.kind === FaultKind.outage) {
            await outages.beforeOutage(w, a.at + a.f.durationMs);
            w = Object.assign(w, windowOf(a.f, shape, Date.now())); // the fault starts after that read
          }
          const now = w.startMs;
          open.set(a.f.id, w);
          windows.push(w);
          markImpaired(observer, a.f, true);
          log(`>> ${rel(now)} slot ${w.startSlot}: fault #${a.f.id} ${w.label}`);
          await backend.inject(a.f);
        } else {
          await backend.heal(a.f);
          const w = open.get(a.f.id)!;
          if (a.f.kind === FaultKind.outage) {
            w.restartMs = Date.now();
            w.restartSlot = slotAtTime(shape, w.restartMs);
            log(`<> ${rel(w.restartMs)} slot ${w.restartSlot}: every node started again after #${a.f.id} ${w.label}`);
            await outages.awaitRecovery(w, o.signal);
          }
          open.delete(a.f.id);
          w.endMs = Date.now();
          w.endSlot = slotAtTime(shape, w.endMs);
          markImpaired(observer, a.f, false);
          log(`<< ${rel(w.endMs)} slot ${w.endSlot}: healed #${a.f.id} ${w.label}`);
        }
      }
      await sleep(endOfFaults - Date.now(), o.signal);
      await outages.afterRecovery();
    } finally {
      clearInterval(progress);
    }
    await backend.healAll();
    for (const w of open.values()) (w.endMs = Date.now()), (w.endSlot = slotAtTime(shape, w.endMs));
    await load.stop();
    const loadStoppedAt = Date.now();
    log(`faults over at ${rel(loadStoppedAt)}; load stopped (${acked.size} txs acknowledged); settling (at most ${o.settleMs / 1000} s)`);

    // settle: every node confirms past the head at the end of the load, and every acked tx is in the chain
    const settleDeadline = Date.now() + o.settleMs;
    const targetHeight = Math.max(0, ...observer.latest.map((s) => s?.head.height ?? 0)) + 2;
    const progress2 = setInterval(() => log(progressLine(observer!, rel(Date.now()), slotAtTime(shape, Date.now()), [], acked.size, load!)), 5_000);
    let txCheck: TxCheck;
    try {
      await waitUntil(settleDeadline, o.signal, () => observer!.latest.every((s) => s !== null && s.confirmed.height >= targetHeight) && observer!.confirmedChain().length >= targetHeight);
      txCheck = await checkTxs(backend, info, observer, acked, settleDeadline, o.signal, log);
    } finally {
      clearInterval(progress2);
    }

    // agreement: every node's /sequencers at one common head
    const agreement = await commonHeadRecords(backend, info, Date.now() + 30_000, o.signal);
    const endMs = Date.now();
    await observer.stop();

    // liveness
    const lastSlot = slotAtTime(shape, endMs);
    const faultEndSlot = slotAtTime(shape, endOfFaults);
    const grace = 2 * o.slotsPerEpoch;
    const health = healthMap(shape, windows, 0, lastSlot, grace);
    const chain = observer.confirmedChain();
    const gaps = headGaps(chain, health, windows);
    const maxBy = <T>(xs: T[], f: (x: T) => number) => xs.reduce<T | null>((m, x) => (m === null || f(x) > f(m) ? x : m), null);
    const stalls = confirmationStalls(shape, observer.samples, health, windows, endMs);
    const facts: LivenessFacts = {
      longestGap: maxBy(gaps, (g) => g.slots),
      longestHealthyGap: maxBy(gaps.filter((g) => g.healthy), (g) => g.slots),
      longestStall: maxBy(stalls, (s) => s.ms),
      longestHealthyStall: maxBy(stalls, (s) => s.healthyMs),
      gapLimitSlots: o.missesToEject + 1,
      stallLimitMs: 2 * o.slotsPerEpoch * o.slotMs,
      degraded: degradedPeriods(shape, windows, observer.samples, faultEndSlot, endMs),
    };

    const notRunning = info.apiUrls.map((_, k) => k + 1).filter((i) => observer!.latest[i - 1] === null);
    const invariants = [
      checkSafety(observer.conflicts, observer.comparisons, observer.confirmedRoots.size),
      checkNoLoss(acked, txCheck),
      checkLiveness(facts, shape),
      checkAgreement(agreement.records, agreement.why),
      checkNoCrash(backend.exits(), notRunning),
    ];
    const outageWindows = windows.filter((w) => w.kind === FaultKind.outage);
    const outageFacts = {
      recovery: outageWindows.map((w) => outageLivenessFacts(shape, w, observer!.samples, chain, observer!.schedules)),
      penalties: outages.penaltyFacts(),
    };
    if (outageWindows.length > 0) invariants.push(checkOutageRecovery(outageFacts.recovery), checkOutageNoPenalty(outageFacts.penalties));

    const perKind = kindStats(windows, chain, gaps, shape, faultEndSlot);
    const bySlot = new Set(chain.map((b) => b.slot));
    let fill = 0;
    for (let s = 1; s <= faultEndSlot; s++) if (bySlot.has(s)) fill++;
    const files = { dir: runDir, json: join(runDir, "report.json"), svg: join(runDir, "timeline.svg"), logs: info.logs };
    const report: ChaosReport = {
      version: 1,
      backend: o.backend,
      seed: o.seed,
      durationMs: o.durationMs,
      startedAt: startedAt.toISOString(),
      genesisTime,
      config: { nodes: o.nodes, slotMs: o.slotMs, slotsPerEpoch: o.slotsPerEpoch, missesToEject: o.missesToEject, loadRate: o.loadRate },
      ok: invariants.every((i) => i.held),
      invariants,
      faults: windows,
      perKind,
      liveness: { longestGap: facts.longestGap, longestHealthyGap: facts.longestHealthyGap, longestStall: facts.longestStall, longestHealthyStall: facts.longestHealthyStall },
      chain: { confirmedHeight: chain.length, lastSlot, faultPhaseEndSlot: faultEndSlot, fillRate: faultEndSlot > 0 ? fill / faultEndSlot : 0 },
      load: { ...load.stats, acknowledgedUnique: acked.size },
      observer: { samples: observer.samples.length, failedPolls: observer.failures, comparisons: observer.comparisons },
      ...(outageWindows.length > 0 ? { outages: outageFacts } : {}),
      files,
    };
    const timeline = buildTimeline({
      sequencers: o.nodes,
      chain,
      schedules: observer.schedules,
      records: observer.sequencers,
      slotsPerEpoch: o.slotsPerEpoch,
      fromSlot: 1,
      toSlot: chain.length > 0 ? chain[chain.length - 1].slot : 1,
    });
    const svg = renderTimelineSvg({
      title: `baton chaos · ${o.backend} · seed ${o.seed} · ${o.nodes} sequencers · ${(o.durationMs / 1000).toFixed(0)} s of faults`,
      timeline,
      labels: Array.from({ length: o.nodes }, (_, k) => `n${k + 1}`),
      faults: windows,
      invariants,
      slotsPerEpoch: o.slotsPerEpoch,
      faultPhaseEndSlot: faultEndSlot,
    });
    await writeFile(files.json, JSON.stringify(report, null, 2) + "\n");
    await writeFile(files.svg, svg);
    return report;
  } finally {
    await load?.stop().catch(() => undefined);
    await observer?.stop().catch(() => undefined);
    log("tearing down the cluster");
    await backend.stop().catch((e: Error) => log(`teardown: ${e.message}`));
  }
}

/**
 * The plan's options; with an outage among the kinds, its length from the genesis this run will
 * make (the devnet defaults; checked against the real one once the cluster is up). An outage
 * that does not fit is an error if asked for by name, else left out (and said so).
 */
function outagePlanOptions(o: typeof defaultChaosOptions & ChaosOptions, kinds: FaultKind[], concurrent: boolean): { planOptions: PlanOptions; outageNote: string } {
  const planOptions: PlanOptions = { seed: o.seed, nodes: o.nodes, durationMs: o.durationMs, kinds, concurrent, slotMs: o.slotMs, slotsPerEpoch: o.slotsPerEpoch };
  if (!kinds.includes(FaultKind.outage)) return { planOptions, outageNote: "" };
  const length = outageLength(devnetOutageRules({ ...o, stake: defaultDevnetParams.stake }));
  planOptions.outageMs = length.ms;
  const lasts = `an outage lasts ${describeOutageLength(length, o.slotMs)}`;
  if (outageFits(planOptions)) return { planOptions, outageNote: lasts };
  const need = `${lasts}; it needs --duration >= ${Math.ceil(minDurationForOutage(planOptions) / 1000)} (got ${o.durationMs / 1000}; a shorter --slot-ms or --slots-per-epoch makes it shorter)`;
  if (o.faults !== defaultChaosOptions.faults) throw new PlanError(need);
  return { planOptions, outageNote: `outage left out: ${need}` };
}

function logPlan(plan: PlannedFault[], log: (l: string) => void): void {
  log(`plan (${plan.length} faults, same seed = same plan):`);
  for (const f of plan) log(`  #${f.id} t+${(f.atMs / 1000).toFixed(1)}s for ${(f.durationMs / 1000).toFixed(1)}s: ${describeFault(f)}${plan.some((g) => g !== f && g.group === f.group) ? " (together)" : ""}`);
}

function windowOf(f: PlannedFault, shape: ClusterShape, now: number): FaultWindow {
  const slot = slotAtTime(shape, now);
  return { id: f.id, kind: f.kind, targets: f.targets, others: f.others, lossPct: f.lossPct, label: describeFault(f), startMs: now, endMs: now, startSlot: slot, endSlot: slot };
}

function markImpaired(observer: Observer, f: PlannedFault, on: boolean): void {
  for (const i of [...f.targets, ...(f.others ?? [])]) {
    if (on) observer.impaired.add(i);
    else observer.impaired.delete(i);
  }
}

function progressLine(obs: Observer, when: string, clockSlot: number, open: FaultWindow[], acked: number, load: LoadGenerator, outage: string | null = null): string {
  const nodes = obs.latest.map((s, k) => (s ? `n${k + 1} ${s.head.height}/${s.confirmed.height}` : `n${k + 1} --`)).join("  ");
  // the nodes' slot; the clock's when none answers
  const slot = obs.latest.some((s) => s !== null) ? Math.max(0, ...obs.latest.map((s) => s?.slot ?? 0)) : clockSlot;
  const faults = open.length ? ` | faults: ${open.map((w) => w.label).join(" + ")}` : "";
  return `.. ${when} slot ${slot} | head/confirmed ${nodes}${faults}${outage ? ` | ${outage}` : ""} | acked ${acked} (no answer ${load.stats.failed}) | conflicts ${obs.conflicts.length}`;
}

async function waitUntil(deadline: number, signal: AbortSignal | undefined, cond: () => boolean): Promise<boolean> {
  while (Date.now() < deadline) {
    if (cond()) return true;
    await sleep(250, signal);
  }
  return cond();
}

/** No loss: each acknowledged tx in exactly one batch of the confirmed chain, and confirmed on every node. */
export { formatTable };
