/**
 * A chaos run's options, their defaults, and the fault plan they make: the outage length from
 * the devnet defaults before the cluster exists, checked again against its real genesis once
 * it is up (runner.ts runs the plan; phases.ts injects it).
 */
import { devnetPreset, type Genesis } from "@baton/core";
import { defaultDevnetParams } from "../generate.js";
import type { BackendName, ChaosBackend } from "./backend.js";
import { describeOutageLength, devnetOutageRules, outageLength, outageRulesOf } from "./outageLength.js";
import { describeFault, FaultKind, makeFaultPlan, minDurationForOutage, outageFits, parseFaultKinds, PlanError, type PlannedFault, type PlanOptions } from "./plan.js";

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

/** The options with every default filled in (an option given as undefined takes its default). */
export type ResolvedChaosOptions = typeof defaultChaosOptions & ChaosOptions;

export function resolveChaosOptions(options: ChaosOptions): ResolvedChaosOptions {
  return { ...defaultChaosOptions, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) } as ResolvedChaosOptions;
}

/** A run's fault plan and the options it was made from (their outage length can grow once the genesis is known). */
export interface ChaosPlan {
  planOptions: PlanOptions;
  faults: PlannedFault[];
  /** what the run says about its outage: how long one lasts, or why it was left out ("" without one) */
  outageNote: string;
}

/** The plan for the kinds asked for that the backend can inject. */
export function makeChaosPlan(options: ResolvedChaosOptions, backend: ChaosBackend): ChaosPlan {
  const kinds = parseFaultKinds(options.faults, backend.kinds);
  const { planOptions, outageNote } = outagePlanOptions(options, kinds, backend.concurrent);
  return { planOptions, faults: makeFaultPlan(planOptions), outageNote };
}

/**
 * The plan's options; with an outage among the kinds, its length from the genesis this run will
 * make (the devnet defaults; checked against the real one once the cluster is up). An outage
 * that does not fit is an error if asked for by name, else left out (and said so).
 */
function outagePlanOptions(options: ResolvedChaosOptions, kinds: FaultKind[], concurrent: boolean): { planOptions: PlanOptions; outageNote: string } {
  const planOptions: PlanOptions = { seed: options.seed, nodes: options.nodes, durationMs: options.durationMs, kinds, concurrent, slotMs: options.slotMs, slotsPerEpoch: options.slotsPerEpoch };
  if (!kinds.includes(FaultKind.outage)) return { planOptions, outageNote: "" };
  const length = outageLength(devnetOutageRules({ ...options, stake: defaultDevnetParams.stake }));
  planOptions.outageMs = length.ms;
  const lasts = `an outage lasts ${describeOutageLength(length, options.slotMs)}`;
  if (outageFits(planOptions)) return { planOptions, outageNote: lasts };
  const need = `${lasts}; it needs --duration >= ${Math.ceil(minDurationForOutage(planOptions) / 1000)} (got ${options.durationMs / 1000}; a shorter --slot-ms or --slots-per-epoch makes it shorter)`;
  if (options.faults !== defaultChaosOptions.faults) throw new PlanError(need);
  return { planOptions, outageNote: `outage left out: ${need}` };
}

/**
 * With an outage planned: when the real genesis needs a longer one than the defaults gave, the
 * plan is made again with it (an error if it no longer fits and the faults were asked for by name).
 */
export function fitPlanToGenesis(plan: ChaosPlan, options: ResolvedChaosOptions, genesis: Genesis, log: (line: string) => void): void {
  const { planOptions } = plan;
  if (!planOptions.outageMs) return;
  const actual = outageLength(outageRulesOf(genesis));
  if (!(actual.ms > planOptions.outageMs)) return;
  planOptions.outageMs = actual.ms;
  const why = `the genesis needs a longer outage: ${describeOutageLength(actual, options.slotMs)}`;
  if (!outageFits(planOptions) && options.faults !== defaultChaosOptions.faults) throw new PlanError(`${why}; it needs --duration >= ${Math.ceil(minDurationForOutage(planOptions) / 1000)}`);
  plan.faults = makeFaultPlan(planOptions);
  log(`${why}; plan made again`);
  logPlan(plan.faults, log, options.slotMs);
}

export function logPlan(plan: PlannedFault[], log: (line: string) => void, slotMs?: number): void {
  log(`plan (${plan.length} faults, same seed = same plan):`);
  for (const fault of plan) {
    log(`  #${fault.id} t+${(fault.atMs / 1000).toFixed(1)}s for ${(fault.durationMs / 1000).toFixed(1)}s: ${describeFault(fault, slotMs)}${plan.some((other) => other !== fault && other.group === fault.group) ? " (together)" : ""}`);
  }
}
