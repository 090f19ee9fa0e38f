/**
 * Adversarial scenarios: each runs twice with the same seed, once with the adversary (or the
 * outage) and once with its honest baseline (profiles.ts baselineOf; no outage), and measures
 * what the attack gained as the difference of the two runs. Gains are the attacker's
 * advantage (for the outage, the damage done); a gain above 0 — or a measure past its limit
 * — means the attack paid off under the rules the core enforces.
 * - bid inflater (on mechanisms with `sealedBids`: the auction): three honest bidders bid
 *   500/300/100, k = 3 winners; the inflater values an epoch at 200 and reveals 900,000.
 *   Measured: its share of slots led, of confirmation weight (gain: the increase) and what it
 *   paid (gain: the saving).
 * - slash escaper (every mechanism): equivocates at its first led slot from epoch 2 and
 *   unstakes its whole stake in that batch; the evidence lands SLASH_DELAY_SLOTS later.
 *   Baseline: it equivocates and stays. Measured: what it holds at the end (balance, stake,
 *   unbonding, escrow) less its genesis balance — the stake it kept.
 * - outage (every mechanism): every sequencer offline for OUTAGE_MS, then back. Measured:
 *   ejections, exits, stake leaked, and slots from the outage's end to the next batch (at
 *   most RESUME_LIMIT_SLOTS).
 */
import { MECHANISM_NAMES, type MechanismName } from "@baton/core";
import { holdingsOf } from "./capital.js";
import { simMechanismOf } from "./mechanisms/index.js";
import { runSim, type SimOptions, type SimResult } from "./engine.js";
import { baselineOf, type Profile } from "./profiles.js";

export const ATTACKS = ["bid inflater", "slash escaper", "outage"] as const;
export type AttackName = (typeof ATTACKS)[number];

export const INFLATER = { honestBids: [500, 300, 100], value: 200, bid: 900_000, winners: 3 } as const;
/** the escaper equivocates at its first led slot from this epoch on */
export const ESCAPE_EPOCH = 2;
export const OUTAGE_MS = 10 * 60_000;
export const OUTAGE_START_EPOCH = 4;
/** the chain must produce again within this many slots of the outage's end */
export const RESUME_LIMIT_SLOTS = 2;
const SMALL_SET = 8;

export type MeasureFormat = "share" | "amount" | "count" | "slots";

export interface AttackMeasure {
  name: string;
  format: MeasureFormat;
  /** the value in the attack run and in the honest run */
  attack: number;
  honest: number;
  /** what the attacker gained (outage: the damage); > 0 means the attack paid off */
  gain: number;
  /** the attack run's value must not exceed this (the outage's resume time) */
  limit?: number;
}

export interface AttackScenario {
  attack: AttackName;
  /** the mechanism, with the price rule for the auction's inflater */
  label: string;
  run: Partial<SimOptions> & { mechanism: MechanismName };
  baseline: Partial<SimOptions> & { mechanism: MechanismName };
  measure: (run: SimResult, baseline: SimResult) => AttackMeasure[];
}

export interface AttackResult {
  attack: AttackName;
  label: string;
  measures: AttackMeasure[];
  paidOff: boolean;
  run: SimResult;
  baseline: SimResult;
}

/** Options every scenario inherits from the lab's flags. */
export type AttackBase = Pick<SimOptions, "seed" | "slotMs" | "slotsPerEpoch" | "load">;

/** A measure where more is better for the attacker (gain = attack - honest), or less (gain = honest - attack). */
export function measure(name: string, format: MeasureFormat, attack: number, honest: number, more: "better" | "worse" = "better", limit?: number): AttackMeasure {
  const gain = attack === honest ? 0 : more === "better" ? attack - honest : honest - attack;
  return { name, format, attack, honest, gain, ...(limit === undefined ? {} : { limit }) };
}

/** Whether any measure shows the attack paying off (a float tolerance for shares). */
export function paidOff(measures: readonly AttackMeasure[]): boolean {
  return measures.some((m) => m.gain > 1e-9 || (m.limit !== undefined && !(m.attack <= m.limit)));
}

const withBaselines = (profiles: Profile[]) => profiles.map(baselineOf);
const indexOfKind = (profiles: Profile[], kind: Profile["kind"]) => profiles.findIndex((p) => p.kind === kind);
const slotShare = (r: SimResult, i: number) => (r.metrics.produced === 0 ? 0 : r.slotsLed[i] / r.metrics.produced);

