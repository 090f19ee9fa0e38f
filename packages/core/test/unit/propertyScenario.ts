/**
 * Random chains for the property tests (transition.properties.test.ts): a scenario is plain
 * data (chain parameters within their validated ranges, genesis, then steps: a slot gap and
 * abstract txs), so fast-check can shrink it; `runScenario` interprets it against the real
 * transition and checks the invariants of propertyInvariants.ts at every state it reaches.
 *
 * Txs are built against the state they will meet (nonces, balances, stakes, delegations, the
 * auction phase), so most are valid; a spec with `valid: false` is broken on purpose (a nonce
 * one ahead, evidence signed by another key, a signature short of the governance threshold, a
 * reveal that does not match its commitment) and must be refused.
 */
import * as fc from "fast-check";
import { computeEpoch, epochStartSlot, type ChainConfig } from "../../src/config/chainConfig.js";
import { createGenesisState, parseGenesis, type Genesis } from "../../src/config/genesis.js";
import type { BlsKeypair } from "../../src/crypto/bls.js";
import type { Ed25519Keypair } from "../../src/crypto/ed25519.js";
import { sha256, uint64Bytes } from "../../src/crypto/hash.js";
import { toHex } from "../../src/crypto/hex.js";
import { ConfigError, TxError } from "../../src/errors.js";
import { MECHANISM_NAMES, paramsOf, type MechanismName } from "../../src/mechanism/params.js";
import { signBatchHeader, signProofOfPossession } from "../../src/signing.js";
import { findSequencerIndex } from "../../src/transition/accounts.js";
import {
  applyBatch,
  applyTx,
  applyUnsignedBatch,
  buildBatch,
  computeStateRoot,
  findAccountIndex,
  findDelegation,
  makeAdmitTx,
  makeBidTx,
  makeCommissionTx,
  makeDelegateTx,
  makeEvictTx,
  makeRejoinTx,
  makeRevealTx,
  makeSlashTx,
  makeStakeTx,
  makeUndelegateTx,
  makeUnstakeTx,
  makeUserTx,
  processSlots,
  type TxFields,
} from "../../src/transition/index.js";
import { extraTokenCount } from "../../src/transition/sequencer.js";
import { effectiveLeaderOrNull } from "../../src/transition/slots.js";
import { SequencerStatus, TX_KIND_NAMES } from "../../src/types/enums.js";
import { MAX_AMOUNT, type BatchHeader, type SignedBatchHeader, type State, type Tx } from "../../src/types/ssz.js";
import { blsKey, edKey } from "./helpers.js";
import {
  describeSequencers,
  genesisSupply,
  holdsStake,
  outOfRange,
  roundTripProblems,
  tokenTotals,
  totalValue,
} from "./propertyInvariants.js";

const BPS = 10_000;

// ---------------------------------------------------------------- scenario data

/**
 * Before a step's batch: a few empty slots; the empty slots up to the next epoch's first slot,
 * or to the middle of the epoch (under auction: the first slot of the reveal phase); an outage
 * of whole epochs in which nobody produces; or one sequencer down for some slots while the
 * others produce (empty batches).
 */
export type Gap = { slots: number } | { to: "epochStart" | "midEpoch" } | { epochs: number; plus: number } | { down: number; slots: number };
/** An amount: a fraction (bps) of what the context makes sensible, or any u64. */
export type Pick = { frac: number } | { raw: bigint };

export const TX_KINDS = [
  ...["user", "stake", "unstake", "rejoin", "slash", "evict"] as const,
  ...["admit", "bid", "reveal", "delegate", "undelegate", "commission"] as const,
] as const;
export type TxKindName = (typeof TX_KINDS)[number];

export interface TxSpec {
  kind: TxKindName;
  /** the sender, an index into the actors (unless `own`) */
  actor: number;
  /** send from the account that controls the target sequencer */
  own: boolean;
  /** a sequencer index, modulo the count; TARGET_NONE: no such sequencer (stake: modulo count + 1, the last a new key) */
  target: number;
  amount: Pick;
  amount2: Pick;
  /** false: broken on purpose, must be refused */
  valid: boolean;
  restake: boolean;
  /** pos stake token (unstake) */
  token: number;
  /** above the chain's minFee (a huge one hunts overflows of the proposer's balance) */
  fee: bigint;
  /** which fresh BLS key (stake by a new key, admit) */
  key: number;
}

export interface StepSpec {
  gap: Gap;
  txs: TxSpec[];
}

export interface ChainSpec {
  mechanism: MechanismName;
  slotsPerEpoch: number;
  committeeSize: number;
  missesToEject: number;
  /** fitted: missWindow 1..64, maxWindowMisses < missWindow, unbondingEpochs >= evidenceEpochs + 2 */
  missWindow: number;
  maxWindowMisses: number;
  restartGraceEpochs: number;
  evidenceEpochs: number;
  extraUnbondingEpochs: number;
  leakRateBps: number;
  minStake: bigint;
  slashFractionBps: number;
  minFee: bigint;
  maxBatchTxs: number;
  /** raw numbers, fitted into each mechanism's ranges by genesisJson */
  params: MechanismKnobs;
  sequencers: { stake: bigint; tokenStakes: bigint[]; commissionBps: number }[];
  /** users' balances, then the sequencers' accounts' */
  balances: bigint[];
  governance: { keys: number; threshold: number };
}

/** Each mechanism's parameters as raw numbers, fitted into their ranges by genesisJson. */
export type MechanismKnobs =
  | { tokenWeights: number[] } // pos: 1..4 tokens, the first is native
  | { bond: bigint } // poa
  | {
      winners: number;
      priceRule: "first" | "second";
      bond: bigint;
      reservePrice: bigint;
      revealOffset: number;
      disputeEpochs: number;
      unrevealedPenaltyBps: number;
    } // auction
  | { seats: number; rewardPerBatch: bigint; maxCommissionBps: number; defaultCommissionBps: number; minDelegation: bigint } // dpos
  | {
      halfLifeEpochs: number;
      missWeight: number;
      floorScorePpm: number;
      initialScorePpm: number;
      probationEpochs: number;
      baseBond: bigint;
      bondPerTx: bigint;
      volumeHalfLifeEpochs: number;
    }; // performance

