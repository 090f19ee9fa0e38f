/**
 * The simulated sequencers: a profile, a genesis stake, an auction valuation and a dpos
 * commission each. The default mix (for n sequencers, from the seed): 1 censor (20% of
 * traffic), 5% that crash at a random slot of the first 60% of the run, 10% flaky (20%
 * misses), 5% slow, 10% restakers, 2% joiners (n >= 10; they come last, in joining order),
 * the rest reliable. Stakes are Pareto-distributed (α = 1.5, from 2 × minStake, capped at
 * 200 × minStake): a few large stakers, a long tail of small ones.
 */
import { Rng } from "./rng.js";
import type { Profile } from "./profiles.js";

export interface SimSequencer {
  profile: Profile;
  stake: bigint;
  /** what leading in one epoch is worth to it (auction bids follow it) */
  value: number;
  commissionBps: number;
}

export interface PopulationOptions {
  sequencers: number;
  epochs: number;
  slotsPerEpoch: number;
  seed: number;
  minStake: bigint;
}

export const CENSOR_SHARE = 0.2;

export function defaultProfiles(o: PopulationOptions, rng: Rng): Profile[] {
  const n = o.sequencers;
  const totalSlots = o.epochs * o.slotsPerEpoch;
  const joiners = n >= 10 ? Math.max(1, Math.round(n * 0.02)) : 0;
  const genesis = n - joiners;
  const counts: [() => Profile, number][] = [
    [() => ({ kind: "censor", share: CENSOR_SHARE }), 1],
    [() => ({ kind: "crash", atSlot: Math.floor(totalSlots * (0.1 + 0.5 * rng.next())) + 1 }), Math.max(1, Math.round(n * 0.05))],
    [() => ({ kind: "flaky", missRate: 0.2 }), Math.round(n * 0.1)],
    [() => ({ kind: "slow" }), Math.round(n * 0.05)],
    [() => ({ kind: "restaker" }), Math.round(n * 0.1)],
  ];
  const profiles: Profile[] = [];
  for (const [make, count] of counts) for (let k = 0; k < count && profiles.length < genesis; k++) profiles.push(make());
  while (profiles.length < genesis) profiles.push({ kind: "reliable" });
  rng.shuffle(profiles);
  const joinEpochs = Array.from({ length: joiners }, () => Math.max(1, Math.floor(o.epochs * (0.1 + 0.2 * rng.next())))).sort((a, b) => a - b);
  return [...profiles, ...joinEpochs.map((atEpoch): Profile => ({ kind: "joiner", atEpoch }))];
}

/** Stakes, valuations and commissions for the given profiles (default: the default mix). */
export function makePopulation(o: PopulationOptions, profiles?: Profile[]): SimSequencer[] {
  const rng = new Rng(o.seed ^ 0x51ed);
  const ps = profiles ?? defaultProfiles(o, rng);
  return ps.map((profile) => {
    const u = Math.max(rng.next(), 1e-6);
    const multiple = Math.min(200, 2 / Math.pow(u, 1 / 1.5));
    const censor = profile.kind === "censor";
    return {
      profile,
      stake: profile.kind === "joiner" ? o.minStake * 5n : (o.minStake * BigInt(Math.round(multiple * 100))) / 100n,
      value: Math.round(100 * (0.5 + rng.next()) * (censor ? 2 : 1)),
      commissionBps: censor ? 0 : 500 + Math.floor(rng.next() * 1_500),
    };
  });
}
