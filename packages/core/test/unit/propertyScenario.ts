/**
 * Random chains for the property tests (transition.properties.test.ts): a scenario is plain
 * data (chain parameters within their validated ranges, genesis, then steps: a slot gap and
 * abstract txs), so fast-check can shrink it; `runScenario` (propertyRun.ts) interprets it
 * against the real transition and checks the invariants of propertyInvariants.ts at every
 * state it reaches. This file: the scenario data and its arbitraries.
 *
 * Txs are built against the state they will meet (propertyTxs.ts: nonces, balances, stakes,
 * delegations, the auction phase), so most are valid; a spec with `valid: false` is broken on
 * purpose (a nonce one ahead, evidence signed by another key, a signature short of the
 * governance threshold, a reveal that does not match its commitment) and must be refused.
 */
import * as fc from "fast-check";
import type { ChainConfig } from "../../src/config/chainConfig.js";
import { MECHANISM_NAMES, type MechanismName } from "../../src/mechanism/params.js";
import { MAX_AMOUNT } from "../../src/types/ssz.js";

export const BPS = 10_000;

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
  "transfer",
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
export const TARGET_NONE = MAX_SEQUENCERS + 3;
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
  const base: Partial<Record<TxKindName, number>> = { user: 4, stake: 3, unstake: 3, rejoin: 2, slash: 2, evict: 2, transfer: 3 };
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

// ---------------------------------------------------------------- a run

export type PropertyName = "value" | "ranges" | "leader" | "determinism" | "refusals";
export const ALL_PROPERTIES: ReadonlySet<PropertyName> = new Set(["value", "ranges", "leader", "determinism", "refusals"]);

/** What a run of a scenario carries from step to step (propertyRun.ts; the tx builders of propertyTxs.ts read it). */
export interface Run {
  config: ChainConfig;
  supply: bigint;
  tokenSupply: bigint[];
  check: ReadonlySet<PropertyName>;
  /** the (amount, salt) of each included sealed bid, by "sequencer:epoch" */
  bidSecrets: Map<string, { amount: bigint; salt: Uint8Array }>;
  counter: number;
}

