/**
 * The simulator: N sequencers with behaviour profiles on one mechanism, slot after slot in
 * virtual time, through the real core (processSlotsUnsigned / applyUnsignedBatch: every rule
 * of the state transition, schedule and mechanism, without signatures or roots). No network:
 * a leader that produces gets its batch to everyone at once; one that does not is a miss.
 * Deterministic: the same options give the same result.
 */
import {
  effectiveStake,
  getEffectiveLeader,
  ScheduleError,
  SequencerStatus,
  TxKind,
  applyUnsignedBatch,
  processSlotsUnsigned,
  type ChainConfig,
  type MechanismName,
  type State,
} from "@baton/core";
import { Agents } from "./agents.js";
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
}

export const defaultSimOptions: Omit<SimOptions, "mechanism"> = {
  sequencers: 100,
  epochs: 1_000,
  slotsPerEpoch: 32,
  committeeSize: 16,
  slotMs: 500,
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
  profiles: string[];
  elapsedMs: number;
  /** the state after the last slot */
  state: State;
}

function leaderOf(state: State, config: ChainConfig, slot: number): number | null {
  try {
    return getEffectiveLeader(state, config, slot);
  } catch (e) {
    if (e instanceof ScheduleError) return null;
    throw e;
  }
}

/** Capital the protocol holds: stake of sequencers not exited, delegations, bid deposits in escrow. */
export function capitalLocked(state: State, config: ChainConfig): bigint {
  let total = 0n;
  for (const s of state.sequencers) if (s.status !== SequencerStatus.exited) total += effectiveStake(s, config);
  for (const d of state.delegations) total += d.amount + d.pending + d.unbonding;
  for (const b of state.bids) if (b.status !== 2) total += b.deposit;
  return total;
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
  const rec = new SimRecorder(population, world.state, config, totalSlots, o.windows);
  // a RANDAO reveal per slot (the core hashes it into randaoMix): seed and slot
  const reveal = new Uint8Array(16);
  new DataView(reveal.buffer).setUint32(0, seed, true);
  let state = world.state;
  let epoch = -1;
  for (let slot = 1; slot <= totalSlots; slot++) {
    state = processSlotsUnsigned(state, slot, config);
    if (state.epoch !== epoch) {
      epoch = state.epoch;
      rec.onEpoch(epoch, capitalLocked(state, config));
    }
    traffic.arrive(slot, o.load);
    rec.watchCrashes(state, slot);
    const leader = leaderOf(state, config, slot);
    const profile: Profile = leader === null ? { kind: "reliable" } : population[leader]?.profile ?? { kind: "reliable" };
    if (leader === null || !produces(profile, leader, slot, seed, o.slotsPerEpoch)) {
      rec.onMiss(slot);
      continue;
    }
    const system = agents.systemTxs(state, slot);
    const censors = profile.kind === "censor";
    const user = traffic.take(slot, txShareOf(profile), censors, config.maxBatchTxs - system.length);
    const txs = system.length === 0 ? user.txs : [...system, ...user.txs];
    new DataView(reveal.buffer).setFloat64(8, slot, true);
    const r = applyUnsignedBatch(state, config, { slot, proposerIndex: leader, txs, randaoReveal: reveal });
    state = r.state;
    rec.onBatch(slot, leader, user, r.dropped.filter((d) => d.tx.body.kind === TxKind.user).length);
  }
  return {
    mechanism: o.mechanism,
    options: o,
    metrics: rec.finish(state, traffic.offered, o.slotMs),
    series: rec.series,
    slotsLed: rec.slotsLed,
    profiles: population.map((p) => profileLabel(p.profile)),
    elapsedMs: performance.now() - started,
    state,
  };
}
