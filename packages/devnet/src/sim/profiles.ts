/**
 * Behaviour profiles of simulated sequencers. As text (CLI --profile): `reliable`,
 * `crash@<slot>`, `flaky:<missRate>`, `slow`, `censor:<share>`, `restaker`, `joiner@<epoch>`.
 * - crash: stops for good at that slot (no batches, no txs).
 * - flaky: misses each of its slots with that probability.
 * - slow: its batches are late a quarter of the time (missed slots) and it fits half the
 *   pending txs into the others.
 * - censor: leaves out the txs of a targeted set of accounts (`share` of all traffic) and,
 *   earning from it, values a slot twice as much (auction bids, dpos: a 0 commission that
 *   buys delegations).
 * - restaker: while out of the current and next committees it withdraws most of its stake
 *   with restake=true and brings it back when the schedule names it (capital efficiency).
 * - joiner: not in genesis; stakes (poa: is admitted by governance) at that epoch.
 * Adversaries (attacks.ts runs each against its baseline, `baselineOf`):
 * - bidder:<amount>: an auction bidder that bids exactly `amount` every epoch (its value).
 * - inflater:<value>:<bid>: values an epoch at `value` but reveals `bid` (far above it) to
 *   grab slots and fork-choice weight; its baseline is bidder:<value>.
 * - escaper@<slot>: at its first led slot from `slot` on it equivocates (signs a second
 *   header for the slot) and unstakes its whole stake in that very batch, before an honest
 *   slasher's evidence lands SLASH_DELAY_SLOTS later; its baseline is equivocator@<slot>.
 * - equivocator@<slot>: equivocates the same way but keeps its stake where the slash finds it.
 */
import { chance, PURPOSE } from "./rng.js";

export type Profile =
  | { kind: "reliable" }
  | { kind: "crash"; atSlot: number }
  | { kind: "flaky"; missRate: number }
  | { kind: "slow" }
  | { kind: "censor"; share: number }
  | { kind: "restaker" }
  | { kind: "joiner"; atEpoch: number }
  | { kind: "bidder"; bid: number }
  | { kind: "inflater"; value: number; bid: number }
  | { kind: "escaper"; atSlot: number }
  | { kind: "equivocator"; atSlot: number };

export const SLOW_LATE_RATE = 0.25;
export const SLOW_TX_SHARE = 0.5;
export const RESTAKER_WITHDRAW_SHARE = 0.8;

export class ProfileError extends Error {}

const PROFILE_FORMS =
  "reliable, crash@<slot>, flaky:<0..1>, slow, censor:<0..1>, restaker, joiner@<epoch>, bidder:<amount>, inflater:<value>:<bid>, escaper@<slot> or equivocator@<slot>";

export function parseProfile(text: string): Profile {
  const t = text.trim();
  const m = /^(reliable|slow|restaker)$|^crash@(\d+)$|^flaky:(0?\.\d+|1|0)$|^censor:(0?\.\d+|1)$|^joiner@(\d+)$/.exec(t);
  if (m) {
    if (m[1]) return { kind: m[1] } as Profile;
    if (m[2]) return { kind: "crash", atSlot: Number(m[2]) };
    if (m[3]) return { kind: "flaky", missRate: Number(m[3]) };
    if (m[4]) return { kind: "censor", share: Number(m[4]) };
    return { kind: "joiner", atEpoch: Number(m[5]) };
  }
  const a = /^bidder:([1-9]\d*)$|^inflater:([1-9]\d*):([1-9]\d*)$|^(escaper|equivocator)@([1-9]\d*)$/.exec(t);
  if (!a) throw new ProfileError(`profile ${JSON.stringify(text)}: expected ${PROFILE_FORMS}`);
  if (a[1]) return { kind: "bidder", bid: Number(a[1]) };
  if (a[2]) return { kind: "inflater", value: Number(a[2]), bid: Number(a[3]) };
  return { kind: a[4] as "escaper" | "equivocator", atSlot: Number(a[5]) };
}

