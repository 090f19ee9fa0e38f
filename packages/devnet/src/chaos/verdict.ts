/**
 * The verdict of a chaos run once it has settled (runner.ts calls these after phases.ts): the
 * liveness facts read from what the observer recorded, the five invariants judged (seven after
 * an outage), and the JSON report and the SVG timeline written to the run's directory.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { slotAtTime } from "@baton/core";
import {
  checkAgreement,
  checkLiveness,
  checkNoCrash,
  checkNoLoss,
  checkSafety,
  confirmationStalls,
  headGaps,
  healthMap,
  type Gap,
  type InvariantResult,
  type LivenessFacts,
} from "./invariants.js";
import type { BatchInfo } from "./observer.js";
import { checkOutageNoPenalty, checkOutageRecovery, outageLivenessFacts, type OutageLivenessFacts, type OutagePenaltyFacts } from "./outageChecks.js";
import { sinceGenesis, type ChaosEnd, type ChaosRun } from "./phases.js";
import { FaultKind } from "./plan.js";
import type { ChaosReport } from "./report.js";
import { degradedPeriods, kindStats } from "./settle.js";
import { skewFacts } from "./skew.js";
import { buildTimeline, renderTimelineSvg } from "./svg.js";

/** What the invariants were judged on, and their results. */
export interface ChaosVerdict {
  invariants: InvariantResult[];
  liveness: LivenessFacts;
  gaps: Gap[];
  /** the confirmed chain the observer saw */
  chain: BatchInfo[];
  lastSlot: number;
  faultEndSlot: number;
  /** only when an outage happened */
  outages: { recovery: OutageLivenessFacts[]; penalties: OutagePenaltyFacts[] } | null;
}

const maxBy = <T>(items: T[], score: (item: T) => number) => items.reduce<T | null>((best, item) => (best === null || score(item) > score(best) ? item : best), null);

/** Liveness read from the chain and the samples (healthy stretches judged apart from faulty ones), then every invariant. */
export function judgeRun(run: ChaosRun, end: ChaosEnd): ChaosVerdict {
  const { options, shape, observer, windows } = run;
  const lastSlot = slotAtTime(shape, end.endMs);
  const faultEndSlot = slotAtTime(shape, run.endOfFaults);
  const grace = 2 * options.slotsPerEpoch;
  const health = healthMap(shape, windows, 0, lastSlot, grace);
  const chain = observer.confirmedChain();
  const gaps = headGaps(chain, health, windows);
  const stalls = confirmationStalls(shape, observer.samples, health, windows, end.endMs);
  const liveness: LivenessFacts = {
    longestGap: maxBy(gaps, (gap) => gap.slots),
    longestHealthyGap: maxBy(gaps.filter((gap) => gap.healthy), (gap) => gap.slots),
    longestStall: maxBy(stalls, (stall) => stall.ms),
    longestHealthyStall: maxBy(stalls, (stall) => stall.healthyMs),
    gapLimitSlots: options.missesToEject + 1,
    stallLimitMs: 2 * options.slotsPerEpoch * options.slotMs,
    degraded: degradedPeriods(shape, windows, observer.samples, faultEndSlot, end.endMs),
  };

  const notRunning = run.info.apiUrls.map((_, index) => index + 1).filter((node) => observer.latest[node - 1] === null);
  const invariants = [
    checkSafety(observer.conflicts, observer.comparisons, observer.confirmedRoots.size),
    checkNoLoss(run.acked, end.txCheck, (time) => sinceGenesis(shape, time)),
    checkLiveness(liveness, shape),
    checkAgreement(end.agreement.records, end.agreement.why),
    checkNoCrash(run.backend.exits(), notRunning),
  ];
  const outageWindows = windows.filter((window) => window.kind === FaultKind.outage);
  const outages = {
    recovery: outageWindows.map((window) => outageLivenessFacts(shape, window, observer.samples, chain, observer.schedules)),
    penalties: run.outages.penaltyFacts(),
  };
  if (outageWindows.length > 0) invariants.push(checkOutageRecovery(outages.recovery), checkOutageNoPenalty(outages.penalties));
  return { invariants, liveness, gaps, chain, lastSlot, faultEndSlot, outages: outageWindows.length > 0 ? outages : null };
}

