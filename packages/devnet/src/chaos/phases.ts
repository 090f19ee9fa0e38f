/**
 * The phases of a chaos run, in order (runner.ts calls them): the cluster started; the observer,
 * the outage watch and the tx load started; the faults injected and healed on the plan's
 * schedule; every fault healed and the load stopped; the cluster given time to settle; the
 * nodes' records read at one common head. verdict.ts judges what they recorded.
 */
import { sha256, slotAtTime } from "@baton/core";
import { join } from "node:path";
import { LoadGenerator } from "../load.js";
import { sleep } from "../sleep.js";
import { BackendName, type ChaosBackend, type ClusterInfo } from "./backend.js";
import type { ClusterShape, FaultWindow, TxCheck } from "./invariants.js";
import { Observer } from "./observer.js";
import type { ResolvedChaosOptions } from "./options.js";
import { OutageWatch } from "./outageWatch.js";
import { describeFault, FaultKind, type PlannedFault } from "./plan.js";
import { checkTxs, commonHeadRecords } from "./settle.js";

/** What a run has before its cluster is up. */
export interface ChaosSetup {
  options: ResolvedChaosOptions;
  log: (line: string) => void;
  backend: ChaosBackend;
  /** where the report, the timeline and the cluster's files go */
  runDir: string;
  startedAt: Date;
}

/** A run once its cluster is up and watched: what every later phase reads and adds to. */
export interface ChaosRun extends ChaosSetup {
  info: ClusterInfo;
  shape: ClusterShape;
  observer: Observer;
  outages: OutageWatch;
  load: LoadGenerator;
  /** tx hash (lower case) → the node that first acknowledged it, and when */
  acked: Map<string, { node: number; t: number }>;
  /** every fault's window, in the order the faults started */
  windows: FaultWindow[];
  /** the windows of the faults not healed yet, by fault id */
  open: Map<number, FaultWindow>;
  /** unix ms: the end of the fault phase (genesis + the run's duration) */
  endOfFaults: number;
}

/** What the teardown stops: each set as soon as it exists, so a run that fails half-way is still torn down. */
export interface ChaosResources {
  load: LoadGenerator | null;
  observer: Observer | null;
}

/** How the run ended: the acknowledged txs found in the chain, every node's records at one common head, when the observer stopped. */
export interface ChaosEnd {
  txCheck: TxCheck;
  agreement: Awaited<ReturnType<typeof commonHeadRecords>>;
  endMs: number;
}

/** "t+12.3s": the time since genesis. */
export const sinceGenesis = (shape: ClusterShape, time: number): string => `t+${((time - shape.genesisTime) / 1000).toFixed(1)}s`;

/** The backend's cluster made and every node started. */
export async function startCluster(setup: ChaosSetup): Promise<{ info: ClusterInfo; shape: ClusterShape }> {
  const { options, log } = setup;
  const info = await setup.backend.start(
    {
      nodes: options.nodes,
      slotMs: options.slotMs,
      slotsPerEpoch: options.slotsPerEpoch,
      missesToEject: options.missesToEject,
      genesisDelayMs: options.backend === BackendName.docker ? 12_000 : 6_000,
      loadAccounts: 16,
      seed: sha256(new TextEncoder().encode(`baton chaos cluster ${options.seed}`)),
      baseApiPort: options.baseApiPort,
      baseP2pPort: options.baseP2pPort,
      dir: join(setup.runDir, "cluster"),
      logLevel: options.logLevel,
    },
    log,
  );
  const shape: ClusterShape = {
    nodes: options.nodes,
    weights: info.genesis.sequencers.map((sequencer) => Number(sequencer.stake)),
    missesToEject: options.missesToEject,
    slotsPerEpoch: options.slotsPerEpoch,
    slotMs: options.slotMs,
    genesisTime: info.genesis.config.genesisTime,
  };
  log(`cluster up: ${info.apiUrls.join(" ")}; genesis ${sinceGenesis(shape, Date.now()).replace("t+-", "in ")}`);
  return { info, shape };
}

