/**
 * The simulated chain: config and genesis for one mechanism over a population. Keys are fake
 * bytes where nothing verifies them (the simulator skips signatures); joiners get real BLS
 * keys (a new sequencer's proof of possession is checked), so do sequencers that equivocate
 * (slash evidence is checked), and governance real ed25519 keys. A watcher account submits
 * slash evidence (the honest slasher).
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
/** The bond of poa authorities and auction bidders in the lab. */
export const SIM_BOND = 2_000n;
export const USER_ACCOUNTS = 64;

/** The simulator's defaults (each mechanism's own defaults fill the rest). */
export const SIM_PARAMS: Record<MechanismName, Record<string, unknown>> = {
  pos: {},
  poa: { bond: SIM_BOND },
  auction: { winners: 8, priceRule: "second", bond: SIM_BOND, reservePrice: 10n, disputeEpochs: 4 },
  dpos: { seats: 21, rewardPerBatch: 10n },
  performance: { halfLifeEpochs: 8, initialScorePpm: 500_000, probationEpochs: 16, baseBond: 1_000n, bondPerTx: 10n, volumeHalfLifeEpochs: 4 },
};

/**
 * What a sequencer locks: under poa and auction the bond the mechanism asks for plus a 50%
 * margin (so a short ejection's leak does not exit it; more would not add weight), under the
 * others the stake it brings (it buys weight).
 */
export function lockedStake(mechanism: MechanismName, stake: bigint): bigint {
  return mechanism === "poa" || mechanism === "auction" ? (SIM_BOND * 3n) / 2n : stake;
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
  delegators: Uint8Array[];
  governance: Ed25519Keypair[];
}

const label = (seed: number, what: string, i: number) => sha256(new TextEncoder().encode(`baton sim ${what}`), uint64Bytes(seed), uint64Bytes(i));

export function buildWorld(o: WorldOptions, population: SimSequencer[]): SimWorld {
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
    mechanismParams: { ...SIM_PARAMS[o.mechanism], ...o.mechanismParams },
    governance: { threshold: 2, keys: governance.map((k) => k.publicKey) },
  });
  const genesisCount = population.filter((s) => s.profile.kind !== "joiner").length;
  const sequencerAccounts = population.map((_, i) => label(o.seed, "account", i));
  const joinerKeys = population.slice(genesisCount).map((_, j) => blsKeypairFromSeed(label(o.seed, "joiner", j)));
  const users = Array.from({ length: USER_ACCOUNTS }, (_, i) => label(o.seed, "user", i));
  const delegators = o.mechanism === "dpos" ? population.map((_, i) => label(o.seed, "delegator", i)) : [];
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
      ...(o.mechanism === "dpos" ? { commissionBps: Math.min(s.commissionBps, 5_000) } : {}),
    })),
    accounts: [
      ...sequencerAccounts.map((pubkey) => ({ pubkey, balance: 10n ** 12n })),
      ...users.map((pubkey) => ({ pubkey, balance: 10n ** 15n })),
      ...delegators.map((pubkey) => ({ pubkey, balance: 10n ** 7n })),
      { pubkey: watcher, balance: 10n ** 9n },
    ],
  };
  return { config, state: createGenesisState(genesis), population, genesisCount, sequencerAccounts, joinerKeys, signers, watcher, users, delegators, governance };
}
