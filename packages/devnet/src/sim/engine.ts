/**
 * The simulator: N sequencers with behaviour profiles on one mechanism, slot after slot in
 * virtual time, through the real core (processSlotsUnsigned / applyUnsignedBatch: every rule
 * of the state transition, schedule and mechanism, without signatures or roots). No network:
 * a leader that produces gets its batch to everyone at once; one that does not is a miss.
 * As a node does, each slot is led from the last batch's state advanced over the whole gap
 * at once (the core judges a gap as a whole: a whole-network outage is not a miss). An
 * outage (options.outage) takes every sequencer offline for a span of slots; nothing is
 * sampled during it (capital, weights): nobody is up to see the chain.
 * Deterministic: the same options give the same result.
 */
import {
  devnetPreset,
  getEffectiveLeader,
  ScheduleError,
  TxKind,
  applyUnsignedBatch,
  processSlotsUnsigned,
  type ChainConfig,
  type MechanismName,
  type State,
} from "@baton/core";
import { Agents } from "./agents.js";
import { isCapitalSample } from "./capital.js";
import { CENSOR_SHARE, makePopulation } from "./population.js";
import { produces, profileLabel, txShareOf, type Profile } from "./profiles.js";
import { seedOf } from "./rng.js";
import { SimRecorder, type SimMetrics, type SimSeries } from "./recorder.js";
import { UserTraffic } from "./traffic.js";
import { buildWorld, MIN_STAKE } from "./world.js";

export interface SimOptions {
  mechanism: MechanismName;
  sequencers: number;
  epochs: number;
  slotsPerEpoch: number;
  /** members drawn per epoch (0 = all) */
  committeeSize: number;
  slotMs: number;
  /** user txs arriving per slot */
  load: number;
  seed: string;
  /** instead of the default mix (population.ts) */
  profiles?: Profile[];
  mechanismParams?: Record<string, unknown>;
  /** governance evicts the censor at this epoch (0 = never) */
  evictCensorAt: number;
  /** points of the time series */
  windows: number;
  /**
   * Every sequencer offline for `slots` slots from `fromSlot`; the first batch from the
   * outage's end is timed (metrics.resumeSlots). slots 0: no outage, the same timing: an
   * outage's baseline.
   */
  outage?: Outage;
}

export interface Outage {
  fromSlot: number;
  slots: number;
}

export const defaultSimOptions: Omit<SimOptions, "mechanism"> = {
  sequencers: 100,
  epochs: 1_000,
  slotsPerEpoch: 32,
  committeeSize: 16,
  slotMs: devnetPreset.slotMs,
  load: 4,
  seed: "baton",
  evictCensorAt: 0,
  windows: 50,
};

export interface SimResult {
  mechanism: MechanismName;
  options: SimOptions;
  metrics: SimMetrics;
  series: SimSeries;
  /** slots each sequencer led (population order) */
  slotsLed: number[];
  /** each sequencer's mean share of confirmation (fork-choice) weight */
  weightShares: number[];
  /** what each sequencer paid for the auction epochs it won */
  paid: number[];
  /** the equivocations of the run and the slot of the batch that carried their evidence */
  equivocations: { sequencerIndex: number; slot: number; evidenceSlot: number | null }[];
  profiles: string[];
  elapsedMs: number;
  /** the state after the last slot, and the genesis state */
  state: State;
  genesis: State;
}

function leaderOf(state: State, config: ChainConfig, slot: number): number | null {
  try {
    return getEffectiveLeader(state, config, slot);
  } catch (e) {
    if (e instanceof ScheduleError) return null;
    throw e;
  }
}

export function runSim(options: Partial<SimOptions> & { mechanism: MechanismName }): SimResult {
  const o: SimOptions = { ...defaultSimOptions, ...options };
  const started = performance.now();
  const seed = seedOf(o.seed);
  const population = makePopulation({ sequencers: o.sequencers, epochs: o.epochs, slotsPerEpoch: o.slotsPerEpoch, seed, minStake: MIN_STAKE }, o.profiles);
  const world = buildWorld({ ...o, seed }, population);
  const { config } = world;
  const traffic = new UserTraffic(world.users, CENSOR_SHARE, config.minFee);
  const agents = new Agents(world, { seed, evictCensorAt: o.evictCensorAt });
  const totalSlots = o.epochs * o.slotsPerEpoch - 1; // slots 1 .. the last of the last epoch (slot 0 is genesis)
  const outage = o.outage;
  if (outage !== undefined && (outage.fromSlot < 1 || outage.slots < 0)) throw new RangeError(`outage from slot ${outage.fromSlot} for ${outage.slots} slots: expected a slot >= 1 and slots >= 0`);
  const down = (slot: number) => outage !== undefined && slot >= outage.fromSlot && slot < outage.fromSlot + outage.slots;
  const rec = new SimRecorder(population, world.state, config, totalSlots, o.windows, outage === undefined ? null : outage.fromSlot + outage.slots);
  // a RANDAO reveal per slot (the core hashes it into randaoMix): seed and slot
  const reveal = new Uint8Array(16);
  new DataView(reveal.buffer).setUint32(0, seed, true);
  let parent = world.state; // the state after the last batch
  for (let slot = 1; slot <= totalSlots; slot++) {
    rec.onSlot(slot);
    traffic.arrive(slot, o.load);
    if (down(slot)) {
      rec.onMiss(slot); // nobody is up to lead, or to see the chain: no sample either
      continue;
    }
    const state = processSlotsUnsigned(parent, slot, config);
    if (isCapitalSample(slot, o.slotsPerEpoch)) rec.sample(state);
    rec.watchCrashes(state, slot);
    const leader = leaderOf(state, config, slot);
    const profile: Profile = leader === null ? { kind: "reliable" } : population[leader]?.profile ?? { kind: "reliable" };
    if (leader === null || !produces(profile, leader, slot, seed, o.slotsPerEpoch)) {
      rec.onMiss(slot);
      continue;
    }
    const system = agents.systemTxs(state, slot, leader);
    const censors = profile.kind === "censor";
    const user = traffic.take(slot, txShareOf(profile), censors, config.maxBatchTxs - system.length);
    const txs = system.length === 0 ? user.txs : [...system, ...user.txs];
    new DataView(reveal.buffer).setFloat64(8, slot, true);
    const r = applyUnsignedBatch(state, config, { slot, proposerIndex: leader, txs, randaoReveal: reveal });
    parent = r.state;
    rec.observe(parent);
    rec.onBatch(slot, leader, user, r.dropped.filter((d) => d.tx.body.kind === TxKind.user).length);
  }
  // the end of the run as the chain sees it: the last slot accounted for, batch or not
  const state = parent.slot >= totalSlots ? parent : processSlotsUnsigned(parent, totalSlots, config);
  return {
    mechanism: o.mechanism,
    options: o,
    metrics: rec.finish(state, traffic.offered, o.slotMs),
    series: rec.series,
    slotsLed: rec.slotsLed,
    weightShares: rec.weightShares(),
    paid: rec.paid,
    equivocations: agents.equivocators.history,
    profiles: population.map((p) => profileLabel(p.profile)),
    elapsedMs: performance.now() - started,
    state,
    genesis: world.state,
  };
}
