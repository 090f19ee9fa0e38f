/**
 * The simulated chain: config and genesis for one mechanism over a population. Keys are fake
 * bytes where nothing verifies them (the simulator skips signatures); joiners get real BLS
 * keys (a new sequencer's proof of possession is checked), so do sequencers that equivocate
 * (slash evidence is checked), and governance real ed25519 keys. A watcher account submits
 * slash evidence (the honest slasher). What differs by mechanism (its lab params, what a
 * sequencer locks, genesis fields, own actors) comes from its entry in mechanisms/.
 */
import {
  blsKeypairFromSeed,
  createChainConfig,
  createGenesisState,
  devnetPreset,
  ed25519FromSeed,
  sha256,
  uint64Bytes,
  type BlsKeypair,
  type ChainConfig,
  type Ed25519Keypair,
  type Genesis,
  type MechanismName,
  type State,
} from "@baton/core";
import { simMechanismOf } from "./mechanisms/index.js";
import type { SimSequencer } from "./population.js";
import { equivocatesFrom } from "./profiles.js";

export interface WorldOptions {
  mechanism: MechanismName;
  slotsPerEpoch: number;
  slotMs: number;
  committeeSize: number;
  seed: number;
  /** overrides of the simulator's default params for the mechanism */
  mechanismParams?: Record<string, unknown>;
}

export const MIN_STAKE = 1_000n;
export const USER_ACCOUNTS = 64;

/** What a sequencer bringing `stake` locks under `mechanism` (its `lockedStake`; default: the stake, which buys weight). */
export function lockedStake(mechanism: MechanismName, stake: bigint): bigint {
  return simMechanismOf(mechanism).lockedStake?.(stake) ?? stake;
}

export interface SimWorld {
  config: ChainConfig;
  state: State;
  population: SimSequencer[];
  /** sequencers in genesis (the rest join later, in order) */
  genesisCount: number;
  sequencerAccounts: Uint8Array[];
  joinerKeys: BlsKeypair[];
  /** BLS keys of the genesis sequencers that sign headers in the lab (equivocators), by index */
  signers: Map<number, BlsKeypair>;
  /** the honest slasher's account */
  watcher: Uint8Array;
  users: Uint8Array[];
  /** the accounts of the mechanism's own actors (dpos: delegators) */
  actors: Uint8Array[];
  governance: Ed25519Keypair[];
}

const label = (seed: number, what: string, i: number) => sha256(new TextEncoder().encode(`baton sim ${what}`), uint64Bytes(seed), uint64Bytes(i));

export function buildWorld(o: WorldOptions, population: SimSequencer[]): SimWorld {
  const mechanism = simMechanismOf(o.mechanism);
  const governance = [0, 1, 2].map((i) => ed25519FromSeed(label(o.seed, "governance", i)));
  const config = createChainConfig({
    chainId: 7,
    genesisTime: 0,
    slotMs: o.slotMs,
    slotsPerEpoch: o.slotsPerEpoch,
    committeeSize: o.committeeSize,
    // the devnet's miss, leak, slash and fee rules
    missesToEject: devnetPreset.missesToEject,
    leakRateBps: devnetPreset.leakRateBps,
    minStake: MIN_STAKE,
    slashFractionBps: devnetPreset.slashFractionBps,
    minFee: devnetPreset.minFee,
    maxBatchTxs: 4_096,
    mechanism: o.mechanism,
    mechanismParams: { ...mechanism.params, ...o.mechanismParams },
    governance: { threshold: 2, keys: governance.map((k) => k.publicKey) },
  });
  const genesisCount = population.filter((s) => s.profile.kind !== "joiner").length;
  const sequencerAccounts = population.map((_, i) => label(o.seed, "account", i));
  const joinerKeys = population.slice(genesisCount).map((_, j) => blsKeypairFromSeed(label(o.seed, "joiner", j)));
  const users = Array.from({ length: USER_ACCOUNTS }, (_, i) => label(o.seed, "user", i));
  const own = mechanism.actors?.(population);
  const actors = own === undefined ? [] : Array.from({ length: own.count }, (_, index) => label(o.seed, own.label, index));
  const signers = new Map<number, BlsKeypair>();
  population.slice(0, genesisCount).forEach((s, i) => {
    if (equivocatesFrom(s.profile) !== null) signers.set(i, blsKeypairFromSeed(label(o.seed, "signer", i)));
  });
  const watcher = label(o.seed, "watcher", 0);
  const genesis: Genesis = {
    config,
    sequencers: population.slice(0, genesisCount).map((s, i) => ({
      pubkey: signers.get(i)?.publicKey ?? new Uint8Array([...label(o.seed, "bls", i), ...label(o.seed, "bls2", i).subarray(0, 16)]),
      account: sequencerAccounts[i],
      stake: lockedStake(o.mechanism, s.stake),
      ...mechanism.genesisFields?.(s),
    })),
    accounts: [
      ...sequencerAccounts.map((pubkey) => ({ pubkey, balance: 10n ** 12n })),
      ...users.map((pubkey) => ({ pubkey, balance: 10n ** 15n })),
      ...actors.map((pubkey) => ({ pubkey, balance: own?.balance ?? 0n })),
      { pubkey: watcher, balance: 10n ** 9n },
    ],
  };
  return { config, state: createGenesisState(genesis), population, genesisCount, sequencerAccounts, joinerKeys, signers, watcher, users, actors, governance };
}