/** The bid inflater on `mechanism`, one with sealed bids and the auction's params (winners, priceRule). */
export function bidInflater(mechanism: MechanismName, priceRule: "first" | "second", base: AttackBase): AttackScenario {
  const profiles: Profile[] = [...INFLATER.honestBids.map((bid): Profile => ({ kind: "bidder", bid })), { kind: "inflater", value: INFLATER.value, bid: INFLATER.bid }];
  const a = indexOfKind(profiles, "inflater");
  const run = { ...base, mechanism, sequencers: profiles.length, committeeSize: 0, epochs: 24, profiles, mechanismParams: { winners: INFLATER.winners, priceRule } };
  return {
    attack: "bid inflater",
    label: `${mechanism} (${priceRule})`,
    run,
    baseline: { ...run, profiles: withBaselines(profiles) },
    measure: (r, b) => [
      measure("slots led", "share", slotShare(r, a), slotShare(b, a)),
      measure("confirmation weight", "share", r.weightShares[a], b.weightShares[a]),
      measure("paid", "amount", r.paid[a], b.paid[a], "worse"),
    ],
  };
}

export function slashEscaper(mechanism: MechanismName, base: AttackBase): AttackScenario {
  const profiles: Profile[] = [{ kind: "escaper", atSlot: ESCAPE_EPOCH * base.slotsPerEpoch }, ...Array.from({ length: SMALL_SET - 1 }, (): Profile => ({ kind: "reliable" }))];
  const a = indexOfKind(profiles, "escaper");
  const run = { ...base, mechanism, sequencers: profiles.length, committeeSize: 0, epochs: 16, profiles };
  // what it holds at the end beyond its genesis balance: the stake it kept (and the fees it earned)
  const kept = (r: SimResult) => Number(holdingsOf(r.state, a) - (holdingsOf(r.genesis, a) - r.genesis.sequencers[a].stake));
  return {
    attack: "slash escaper",
    label: mechanism,
    run,
    baseline: { ...run, profiles: withBaselines(profiles) },
    measure: (r, b) => [measure("stake kept", "amount", kept(r), kept(b))],
  };
}

export function outage(mechanism: MechanismName, base: AttackBase): AttackScenario {
  const slots = Math.ceil(OUTAGE_MS / base.slotMs);
  const fromSlot = OUTAGE_START_EPOCH * base.slotsPerEpoch + 1;
  const epochs = OUTAGE_START_EPOCH + Math.ceil(slots / base.slotsPerEpoch) + 8;
  const run = { ...base, mechanism, sequencers: SMALL_SET, committeeSize: 0, epochs, profiles: Array.from({ length: SMALL_SET }, (): Profile => ({ kind: "reliable" })), outage: { fromSlot, slots } };
  return {
    attack: "outage",
    label: mechanism,
    run,
    baseline: { ...run, outage: { fromSlot: fromSlot + slots, slots: 0 } },
    measure: (r, b) => [
      measure("ejections", "count", r.metrics.ejections, b.metrics.ejections),
      measure("exits", "count", r.metrics.exits, b.metrics.exits),
      measure("stake leaked", "amount", Number(r.metrics.leaked), Number(b.metrics.leaked)),
      measure("slots to next batch", "slots", r.metrics.resumeSlots, b.metrics.resumeSlots, "better", RESUME_LIMIT_SLOTS),
    ],
  };
}

/** The scenarios for `mechanisms`: the inflater under both price rules on those with sealed bids (the auction). */
export function attackScenarios(mechanisms: readonly MechanismName[], base: AttackBase): AttackScenario[] {
  const ordered = MECHANISM_NAMES.filter((m) => mechanisms.includes(m));
  return [
    ...ordered.filter((name) => simMechanismOf(name).sealedBids === true).flatMap((name) => [bidInflater(name, "second", base), bidInflater(name, "first", base)]),
    ...ordered.map((m) => slashEscaper(m, base)),
    ...ordered.map((m) => outage(m, base)),
  ];
}

export function runAttack(s: AttackScenario): AttackResult {
  const run = runSim(s.run);
  const baseline = runSim(s.baseline);
  const measures = s.measure(run, baseline);
  return { attack: s.attack, label: s.label, measures, paidOff: paidOff(measures), run, baseline };
}