export interface Scenario {
  chain: ChainSpec;
  steps: StepSpec[];
}

// ---------------------------------------------------------------- arbitraries

const weighted = <T>(...arbs: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> =>
  fc.oneof(...arbs.map(([weight, arbitrary]) => ({ weight, arbitrary })));

/**
 * Amounts. Default: mostly small, sometimes one near the top of u64 (yet low enough that it
 * and all the small ones fit a genesis supply below 2^64). `large` (balances and tx amounts):
 * mostly 2^56..2^60, so that several fit, and a top-up times a large pos token weight passes
 * the u64 limit.
 */
export const amountArb = (typicalMax: bigint, large = false): fc.Arbitrary<bigint> =>
  large
    ? weighted([1, fc.bigInt(0n, typicalMax)], [3, fc.bigInt(1n << 56n, 1n << 60n)])
    : weighted([8, fc.bigInt(0n, typicalMax)], [1, fc.bigInt(MAX_AMOUNT - (1n << 30n), MAX_AMOUNT - (1n << 24n))]);

/** A fraction (bps) of what the context makes sensible, often all of it (a full exit); or a raw amount. */
const pickArb = (large: boolean): fc.Arbitrary<Pick> =>
  weighted<Pick>(
    [4, fc.integer({ min: 0, max: BPS }).map((frac) => ({ frac }))],
    [1, fc.constant({ frac: BPS })],
    [1, amountArb(1n << 20n, large).map((raw) => ({ raw }))],
  );

/** pos token weights: 1:1 mostly, sometimes 0, odd, or the u32 maximum; `large`: mostly above 1:1 (weight overflow hunting). */
const tokenWeightArb = (large: boolean): fc.Arbitrary<number> =>
  large
    ? weighted([1, fc.constant(BPS)], [3, fc.integer({ min: BPS + 1, max: 2 ** 32 - 1 })], [1, fc.constant(2 ** 32 - 1)])
    : weighted([4, fc.constant(BPS)], [3, fc.integer({ min: 1, max: 20_000 })], [1, fc.constant(0)], [1, fc.constant(2 ** 32 - 1)]);

const knobsArb = (mechanism: MechanismName, large: boolean): fc.Arbitrary<MechanismKnobs> => {
  switch (mechanism) {
    case "pos":
      return fc.record({ tokenWeights: fc.array(tokenWeightArb(large), { minLength: 1, maxLength: 4 }) });
    case "poa":
      return fc.record({ bond: fc.bigInt(0n, 5_000n) });
    case "auction":
      return fc.record({
        winners: fc.integer({ min: 1, max: 4 }),
        priceRule: fc.constantFrom("first" as const, "second" as const),
        bond: fc.bigInt(1n, 5_000n),
        reservePrice: fc.bigInt(0n, 500n),
        revealOffset: fc.noBias(fc.nat(64)), // unbiased: small values would leave a one-slot commit phase
        disputeEpochs: fc.integer({ min: 1, max: 4 }),
        unrevealedPenaltyBps: fc.integer({ min: 0, max: BPS }),
      });
    case "dpos":
      return fc.record({
        seats: fc.integer({ min: 0, max: 4 }),
        rewardPerBatch: amountArb(100n, large),
        maxCommissionBps: fc.integer({ min: 0, max: BPS }),
        defaultCommissionBps: fc.nat(BPS),
        minDelegation: fc.bigInt(1n, 100n),
      });
    case "performance":
      return fc.record({
        halfLifeEpochs: fc.integer({ min: 1, max: 8 }),
        missWeight: fc.integer({ min: 1, max: 10 }),
        floorScorePpm: fc.integer({ min: 0, max: 1_000_000 }),
        initialScorePpm: fc.nat(1_000_000),
        probationEpochs: fc.integer({ min: 0, max: 4 }),
        baseBond: fc.bigInt(1n, 5_000n),
        bondPerTx: fc.bigInt(0n, 10n),
        volumeHalfLifeEpochs: fc.integer({ min: 1, max: 4 }),
      });
  }
};

export const MAX_SEQUENCERS = 5;
const TARGET_NONE = MAX_SEQUENCERS + 3;
export const USERS = 3;

export const chainSpecArb = (mechanism: MechanismName, large = false): fc.Arbitrary<ChainSpec> =>
  fc.record({
    mechanism: fc.constant(mechanism),
    slotsPerEpoch: fc.integer({ min: mechanism === "auction" ? 2 : 1, max: 8 }), // auction: commits, then reveals
    committeeSize: fc.integer({ min: 0, max: MAX_SEQUENCERS + 1 }),
    missesToEject: fc.integer({ min: 1, max: 4 }),
    missWindow: fc.integer({ min: 1, max: 64 }),
    maxWindowMisses: fc.nat(63),
    restartGraceEpochs: weighted([3, fc.constant(0)], [2, fc.integer({ min: 1, max: 3 })]),
    evidenceEpochs: fc.integer({ min: 1, max: 3 }),
    extraUnbondingEpochs: fc.integer({ min: 0, max: 2 }),
    leakRateBps: weighted([3, fc.integer({ min: 0, max: BPS })], [1, fc.constant(BPS)]),
    minStake: fc.bigInt(1n, 5_000n),
    slashFractionBps: fc.integer({ min: 0, max: BPS }),
    minFee: fc.bigInt(0n, 2n),
    maxBatchTxs: fc.integer({ min: 1, max: 8 }),
    params: knobsArb(mechanism, large),
    sequencers: fc.array(
      fc.record({
        // stakes stay small in `large` chains: with the large token weights genesis would refuse most
        stake: weighted([4, fc.bigInt(5_000n, 50_000n)], [1, amountArb(50_000n)]),
        tokenStakes: fc.array(amountArb(50_000n), { maxLength: 3 }), // pos: tokens 1..3 (missing = 0)
        commissionBps: fc.nat(BPS), // dpos
      }),
      { minLength: 1, maxLength: MAX_SEQUENCERS, size: "max" },
    ),
    balances: fc.array(weighted([large ? 1 : 12, fc.bigInt(10_000n, 1_000_000n)], [1, amountArb(1_000_000n, large)]), {
      minLength: USERS + MAX_SEQUENCERS,
      maxLength: USERS + MAX_SEQUENCERS,
    }),
    governance: fc.record({ keys: weighted([1, fc.constant(0)], [4, fc.integer({ min: 1, max: 3 })]), threshold: fc.nat(3) }),
  });

/** The kinds a mechanism uses weigh more; the others are still sent (and must be refused). */
function kindWeights(mechanism: MechanismName): [number, TxKindName][] {
  const own: Record<MechanismName, TxKindName[]> = {
    pos: [],
    poa: ["admit"],
    auction: ["bid", "reveal"],
    dpos: ["delegate", "undelegate", "commission"],
    performance: [],
  };
  const base: Partial<Record<TxKindName, number>> = { user: 4, stake: 3, unstake: 3, rejoin: 2, slash: 2, evict: 2 };
  return TX_KINDS.map((k) => [own[mechanism].includes(k) ? 10 : (base[k] ?? 1), k]);
}

export const txSpecArb = (mechanism: MechanismName, large = false): fc.Arbitrary<TxSpec> =>
  fc.record({
    kind: weighted(...kindWeights(mechanism).map(([w, k]): [number, fc.Arbitrary<TxKindName>] => [w, fc.constant(k)])),
    actor: fc.nat(USERS + MAX_SEQUENCERS), // the last: the first authority's account (exists once it earned a fee)
    own: weighted([4, fc.constant(true)], [1, fc.constant(false)]),
    target: fc.nat(TARGET_NONE),
    amount: pickArb(large),
    amount2: pickArb(large),
    valid: weighted([6, fc.constant(true)], [1, fc.constant(false)]),
    restake: weighted([3, fc.constant(false)], [1, fc.constant(true)]),
    token: fc.nat(3),
    fee: weighted([12, fc.bigInt(0n, 3n)], [1, fc.bigInt(MAX_AMOUNT - 1_000n, MAX_AMOUNT)]),
    key: fc.nat(3),
  });

/** Mostly the next slot; some short gaps; to a phase of the epoch; one sequencer down for a while (misses, ejections); outages of whole epochs. */
export const gapArb: fc.Arbitrary<Gap> = weighted<Gap>(
  [8, fc.constant({ slots: 1 })],
  [3, fc.integer({ min: 2, max: 6 }).map((slots) => ({ slots }))],
  [4, fc.constantFrom({ to: "epochStart" as const }, { to: "midEpoch" as const })],
  [2, fc.record({ down: fc.nat(MAX_SEQUENCERS), slots: fc.noBias(fc.integer({ min: 1, max: 16 })) })],
  [1, fc.record({ epochs: fc.integer({ min: 1, max: 12 }), plus: fc.nat(7) })],
);

export interface ScenarioOptions {
  maxSteps?: number;
  gap?: fc.Arbitrary<Gap>;
  /** amounts of 2^56..2^60 and pos token weights above 1:1 (see amountArb) */
  large?: boolean;
}

export const scenarioArb = (mechanism: MechanismName, opts: ScenarioOptions = {}): fc.Arbitrary<Scenario> =>
  fc.record({
    chain: chainSpecArb(mechanism, opts.large),
    steps: fc.array(fc.record({ gap: opts.gap ?? gapArb, txs: fc.array(txSpecArb(mechanism, opts.large), { maxLength: 4, size: "max" }) }), {
      minLength: 1,
      maxLength: opts.maxSteps ?? 12,
      size: "max",
    }),
  });

export { MECHANISM_NAMES };

// ---------------------------------------------------------------- keys

const GENESIS_SEQUENCER_KEYS = Array.from({ length: MAX_SEQUENCERS }, (_, i) => blsKey(`prop-seq${i}`));
const FRESH_BLS_KEYS = Array.from({ length: 4 }, (_, i) => blsKey(`prop-fresh${i}`));
const USER_KEYS = Array.from({ length: USERS }, (_, i) => edKey(`prop-user${i}`));
const SEQUENCER_ACCOUNT_KEYS = Array.from({ length: MAX_SEQUENCERS }, (_, i) => edKey(`prop-seqacc${i}`));
/** accounts of authorities admitted by governance: unfunded until they earn fees */
const AUTHORITY_KEYS = Array.from({ length: 4 }, (_, i) => edKey(`prop-authority${i}`));
const GOVERNANCE_KEYS = Array.from({ length: 3 }, (_, i) => edKey(`prop-gov${i}`));
const ACTORS: Ed25519Keypair[] = [...USER_KEYS, ...SEQUENCER_ACCOUNT_KEYS, ...AUTHORITY_KEYS];
const ACTOR_BY_KEY = new Map(ACTORS.map((k) => [toHex(k.publicKey), k]));
const BLS_BY_KEY = new Map([...GENESIS_SEQUENCER_KEYS, ...FRESH_BLS_KEYS].map((k) => [toHex(k.publicKey), k]));

/** BLS signatures are the slow part of a run: the same ones are made again and again, so keep them. */
const signatureCache = new Map<string, Uint8Array>();
function cached(id: string, sign: () => Uint8Array): Uint8Array {
  let sig = signatureCache.get(id);
  if (sig === undefined) signatureCache.set(id, (sig = sign()));
  return sig;
}
const proofOfPossession = (chainId: number, key: BlsKeypair): Uint8Array =>
  cached(`pop:${chainId}:${toHex(key.publicKey)}`, () => signProofOfPossession(chainId, key));
const withPop = (chainId: number, key: BlsKeypair) => ({ pubkey: key.publicKey, proofOfPossession: proofOfPossession(chainId, key) });
const cachedHeaderSignature = (h: BatchHeader, key: BlsKeypair): Uint8Array =>
  cached(`header:${toHex(key.publicKey)}:${h.slot}:${h.proposerIndex}:${toHex(h.txRoot)}`, () => signBatchHeader(h, key));

// ---------------------------------------------------------------- genesis

const fit = (raw: number, min: number, max: number): number => min + (raw % (max - min + 1));

/** The mechanismParams of genesis: the knobs, fitted into the ranges that depend on other fields. */
function mechanismParamsJson(c: ChainSpec): Record<string, unknown> {
  const k = c.params;
  const json = Object.fromEntries(Object.entries(k).map(([name, v]) => [name, typeof v === "bigint" ? v.toString() : v]));
  if ("tokenWeights" in k) return { tokens: k.tokenWeights.map((weightBps, t) => ({ name: t === 0 ? "native" : `tok${t}`, weightBps })) };
  if ("revealOffset" in k) return { ...json, revealOffset: fit(k.revealOffset, 1, c.slotsPerEpoch - 1) };
  if ("maxCommissionBps" in k) return { ...json, defaultCommissionBps: fit(k.defaultCommissionBps, 0, k.maxCommissionBps) };
  if ("initialScorePpm" in k) return { ...json, initialScorePpm: fit(k.initialScorePpm, k.floorScorePpm, 1_000_000) };
  return json;
}

/** The genesis JSON of a chain spec: what an operator would write, validated by parseGenesis. */
export function genesisJson(c: ChainSpec): Record<string, unknown> {
  const tokens = "tokenWeights" in c.params ? c.params.tokenWeights.length : 1;
  const maxCommissionBps = "maxCommissionBps" in c.params ? c.params.maxCommissionBps : 0;
  const governance = GOVERNANCE_KEYS.slice(0, c.governance.keys);
  return {
    chainId: 1,
    genesisTime: 0,
    slotMs: 1000,
    slotsPerEpoch: c.slotsPerEpoch,
    committeeSize: c.committeeSize,
    missesToEject: c.missesToEject,
    missWindow: c.missWindow,
    maxWindowMisses: fit(c.maxWindowMisses, 0, c.missWindow - 1),
    restartGraceEpochs: c.restartGraceEpochs,
    evidenceEpochs: c.evidenceEpochs,
    unbondingEpochs: c.evidenceEpochs + 2 + c.extraUnbondingEpochs,
    leakRateBps: c.leakRateBps,
    minStake: c.minStake.toString(),
    slashFractionBps: c.slashFractionBps,
    minFee: c.minFee.toString(),
    maxBatchTxs: c.maxBatchTxs,
    maxPayloadBytes: 64,
    mechanism: c.mechanism,
    mechanismParams: mechanismParamsJson(c),
    ...(governance.length > 0
      ? { governance: { threshold: fit(c.governance.threshold, 1, governance.length), keys: governance.map((k) => toHex(k.publicKey)) } }
      : {}),
    sequencers: c.sequencers.map((s, i) => ({
      pubkey: toHex(GENESIS_SEQUENCER_KEYS[i].publicKey),
      account: toHex(SEQUENCER_ACCOUNT_KEYS[i].publicKey),
      stake: s.stake.toString(),
      ...(tokens > 1 && s.tokenStakes.length > 0
        ? { stakes: Object.fromEntries(s.tokenStakes.slice(0, tokens - 1).map((a, t) => [`tok${t + 1}`, a.toString()])) }
        : {}),
      ...(c.mechanism === "dpos" ? { commissionBps: fit(s.commissionBps, 0, maxCommissionBps) } : {}),
    })),
    accounts: [...USER_KEYS, ...SEQUENCER_ACCOUNT_KEYS].map((k, i) => ({ pubkey: toHex(k.publicKey), balance: c.balances[i].toString() })),
  };
}

/** The validated genesis, or null (the run is skipped) when genesis refuses the stakes: below the minimum, or amounts beyond u64. */
export function parseSpecGenesis(c: ChainSpec): Genesis | null {
  try {
    return parseGenesis(genesisJson(c));
  } catch (e) {
    if (e instanceof ConfigError && /^sequencers\[\d+\]\.stakes?$|^accounts$/.test(e.type.field)) return null;
    throw e;
  }
}

// ---------------------------------------------------------------- running a scenario

export type PropertyName = "value" | "ranges" | "leader" | "determinism" | "refusals";
export const ALL_PROPERTIES: ReadonlySet<PropertyName> = new Set(["value", "ranges", "leader", "determinism", "refusals"]);

export interface RunOptions {
  /** which properties to check (default: all) */
  check?: ReadonlySet<PropertyName>;
  /** produce with buildBatch (BLS-signed) and import with applyBatch, instead of the simulator's unsigned path */
  signed?: boolean;
}

export interface RunStats {
  batches: number;
  slots: number;
  txs: number;
  included: number;
  /** kinds of which at least one tx was accepted */
  acceptedKinds: Set<TxKindName>;
  /** gaps longer than an epoch */
  outages: number;
  /** the chain stopped: no leader, and nobody holds stake */
  halted: boolean;
}

/** A property that does not hold, with where it broke. */
export class PropertyViolation extends Error {
  constructor(property: PropertyName, where: string, details: string[]) {
    super(`[${property}] ${where}: ${details.join("; ")}`);
    this.name = "PropertyViolation";
  }
}

interface Run {
  config: ChainConfig;
  supply: bigint;
  tokenSupply: bigint[];
  check: ReadonlySet<PropertyName>;
  /** the (amount, salt) of each included sealed bid, by "sequencer:epoch" */
  bidSecrets: Map<string, { amount: bigint; salt: Uint8Array }>;
  counter: number;
}

/** Runs the scenario, checking the chosen properties at every state; throws PropertyViolation. Null: genesis refused it (skip). */
export function runScenario(sc: Scenario, opts: RunOptions = {}): RunStats | null {
  const genesis = parseSpecGenesis(sc.chain);
  if (genesis === null) return null;
  const config = genesis.config;
  let state = createGenesisState(genesis);
  const run: Run = {
    config,
    supply: genesisSupply(genesis),
    tokenSupply: tokenTotals(state, extraTokenCount(config)),
    check: opts.check ?? ALL_PROPERTIES,
    bidSecrets: new Map(),
    counter: 0,
  };
  const stats: RunStats = { batches: 0, slots: 0, txs: 0, included: 0, acceptedKinds: new Set(), outages: 0, halted: false };
  checkState(run, state, "genesis");

  for (const [i, step] of sc.steps.entries()) {
    if ("down" in step.gap) {
      const down = step.gap.down % state.sequencers.length;
      const after = runWithOneDown(run, state, down, step.gap.slots, `step ${i} (sequencer ${down} down from slot ${state.slot + 1})`, stats);
      if (after === null) {
        stats.halted = true;
        return stats;
      }
      state = after;
    }
    const gap = gapSlots(step.gap, state.slot, config);
    const slot = state.slot + gap;
    const where = `step ${i} (slot ${slot}, after a gap of ${gap})`;
    stats.slots += gap;
    if (gap > config.slotsPerEpoch) stats.outages++;
    checkLeadersInGap(run, state, slot, where);
    const pre = processSlots(state, slot, config);
    if (gap > 1) checkState(run, pre, `${where}, the empty slots processed`);
    const leader = leaderOf(run, pre, slot, where);
    if (leader === null) {
      stats.halted = true; // nobody holds stake (leaderOf checked): the chain may stop
      return stats;
    }
    const { txs, included } = buildTxs(run, step.txs, pre, slot, leader, where, stats.acceptedKinds);
    stats.txs += txs.length;
    stats.included += included.length;
    state = opts.signed
      ? applySigned(run, state, slot, leader, txs, included, where)
      : applyUnsigned(run, state, pre, slot, leader, txs, included, where);
    stats.batches++;
    checkState(run, state, `${where}, after the batch`);
  }
  return stats;
}

/** The slots from the last batch to the step's batch (a `down` gap has run already: the next slot). */
function gapSlots(gap: Gap, lastSlot: number, config: ChainConfig): number {
  if ("epochs" in gap) return gap.epochs * config.slotsPerEpoch + (gap.plus % config.slotsPerEpoch) + 1;
  if ("down" in gap) return 1;
  if ("slots" in gap) return gap.slots;
  const spe = config.slotsPerEpoch;
  const offset = gap.to === "epochStart" ? 0 : config.mechanism === "auction" ? paramsOf(config, "auction").revealOffset : Math.floor(spe / 2);
  const next = Math.floor(lastSlot / spe) * spe + offset;
  return next > lastSlot ? next - lastSlot : next + spe - lastSlot;
}

/**
 * Sequencer `down` misses its slots for `slots` slots while every other leader produces an
 * empty batch: the misses of one sequencer (ejection, the leak), not the network's outage.
 * Null: the chain stopped (no leader, nobody holds stake).
 */
function runWithOneDown(run: Run, state: State, down: number, slots: number, where: string, stats: RunStats): State | null {
  const end = state.slot + slots;
  for (let s = state.slot + 1; s <= end; s++) {
    const leader = leaderOf(run, processSlots(state, s, run.config), s, `${where}, slot ${s}`);
    if (leader === null) return null;
    if (leader === down) continue;
    state = applyUnsignedBatch(state, run.config, { slot: s, proposerIndex: leader, txs: [], randaoReveal: randaoOf(s) }).state;
    stats.batches++;
  }
  stats.slots += slots;
  checkState(run, state, `${where}, after slot ${end}`);
  return state;
}

/**
 * The `leader` property inside a gap: a node that would produce at slot s processes the slots
 * from the last batch's state (processSlots(state, s)) and needs a leader there. Every slot of
 * a short gap is checked; in a long one, the first two epochs, every epoch's first slot and the
 * last slot (each check processes the gap from its start).
 */
function checkLeadersInGap(run: Run, state: State, slot: number, where: string): void {
  if (!run.check.has("leader")) return;
  const spe = run.config.slotsPerEpoch;
  for (let s = state.slot + 1; s < slot; s++) {
    if (s - state.slot > 2 * spe && s % spe !== 0 && s !== slot - 1) continue;
    leaderOf(run, processSlots(state, s, run.config), s, `${where}, slot ${s} of the gap`);
  }
}

/** The effective leader of `slot` (state processed up to it); none while stake is held breaks the `leader` property. */
function leaderOf(run: Run, state: State, slot: number, where: string): number | null {
  const leader = effectiveLeaderOrNull(state, run.config, slot);
  if (leader !== null) return leader;
  if (run.check.has("leader") && state.sequencers.some(holdsStake)) {
    throw new PropertyViolation("leader", where, [`no leader although stake is held: ${describeSequencers(state)}`]);
  }
  return null;
}

/** Builds each tx against the state left by the ones before it (applyTx), as the batch will apply them. */
function buildTxs(
  run: Run,
  specs: TxSpec[],
  pre: State,
  slot: number,
  leader: number,
  where: string,
  acceptedKinds: Set<TxKindName>,
): { txs: Tx[]; included: Tx[] } {
  const txs: Tx[] = [];
  const included: Tx[] = [];
  let cur = pre;
  for (const [k, spec] of specs.entries()) {
    if (included.length >= run.config.maxBatchTxs) break;
    const built = buildTx(run, spec, cur, slot);
    txs.push(built.tx);
    let next: State;
    try {
      next = applyTx(cur, built.tx, leader, run.config, { verifySignature: false }); // signed by construction (the signed run verifies)
    } catch (e) {
      if (e instanceof TxError) continue;
      throw new Error(`${where}, tx ${k} (${spec.kind}) threw ${(e as Error).name}: ${(e as Error).message}`);
    }
    if (built.mustRefuse !== null && run.check.has("refusals")) {
      throw new PropertyViolation("refusals", `${where}, tx ${k} (${spec.kind})`, [`accepted although ${built.mustRefuse}`]);
    }
    built.onIncluded?.();
    acceptedKinds.add(TX_KIND_NAMES[built.tx.body.kind] as TxKindName);
    included.push(built.tx);
    cur = next;
  }
  return { txs, included };
}

const randaoOf = (slot: number): Uint8Array => {
  const h = sha256(uint64Bytes(slot));
  return new Uint8Array([...h, ...h, ...h]);
};

/**
 * The simulator's path. Determinism: applied twice, the same root; and the same root from the
 * included txs alone (the refused ones change nothing) on the parent already processed up to
 * the slot (processSlots is idempotent: slots.ts).
 */
function applyUnsigned(run: Run, state: State, pre: State, slot: number, leader: number, txs: Tx[], included: Tx[], where: string): State {
  const batch = { slot, proposerIndex: leader, txs, randaoReveal: randaoOf(slot) };
  const first = applyUnsignedBatch(state, run.config, batch);
  if (run.check.has("determinism")) {
    const problems: string[] = [];
    if (first.included !== included.length) problems.push(`the batch included ${first.included} txs, one by one ${included.length} were valid`);
    const root = toHex(computeStateRoot(first.state));
    const again = toHex(computeStateRoot(applyUnsignedBatch(state, run.config, batch).state));
    if (again !== root) problems.push(`applied twice: roots ${root} and ${again}`);
    const lean = applyUnsignedBatch(pre, run.config, { ...batch, txs: included });
    const leanRoot = toHex(computeStateRoot(lean.state));
    if (lean.dropped.length > 0 || leanRoot !== root) {
      problems.push(`the included txs alone on the parent processed up to slot ${slot} give root ${leanRoot}, all of them on the parent ${root}`);
    }
    if (problems.length > 0) throw new PropertyViolation("determinism", where, problems);
  }
  return first.state;
}

/** The producer's and importer's path (BLS): applyBatch twice gives the header's root, as does the simulator with the same reveal. */
function applySigned(run: Run, state: State, slot: number, leader: number, txs: Tx[], included: Tx[], where: string): State {
  const key = BLS_BY_KEY.get(toHex(state.sequencers[leader].pubkey));
  if (key === undefined) throw new Error(`${where}: no BLS key for sequencer ${leader}`);
  const built = buildBatch(state, run.config, { slot, proposerIndex: leader, parentRoot: new Uint8Array(32), candidateTxs: txs, blsKey: key });
  const imported = applyBatch(state, built.batch, run.config);
  if (run.check.has("determinism")) {
    const problems: string[] = [];
    if (built.included.length !== included.length) {
      problems.push(`buildBatch included ${built.included.length} txs, one by one ${included.length} were valid`);
    }
    const root = toHex(built.batch.header.stateRoot);
    const again = toHex(computeStateRoot(applyBatch(state, built.batch, run.config)));
    const { txs: batchTxs, header } = built.batch;
    const simulated = applyUnsignedBatch(state, run.config, { slot, proposerIndex: leader, txs: batchTxs, randaoReveal: header.randaoReveal });
    const sim = toHex(computeStateRoot(simulated.state));
    if (toHex(computeStateRoot(imported)) !== root || again !== root) problems.push(`applyBatch twice: ${again}, header ${root}`);
    if (sim !== root) problems.push(`the simulator reaches ${sim}, the signed batch ${root}`);
    if (problems.length > 0) throw new PropertyViolation("determinism", where, problems);
  }
  return imported;
}

/** Value conservation, ranges and the encoding round trip of one state. */
function checkState(run: Run, state: State, where: string): void {
  if (run.check.has("value")) {
    const problems: string[] = [];
    const total = totalValue(state);
    const expected = run.supply + state.issued;
    if (total !== expected) {
      problems.push(`total ${total} ≠ genesis supply ${run.supply} + issued ${state.issued} (off by ${total - expected})`);
    }
    if (state.supply !== expected) problems.push(`state.supply ${state.supply} ≠ genesis supply ${run.supply} + issued ${state.issued}`);
    tokenTotals(state, run.tokenSupply.length).forEach((t, k) => {
      if (t > run.tokenSupply[k]) problems.push(`token ${k + 1}: ${t} units exist, genesis had ${run.tokenSupply[k]}`);
    });
    if (problems.length > 0) throw new PropertyViolation("value", where, problems);
  }
  if (run.check.has("ranges")) {
    const problems = outOfRange(state);
    if (problems.length === 0) problems.push(...roundTripProblems(state));
    if (problems.length > 0) throw new PropertyViolation("ranges", where, problems);
  }
}

// ---------------------------------------------------------------- txs from specs

interface BuiltTx {
  tx: Tx;
  /** why it must be refused (broken on purpose), or null */
  mustRefuse: string | null;
  onIncluded?: () => void;
}

/** What a tx builder needs: the spec and the state the tx will meet. */
interface TxContext {
  run: Run;
  spec: TxSpec;
  cur: State;
  slot: number;
  chainId: number;
  fee: bigint;
  /** the sequencer the spec aims at; = the sequencer count for none */
  target: number;
}

const resolve = (p: Pick, base: bigint): bigint => ("raw" in p ? p.raw : base <= 0n ? 0n : (base * BigInt(p.frac)) / BigInt(BPS));
const clampAmount = (a: bigint): bigint => (a > MAX_AMOUNT ? MAX_AMOUNT : a < 0n ? 0n : a);
const bpsOf = (p: Pick): number => ("frac" in p ? p.frac : Number(p.raw % 20_001n));
const accountOf = (state: State, key: Ed25519Keypair) => state.accounts[findAccountIndex(state.accounts, key.publicKey)];
const spendableOf = (c: TxContext, key: Ed25519Keypair): bigint => (accountOf(c.cur, key)?.balance ?? 0n) - c.fee;
const actorOf = (c: TxContext): Ed25519Keypair => ACTORS[c.spec.actor % ACTORS.length];

/** The account that controls sequencer `index` when the spec says `own` (and it is an actor), else the spec's actor. */
function senderFor(c: TxContext, index: number): Ed25519Keypair {
  const seq = c.cur.sequencers[index];
  const controller = seq === undefined ? undefined : ACTOR_BY_KEY.get(toHex(seq.account));
  return c.spec.own && controller !== undefined ? controller : actorOf(c);
}

/** `make` at the sender's next nonce: one ahead (and so to be refused) when the spec is broken on purpose. */
function atNonce(c: TxContext, sender: Ed25519Keypair, make: (f: TxFields) => Tx): BuiltTx {
  const nonce = (accountOf(c.cur, sender)?.nonce ?? 0) + (c.spec.valid ? 0 : 1);
  return { tx: make({ nonce, fee: c.fee }), mustRefuse: c.spec.valid ? null : "its nonce is one ahead" };
}

/** `make` at the sender's next nonce, for the kinds broken another way (`brokenBecause`). */
function atRightNonce(c: TxContext, sender: Ed25519Keypair, make: (f: TxFields) => Tx, brokenBecause: string | null): BuiltTx {
  return { tx: make({ nonce: accountOf(c.cur, sender)?.nonce ?? 0, fee: c.fee }), mustRefuse: brokenBecause };
}

/** The first `threshold` governance keys; one fewer when the spec is broken on purpose. */
function governanceSigners(c: TxContext): { signers: { signer: number; key: Ed25519Keypair }[]; broken: string | null } {
  const { threshold } = c.run.config.governance;
  const n = c.spec.valid ? threshold : Math.max(0, threshold - 1);
  const broken = c.spec.valid ? null : `it carries ${n} of the ${threshold} governance signatures needed`;
  return { signers: GOVERNANCE_KEYS.slice(0, n).map((key, signer) => ({ signer, key })), broken };
}

function userTx(c: TxContext): BuiltTx {
  const sender = actorOf(c);
  return atNonce(c, sender, (f) => makeUserTx(c.chainId, sender, { ...f, payload: uint64Bytes(c.run.counter++) }));
}

/** A top-up of the target, or (target none) a new sequencer with a fresh key; broken: a proof of possession by another key. */
function stakeTx(c: TxContext): BuiltTx {
  const seq = c.cur.sequencers[c.target];
  const sender = senderFor(c, c.target);
  const amount = clampAmount(resolve(c.spec.amount, spendableOf(c, sender)));
  const key = seq === undefined ? FRESH_BLS_KEYS[c.spec.key % FRESH_BLS_KEYS.length] : (BLS_BY_KEY.get(toHex(seq.pubkey)) as BlsKeypair);
  if (!c.spec.valid && findSequencerIndex(c.cur.sequencers, key.publicKey) < 0) {
    const pop = proofOfPossession(c.chainId, GENESIS_SEQUENCER_KEYS[0]);
    const make = (f: TxFields) => makeStakeTx(c.chainId, sender, { ...f, amount, pubkey: key.publicKey, proofOfPossession: pop });
    return atRightNonce(c, sender, make, "its proof of possession is by another key");
  }
  return atNonce(c, sender, (f) => makeStakeTx(c.chainId, sender, { ...f, amount, ...withPop(c.chainId, key) }));
}

/** Some of the target's stake in one of its tokens (pos), maybe as a temporary withdrawal (restake). */
function unstakeTx(c: TxContext): BuiltTx {
  const { config } = c.run;
  const seq = c.cur.sequencers[c.target];
  const token = config.mechanism === "pos" ? c.spec.token % (extraTokenCount(config) + 1) : 0;
  const staked = seq === undefined ? 0n : token === 0 ? seq.stake : (seq.tokenStakes[token - 1] ?? 0n);
  const amount = clampAmount(resolve(c.spec.amount, staked));
  const sender = senderFor(c, c.target);
  return atNonce(c, sender, (f) => makeUnstakeTx(c.chainId, sender, { ...f, sequencerIndex: c.target, amount, restake: c.spec.restake, token }));
}

/** Rejoin of an ejected sequencer if there is one (the target picks which). */
function rejoinTx(c: TxContext): BuiltTx {
  const ejected = c.cur.sequencers.flatMap((q, i) => (q.status === SequencerStatus.ejected ? [i] : []));
  const index = ejected.length > 0 ? ejected[c.spec.target % ejected.length] : c.target;
  const sender = senderFor(c, index);
  return atNonce(c, sender, (f) => makeRejoinTx(c.chainId, sender, { ...f, sequencerIndex: index }));
}

/** Evidence of equivocation by the target at the current slot; broken: the second header signed by another key. */
function slashTx(c: TxContext): BuiltTx {
  const seq = c.cur.sequencers[c.target];
  const offender = (seq === undefined ? undefined : BLS_BY_KEY.get(toHex(seq.pubkey))) ?? GENESIS_SEQUENCER_KEYS[0];
  const other = offender === FRESH_BLS_KEYS[0] ? FRESH_BLS_KEYS[1] : FRESH_BLS_KEYS[0];
  const header = (tag: number): BatchHeader => ({
    chainId: c.chainId,
    slot: Math.max(1, c.cur.slot), // inside the evidence window
    height: 1,
    proposerIndex: c.target,
    parentRoot: new Uint8Array(32),
    txRoot: sha256(uint64Bytes(tag)),
    stateRoot: new Uint8Array(32),
    randaoReveal: new Uint8Array(96),
  });
  const signed = (h: BatchHeader, k: BlsKeypair): SignedBatchHeader => ({ header: h, signature: cachedHeaderSignature(h, k) });
  const header1 = signed(header(1), offender);
  const header2 = signed(header(2), c.spec.valid ? offender : other);
  const sender = actorOf(c); // anyone may submit evidence
  const broken = c.spec.valid ? null : "the second header is signed by another key";
  return atRightNonce(c, sender, (f) => makeSlashTx(c.chainId, sender, { ...f, header1, header2 }), broken);
}

function evictTx(c: TxContext): BuiltTx {
  const { signers, broken } = governanceSigners(c);
  const sender = actorOf(c);
  const action = { sequencerIndex: c.target, penaltyBps: bpsOf(c.spec.amount), governanceNonce: c.cur.governanceNonce, signers };
  return atRightNonce(c, sender, (f) => makeEvictTx(c.chainId, sender, { ...f, ...action }), broken);
}

/** A fresh BLS key for one of the authority accounts (poa). */
function admitTx(c: TxContext): BuiltTx {
  const { signers, broken } = governanceSigners(c);
  const sender = actorOf(c);
  const blsKey = FRESH_BLS_KEYS[c.spec.key % FRESH_BLS_KEYS.length];
  const account = AUTHORITY_KEYS[c.spec.key % AUTHORITY_KEYS.length].publicKey;
  const action = { blsKey, account, governanceNonce: c.cur.governanceNonce, signers };
  return atRightNonce(c, sender, (f) => makeAdmitTx(c.chainId, sender, { ...f, ...action }), broken);
}

/** Whether the batch's slot is in the reveal part of its epoch (auction). */
function revealing(c: TxContext): boolean {
  const { config } = c.run;
  if (config.mechanism !== "auction") return false;
  return c.slot - epochStartSlot(config, computeEpoch(config, c.slot)) >= paramsOf(config, "auction").revealOffset;
}

/**
 * The auction's move of the phase, for both `bid` and `reveal` specs: in the reveal phase with
 * a bid sealed for the epoch after next, its reveal; otherwise a sealed bid (refused in the
 * reveal phase). A `reveal` spec broken on purpose reveals the wrong amount.
 */
function auctionTx(c: TxContext): BuiltTx {
  const epoch = computeEpoch(c.run.config, c.slot) + 2;
  return revealing(c) && sealedBidders(c, epoch).length > 0 && (c.spec.valid || c.spec.kind === "reveal") ? revealTx(c) : bidTx(c);
}

/** A sealed bid for the epoch after next, for a sequencer that has not exited if there is one (the target picks which). */
function bidTx(c: TxContext): BuiltTx {
  const epoch = computeEpoch(c.run.config, c.slot) + 2;
  const candidates = c.cur.sequencers.flatMap((q, i) => (q.status !== SequencerStatus.exited ? [i] : []));
  const index = c.spec.target === TARGET_NONE || candidates.length === 0 ? c.target : candidates[c.spec.target % candidates.length];
  const sender = senderFor(c, index);
  const spendable = spendableOf(c, sender);
  const amount = clampAmount(resolve(c.spec.amount, spendable));
  const deposit = clampAmount(amount + resolve(c.spec.amount2, spendable - amount));
  const salt = sha256(uint64Bytes(index), uint64Bytes(epoch), uint64Bytes(c.run.counter++));
  const built = atNonce(c, sender, (f) => makeBidTx(c.chainId, sender, { ...f, sequencerIndex: index, epoch, amount, salt, deposit }));
  return { ...built, onIncluded: () => c.run.bidSecrets.set(`${index}:${epoch}`, { amount, salt }) };
}

const sealedBidders = (c: TxContext, epoch: number): number[] =>
  [...c.run.bidSecrets.keys()].filter((k) => k.endsWith(`:${epoch}`)).map((k) => Number(k.split(":")[0]));

/** The reveal of a bid sealed for the epoch after next (the target picks which); broken: an amount it was not sealed with. */
function revealTx(c: TxContext): BuiltTx {
  const epoch = computeEpoch(c.run.config, c.slot) + 2;
  const sealed = sealedBidders(c, epoch);
  const bidder = sealed.length > 0 ? sealed[c.spec.target % sealed.length] : c.target;
  const secret = c.run.bidSecrets.get(`${bidder}:${epoch}`);
  const sender = senderFor(c, bidder);
  let amount = secret?.amount ?? clampAmount(resolve(c.spec.amount, spendableOf(c, sender)));
  let broken: string | null = null;
  if (secret !== undefined && !c.spec.valid) {
    amount = amount === MAX_AMOUNT ? amount - 1n : amount + 1n;
    broken = "its amount is not the one sealed";
  }
  const salt = secret?.salt ?? new Uint8Array(32);
  return atRightNonce(c, sender, (f) => makeRevealTx(c.chainId, sender, { ...f, sequencerIndex: bidder, epoch, amount, salt }), broken);
}

function delegateTx(c: TxContext): BuiltTx {
  const sender = actorOf(c);
  const amount = clampAmount(resolve(c.spec.amount, spendableOf(c, sender)));
  return atNonce(c, sender, (f) => makeDelegateTx(c.chainId, sender, { ...f, sequencerIndex: c.target, amount }));
}

/** Part of an existing delegation if there is one (the target picks which), by its delegator unless !own. */
function undelegateTx(c: TxContext): BuiltTx {
  const known = c.cur.delegations.filter((d) => ACTOR_BY_KEY.has(toHex(d.delegator)));
  const d = known.length > 0 ? known[c.spec.target % known.length] : undefined;
  const sender = d !== undefined && c.spec.own ? (ACTOR_BY_KEY.get(toHex(d.delegator)) as Ed25519Keypair) : actorOf(c);
  const index = d?.sequencerIndex ?? c.target;
  const k = findDelegation(c.cur.delegations, sender.publicKey, index);
  const held = k < 0 ? 0n : c.cur.delegations[k].amount + c.cur.delegations[k].pending;
  const amount = clampAmount(resolve(c.spec.amount, held));
  return atNonce(c, sender, (f) => makeUndelegateTx(c.chainId, sender, { ...f, sequencerIndex: index, amount }));
}

function commissionTx(c: TxContext): BuiltTx {
  const sender = senderFor(c, c.target);
  return atNonce(c, sender, (f) => makeCommissionTx(c.chainId, sender, { ...f, sequencerIndex: c.target, commissionBps: bpsOf(c.spec.amount) }));
}

const BUILDERS: Record<TxKindName, (c: TxContext) => BuiltTx> = {
  user: userTx,
  stake: stakeTx,
  unstake: unstakeTx,
  rejoin: rejoinTx,
  slash: slashTx,
  evict: evictTx,
  admit: admitTx,
  bid: auctionTx,
  reveal: auctionTx,
  delegate: delegateTx,
  undelegate: undelegateTx,
  commission: commissionTx,
};

function buildTx(run: Run, spec: TxSpec, cur: State, slot: number): BuiltTx {
  const count = cur.sequencers.length;
  // `count` = none; a stake aims at count + 1 places, the last a new key
  const target = spec.target === TARGET_NONE ? count : spec.target % (spec.kind === "stake" ? count + 1 : count);
  const fee = clampAmount(run.config.minFee + spec.fee);
  return BUILDERS[spec.kind]({ run, spec, cur, slot, chainId: run.config.chainId, fee, target });
}