export function profileLabel(p: Profile): string {
  switch (p.kind) {
    case "crash":
      return `crash@${p.atSlot}`;
    case "flaky":
      return `flaky:${p.missRate}`;
    case "censor":
      return `censor:${p.share}`;
    case "joiner":
      return `joiner@${p.atEpoch}`;
    case "bidder":
      return `bidder:${p.bid}`;
    case "inflater":
      return `inflater:${p.value}:${p.bid}`;
    case "escaper":
    case "equivocator":
      return `${p.kind}@${p.atSlot}`;
    default:
      return p.kind;
  }
}

/**
 * What an adversary's outcome is measured against: the same sequencer without the attack's
 * trick (an inflater bidding its value; an escaper that equivocates but stays to be slashed).
 * Every other profile is its own baseline.
 */
export function baselineOf(p: Profile): Profile {
  if (p.kind === "inflater") return { kind: "bidder", bid: p.value };
  if (p.kind === "escaper") return { kind: "equivocator", atSlot: p.atSlot };
  return p;
}

export const isAdversary = (p: Profile): boolean => baselineOf(p) !== p;

/** An auction bid fixed by the profile (bidder, inflater), or null: the bidder follows its valuation. */
export function fixedBidOf(p: Profile): bigint | null {
  return p.kind === "bidder" || p.kind === "inflater" ? BigInt(p.bid) : null;
}

/** Equivocates at its first led slot from this one on (escaper, equivocator), or null. */
export function equivocatesFrom(p: Profile): number | null {
  return p.kind === "escaper" || p.kind === "equivocator" ? p.atSlot : null;
}

/** Alive at `slot` (a crashed sequencer is not; a joiner is from its epoch on). */
export function isAlive(p: Profile, slot: number, slotsPerEpoch: number): boolean {
  if (p.kind === "crash") return slot < p.atSlot;
  if (p.kind === "joiner") return slot >= p.atEpoch * slotsPerEpoch;
  return true;
}

/** Whether sequencer `who` gets its batch of `slot` out in time. */
export function produces(p: Profile, who: number, slot: number, seed: number, slotsPerEpoch: number): boolean {
  if (!isAlive(p, slot, slotsPerEpoch)) return false;
  if (p.kind === "flaky") return chance(seed, who, slot, PURPOSE.miss) >= p.missRate;
  if (p.kind === "slow") return chance(seed, who, slot, PURPOSE.late) >= SLOW_LATE_RATE;
  return true;
}

/** The share of its slots it expects to fill (what a slot is worth to it scales with this). */
export function reliabilityOf(p: Profile): number {
  if (p.kind === "flaky") return 1 - p.missRate;
  if (p.kind === "slow") return 1 - SLOW_LATE_RATE;
  return 1;
}

/** Share of the pending txs it fits in a batch. */
export const txShareOf = (p: Profile): number => (p.kind === "slow" ? SLOW_TX_SHARE : 1);

/**
 * A population as text: comma-separated `profile[*count]`, e.g.
 * "reliable*90,crash@4000*5,flaky:0.2*4,censor:0.2"; the total must be `n` (a shortfall is
 * filled with reliable sequencers). Joiners must come last.
 */
export function parseProfileMix(text: string, n: number): Profile[] {
  const out: Profile[] = [];
  for (const item of text.split(",").map((x) => x.trim()).filter(Boolean)) {
    const m = /^(.*?)(?:\*(\d+))?$/.exec(item) as RegExpExecArray;
    const profile = parseProfile(m[1]);
    for (let k = 0; k < Number(m[2] ?? 1); k++) out.push(profile);
  }
  if (out.length > n) throw new ProfileError(`${out.length} profiles for ${n} sequencers`);
  const joiners = out.filter((p) => p.kind === "joiner");
  const others = out.filter((p) => p.kind !== "joiner");
  while (others.length + joiners.length < n) others.push({ kind: "reliable" });
  if (others.length === 0) throw new ProfileError("at least one sequencer must be in genesis (not a joiner)");
  return [...others, ...joiners.sort((a, b) => (a as { atEpoch: number }).atEpoch - (b as { atEpoch: number }).atEpoch)];
}
