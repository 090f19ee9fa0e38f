/**
 * How long the `outage` fault (every node down at once) must last: longer than it takes,
 * under the miss-and-leak rules without an outage exemption, to eject every sequencer and
 * leak each one below the minimum stake (exit). Computed from the chain config and the
 * genesis stakes with core's own leak formula. Pure.
 */
import { BPS, computeLeak, createChainConfig, effectiveStake, minStakeOf, type ChainConfig, type Genesis } from "@baton/core";

/** An outage is never shorter than this, whatever the slot length. */
export const OUTAGE_FLOOR_MS = 60_000;
/** Safety bound on the leak simulation (a leak of at least 1 per epoch always ends sooner). */
const MAX_LEAK_EPOCHS = 1_000_000;

export interface OutageRules {
  config: ChainConfig;
  /** genesis stake (and token stakes) of each sequencer */
  sequencers: { stake: bigint; tokenStakes?: bigint[] }[];
}

export interface OutageLength {
  /** slots until every sequencer is ejected: each empty slot is one miss of one active sequencer */
  ejectSlots: number;
  /** epochs of leak until the slowest sequencer is below the minimum stake (0: no leak, nobody exits) */
  exitEpochs: number;
  /** ejectSlots + (exitEpochs + 1) epochs: the last ejection, its leak to exit, one epoch of margin */
  slots: number;
  /** max(OUTAGE_FLOOR_MS, slots × slotMs) */
  ms: number;
  floorMs: number;
}

export function outageRulesOf(genesis: Genesis): OutageRules {
  return { config: genesis.config, sequencers: genesis.sequencers.map((s) => ({ stake: s.stake, tokenStakes: s.tokenStakes })) };
}

/** The rules a devnet made with these parameters and the devnet defaults (generate.ts) will have. */
export function devnetOutageRules(p: { nodes: number; slotMs: number; slotsPerEpoch: number; missesToEject: number; stake: bigint }): OutageRules {
  const config = createChainConfig({ genesisTime: 0, slotMs: p.slotMs, slotsPerEpoch: p.slotsPerEpoch, missesToEject: p.missesToEject });
  return { config, sequencers: Array.from({ length: p.nodes }, () => ({ stake: p.stake })) };
}

/**
 * Epochs an ejected sequencer leaks before it is exited: at the k-th epoch transition after its
 * ejection it loses computeLeak(stake, leakRateBps, k); it exits once below minStakeOf(config).
 * Token stakes (pos) leak by the same rate. 0 when nothing can make it exit (no leak, or no
 * minimum): it would stay ejected.
 */
export function epochsToExit(seq: { stake: bigint; tokenStakes?: bigint[] }, config: ChainConfig): number {
  const min = minStakeOf(config);
  if (config.leakRateBps <= 0 || min <= 0n) return 0;
  let stake = seq.stake;
  let tokenStakes = seq.tokenStakes ?? [];
  for (let k = 1; k <= MAX_LEAK_EPOCHS; k++) {
    stake -= computeLeak(stake, config.leakRateBps, k);
    const bps = BigInt(config.leakRateBps) * BigInt(k);
    tokenStakes = tokenStakes.map((a) => (bps >= BPS ? 0n : a - (a * bps) / BPS));
    if (effectiveStake({ stake, tokenStakes }, config) < min) return k;
  }
  throw new RangeError(`leak: still above the minimum stake after ${MAX_LEAK_EPOCHS} epochs`);
}

export function outageLength(r: OutageRules, floorMs = OUTAGE_FLOOR_MS): OutageLength {
  const c = r.config;
  const ejectSlots = r.sequencers.length * c.missesToEject;
  const exitEpochs = Math.max(0, ...r.sequencers.map((s) => epochsToExit(s, c)));
  const slots = ejectSlots + (exitEpochs + 1) * c.slotsPerEpoch;
  return { ejectSlots, exitEpochs, slots, ms: Math.max(floorMs, slots * c.slotMs), floorMs };
}

/** "492 slots = 246.0 s (every sequencer ejected in 12 slots, leaked to exit in 29 epochs, +1 epoch)". */
export function describeOutageLength(l: OutageLength, slotMs: number): string {
  const why = `every sequencer ejected within ${l.ejectSlots} slots, ${l.exitEpochs > 0 ? `leaked to exit in ${l.exitEpochs} epochs` : "no leak"}, +1 epoch`;
  const computed = l.slots * slotMs;
  const floor = computed < l.floorMs ? `; floor ${(l.floorMs / 1000).toFixed(0)} s applies` : "";
  return `${l.slots} slots = ${(computed / 1000).toFixed(1)} s (${why})${floor} → ${(l.ms / 1000).toFixed(1)} s`;
}