/** The report as written to report.json. */
export function chaosReport(run: ChaosRun, verdict: ChaosVerdict): ChaosReport {
  const { options, observer, windows } = run;
  const { chain, faultEndSlot, liveness } = verdict;
  const perKind = kindStats(windows, chain, verdict.gaps, run.shape, faultEndSlot);
  const bySlot = new Set(chain.map((batch) => batch.slot));
  let fill = 0;
  for (let slot = 1; slot <= faultEndSlot; slot++) if (bySlot.has(slot)) fill++;
  const files = { dir: run.runDir, json: join(run.runDir, "report.json"), svg: join(run.runDir, "timeline.svg"), logs: run.info.logs };
  return {
    version: 1,
    backend: options.backend,
    seed: options.seed,
    durationMs: options.durationMs,
    startedAt: run.startedAt.toISOString(),
    genesisTime: run.shape.genesisTime,
    config: { nodes: options.nodes, slotMs: options.slotMs, slotsPerEpoch: options.slotsPerEpoch, missesToEject: options.missesToEject, loadRate: options.loadRate },
    ok: verdict.invariants.every((invariant) => invariant.held),
    invariants: verdict.invariants,
    faults: windows,
    perKind,
    liveness: { longestGap: liveness.longestGap, longestHealthyGap: liveness.longestHealthyGap, longestStall: liveness.longestStall, longestHealthyStall: liveness.longestHealthyStall },
    chain: { confirmedHeight: chain.length, lastSlot: verdict.lastSlot, faultPhaseEndSlot: faultEndSlot, fillRate: faultEndSlot > 0 ? fill / faultEndSlot : 0 },
    load: { ...run.load.stats, acknowledgedUnique: run.acked.size },
    observer: { samples: observer.samples.length, failedPolls: observer.failures, comparisons: observer.comparisons },
    ...(verdict.outages ? { outages: verdict.outages } : {}),
    ...skewSection(run, chain),
    files,
  };
}

/** With a clock skew among the faults: what each did to its own node. */
function skewSection(run: ChaosRun, chain: BatchInfo[]): Pick<ChaosReport, "skews"> {
  if (!run.windows.some((window) => window.kind === FaultKind.skew)) return {};
  const clockDisparityMs = run.info.genesis.config.clockDisparityMs;
  const { shape, windows, observer } = run;
  return { skews: { clockDisparityMs, faults: skewFacts({ shape, windows, chain, schedules: observer.schedules, records: observer.sequencers, clockDisparityMs }) } };
}

/** report.json, and timeline.svg: who led and produced each slot, with the fault windows over it. */
export async function writeReportFiles(run: ChaosRun, verdict: ChaosVerdict, report: ChaosReport): Promise<void> {
  const { options, observer } = run;
  const { chain } = verdict;
  const timeline = buildTimeline({
    sequencers: options.nodes,
    chain,
    schedules: observer.schedules,
    records: observer.sequencers,
    slotsPerEpoch: options.slotsPerEpoch,
    fromSlot: 1,
    toSlot: chain.length > 0 ? chain[chain.length - 1].slot : 1,
  });
  const svg = renderTimelineSvg({
    title: `baton chaos · ${options.backend} · seed ${options.seed} · ${options.nodes} sequencers · ${(options.durationMs / 1000).toFixed(0)} s of faults`,
    timeline,
    labels: Array.from({ length: options.nodes }, (_, index) => `n${index + 1}`),
    faults: run.windows,
    invariants: verdict.invariants,
    slotsPerEpoch: options.slotsPerEpoch,
    faultPhaseEndSlot: verdict.faultEndSlot,
  });
  await writeFile(report.files.json, JSON.stringify(report, null, 2) + "\n");
  await writeFile(report.files.svg, svg);
}