/** The observer and the outage watch started; the tx load started one slot after genesis. */
export async function startWatching(setup: ChaosSetup, cluster: { info: ClusterInfo; shape: ClusterShape }, resources: ChaosResources): Promise<ChaosRun> {
  const { options, backend, log } = setup;
  const { info, shape } = cluster;
  const observer = new Observer({ http: backend.http, apiUrls: info.apiUrls, sampleMs: Math.max(250, options.slotMs) });
  resources.observer = observer;
  observer.start();
  const outages = new OutageWatch({ http: backend.http, apiUrls: info.apiUrls, observer, shape, log });
  const acked = new Map<string, { node: number; t: number }>();
  const load = new LoadGenerator({
    rate: options.loadRate,
    apiUrls: info.apiUrls,
    accounts: info.loadAccounts,
    chainId: info.genesis.config.chainId,
    api: backend.loadApi,
    onAcknowledged: (hashes, url) => {
      const node = info.apiUrls.indexOf(url) + 1;
      const time = Date.now();
      for (const hash of hashes) if (!acked.has(hash.toLowerCase())) acked.set(hash.toLowerCase(), { node, t: time });
    },
  });
  resources.load = load;
  await sleep(shape.genesisTime + options.slotMs - Date.now(), options.signal);
  load.start();
  return { ...setup, info, shape, observer, outages, load, acked, windows: [], open: new Map(), endOfFaults: shape.genesisTime + options.durationMs };
}

/** The plan's faults injected and healed on time (an outage waits for its recovery), until the end of the fault phase. */
export async function runFaultPhase(run: ChaosRun, plan: PlannedFault[]): Promise<void> {
  const genesisTime = run.shape.genesisTime;
  const actions = plan
    .flatMap((fault) => [
      { at: genesisTime + fault.atMs, fault, inject: true },
      { at: genesisTime + fault.atMs + fault.durationMs, fault, inject: false },
    ])
    .sort((first, second) => first.at - second.at || Number(first.inject) - Number(second.inject));
  const progress = setInterval(() => run.log(progressLine(run, [...run.open.values()], run.outages.progress(Date.now()))), 5_000);
  try {
    for (const action of actions) {
      await sleep(action.at - Date.now(), run.options.signal);
      if (action.inject) await injectFault(run, action.fault, action.at);
      else await healFault(run, action.fault);
    }
    await sleep(run.endOfFaults - Date.now(), run.options.signal);
    await run.outages.afterRecovery();
  } finally {
    clearInterval(progress);
  }
}

/** One fault started (`dueAt`: when the plan starts it); an outage first reads the nodes' records (OutageWatch). */
async function injectFault(run: ChaosRun, fault: PlannedFault, dueAt: number): Promise<void> {
  await run.outages.afterRecovery(); // the end of an outage's recovery gap
  let window = windowOf(fault, run.shape, Date.now());
  if (fault.kind === FaultKind.outage) {
    await run.outages.beforeOutage(window, dueAt + fault.durationMs);
    window = Object.assign(window, windowOf(fault, run.shape, Date.now())); // the fault starts after that read
  }
  const now = window.startMs;
  run.open.set(fault.id, window);
  run.windows.push(window);
  markImpaired(run.observer, fault, true);
  run.log(`>> ${sinceGenesis(run.shape, now)} slot ${window.startSlot}: fault #${fault.id} ${window.label}`);
  await run.backend.inject(fault);
}

/** One fault healed; after an outage, its window lasts until the cluster has recovered. */
async function healFault(run: ChaosRun, fault: PlannedFault): Promise<void> {
  const { shape } = run;
  await run.backend.heal(fault);
  const window = run.open.get(fault.id)!;
  if (fault.kind === FaultKind.outage) {
    window.restartMs = Date.now();
    window.restartSlot = slotAtTime(shape, window.restartMs);
    run.log(`<> ${sinceGenesis(shape, window.restartMs)} slot ${window.restartSlot}: every node started again after #${fault.id} ${window.label}`);
    await run.outages.awaitRecovery(window, run.options.signal);
  }
  run.open.delete(fault.id);
  window.endMs = Date.now();
  window.endSlot = slotAtTime(shape, window.endMs);
  markImpaired(run.observer, fault, false);
  run.log(`<< ${sinceGenesis(shape, window.endMs)} slot ${window.endSlot}: healed #${fault.id} ${window.label}`);
}

/** Every fault healed (the windows still open close now) and the load stopped. */
export async function endFaults(run: ChaosRun): Promise<void> {
  await run.backend.healAll();
  for (const window of run.open.values()) (window.endMs = Date.now()), (window.endSlot = slotAtTime(run.shape, window.endMs));
  await run.load.stop();
  const loadStoppedAt = Date.now();
  run.log(`faults over at ${sinceGenesis(run.shape, loadStoppedAt)}; load stopped (${run.acked.size} txs acknowledged); settling (at most ${run.options.settleMs / 1000} s)`);
}

/** Settling: every node confirms past the head at the end of the load, and every acked tx is in the chain. */
export async function settle(run: ChaosRun): Promise<TxCheck> {
  const { observer, options } = run;
  const settleDeadline = Date.now() + options.settleMs;
  const targetHeight = Math.max(0, ...observer.latest.map((sample) => sample?.head.height ?? 0)) + 2;
  const progress = setInterval(() => run.log(progressLine(run, [])), 5_000);
  try {
    await waitUntil(settleDeadline, options.signal, () => observer.latest.every((sample) => sample !== null && sample.confirmed.height >= targetHeight) && observer.confirmedChain().length >= targetHeight);
    return await checkTxs(run.backend, run.info, observer, run.acked, settleDeadline, options.signal, run.log);
  } finally {
    clearInterval(progress);
  }
}

/** Agreement: every node's /sequencers at one common head; then the observer stops. */
export async function readFinalRecords(run: ChaosRun, txCheck: TxCheck): Promise<ChaosEnd> {
  const agreement = await commonHeadRecords(run.backend, run.info, Date.now() + 30_000, run.options.signal);
  const endMs = Date.now();
  await run.observer.stop();
  return { txCheck, agreement, endMs };
}

function windowOf(fault: PlannedFault, shape: ClusterShape, now: number): FaultWindow {
  const slot = slotAtTime(shape, now);
  const skew = fault.skewMs === undefined ? {} : { skewMs: fault.skewMs };
  return { id: fault.id, kind: fault.kind, targets: fault.targets, others: fault.others, lossPct: fault.lossPct, ...skew, label: describeFault(fault, shape.slotMs), startMs: now, endMs: now, startSlot: slot, endSlot: slot };
}

function markImpaired(observer: Observer, fault: PlannedFault, impaired: boolean): void {
  for (const node of [...fault.targets, ...(fault.others ?? [])]) {
    if (impaired) observer.impaired.add(node);
    else observer.impaired.delete(node);
  }
}

function progressLine(run: ChaosRun, open: FaultWindow[], outage: string | null = null): string {
  const { observer } = run;
  const when = sinceGenesis(run.shape, Date.now());
  const nodes = observer.latest.map((sample, index) => (sample ? `n${index + 1} ${sample.head.height}/${sample.confirmed.height}` : `n${index + 1} --`)).join("  ");
  // the nodes' slot; the clock's when none answers
  const slot = observer.latest.some((sample) => sample !== null) ? Math.max(0, ...observer.latest.map((sample) => sample?.slot ?? 0)) : slotAtTime(run.shape, Date.now());
  const faults = open.length ? ` | faults: ${open.map((window) => window.label).join(" + ")}` : "";
  return `.. ${when} slot ${slot} | head/confirmed ${nodes}${faults}${outage ? ` | ${outage}` : ""} | acked ${run.acked.size} (no answer ${run.load.stats.failed}) | conflicts ${observer.conflicts.length}`;
}

async function waitUntil(deadline: number, signal: AbortSignal | undefined, condition: () => boolean): Promise<boolean> {
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(250, signal);
  }
  return condition();
}
