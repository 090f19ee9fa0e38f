/**
 * Each mechanism's typed parameters (genesis `mechanismParams`), with defaults, validated when
 * the chain config is created: a bad value names `mechanismParams.<field>` and the expected form.
 * Amounts are in native-token units; rates in basis points (bps, 1/10,000) or parts per
 * million (ppm) as named.
 */
import { ConfigError } from "../errors.js";
import { intField, objectField, oneOfField, parseAmount } from "../config/fields.js";
import { MAX_STAKE_TOKENS } from "../types/ssz.js";

export type MechanismName = "pos" | "poa" | "auction" | "dpos" | "performance";
export const MECHANISM_NAMES: readonly MechanismName[] = ["pos", "poa", "auction", "dpos", "performance"];

export interface StakeToken {
  name: string;
  /** what one unit of the token counts for, in native units × 10,000 (10,000 = 1:1) */
  weightBps: number;
}
/** pos: weight = Σ stake in token t × weightBps_t / 10,000. Token 0 is the native token. */
export interface PosParams {
  tokens: StakeToken[];
}
/** poa: authorities of equal weight; `bond` replaces minStake (0 = no bond). */
export interface PoaParams {
  bond: bigint;
}
export type PriceRule = "first" | "second";
/** auction: sealed bids (commit, then reveal in the same epoch) for the epoch after next. */
export interface AuctionParams {
  /** k: the top k bids win and share the slots in proportion to bid */
  winners: number;
  /** first: a winner pays its bid; second: the next bid down (k = 1: Vickrey; k > 1: generalized second price) */
  priceRule: PriceRule;
  /** stake a bidder must hold; a winner's is locked until disputeEpochs after its epoch */
  bond: bigint;
  reservePrice: bigint;
  /** slot within the epoch from which reveals are accepted (commits before it) */
  revealOffset: number;
  disputeEpochs: number;
  /** share of the deposit of a bid never revealed that goes to the treasury */
  unrevealedPenaltyBps: number;
}
/** dpos: weight = own stake + delegations; the top `seats` are elected (0 = all). */
export interface DposParams {
  seats: number;
  /** minted per produced batch, split: commission, then pro rata own stake / delegations */
  rewardPerBatch: bigint;
  defaultCommissionBps: number;
  maxCommissionBps: number;
  minDelegation: bigint;
}
/** performance: weight = stake × score; the bond grows with recent tx volume. */
export interface PerformanceParams {
  /** epochs (in which the sequencer led slots) for the score EMA to move halfway to its new level */
  halfLifeEpochs: number;
  /** a missed slot weighs as much as this many produced ones in an epoch's sample */
  missWeight: number;
  /** score of a newly admitted sequencer, and its cap while on probation */
  initialScorePpm: number;
  /** the score never falls below this, so a bad spell is not exile */
  floorScorePpm: number;
  probationEpochs: number;
  baseBond: bigint;
  /** bond added per user tx of recent volume (EMA of txs per epoch) */
  bondPerTx: bigint;
  volumeHalfLifeEpochs: number;
}

export interface MechanismParamsMap {
  pos: PosParams;
  poa: PoaParams;
  auction: AuctionParams;
  dpos: DposParams;
  performance: PerformanceParams;
}
export type MechanismParams = MechanismParamsMap[MechanismName];

export const NATIVE_TOKEN = "native";

export function defaultMechanismParams(name: MechanismName, slotsPerEpoch: number): MechanismParams {
  switch (name) {
    case "pos":
      return { tokens: [{ name: NATIVE_TOKEN, weightBps: 10_000 }] };
    case "poa":
      return { bond: 0n };
    case "auction":
      return {
        winners: 3,
        priceRule: "second",
        bond: 1_000n,
        reservePrice: 0n,
        revealOffset: Math.max(1, Math.floor(slotsPerEpoch / 2)),
        disputeEpochs: 4,
        unrevealedPenaltyBps: 1_000,
      };
    case "dpos":
      return { seats: 0, rewardPerBatch: 10n, defaultCommissionBps: 1_000, maxCommissionBps: 5_000, minDelegation: 1n };
    case "performance":
      return {
        halfLifeEpochs: 8,
        missWeight: 4,
        initialScorePpm: 500_000,
        floorScorePpm: 50_000,
        probationEpochs: 16,
        baseBond: 1_000n,
        bondPerTx: 1n,
        volumeHalfLifeEpochs: 4,
      };
  }
}

const F = "mechanismParams";
const PPM = 1_000_000;

/** Fills defaults and validates. `raw` is JSON (amounts as strings) or typed params. */
export function parseMechanismParams(name: MechanismName, raw: unknown, slotsPerEpoch: number): MechanismParams {
  const defaults = defaultMechanismParams(name, slotsPerEpoch) as unknown as Record<string, unknown>;
  const given = raw === undefined ? {} : objectField(raw, F, Object.keys(defaults));
  const v: Record<string, unknown> = { ...defaults, ...given };
  const int = (k: string, min: number, max: number) => intField(v[k], `${F}.${k}`, min, max);
  const amount = (k: string, min = 0n) => parseAmount(v[k], `${F}.${k}`, min);
  switch (name) {
    case "pos":
      return { tokens: parseTokens(v.tokens) };
    case "poa":
      return { bond: amount("bond") };
    case "auction": {
      if (slotsPerEpoch < 2) throw new ConfigError("slotsPerEpoch", "at least 2 under auction (commits, then reveals, in one epoch)", slotsPerEpoch);
      return {
        winners: int("winners", 1, 1 << 16),
        priceRule: oneOfField(v.priceRule, `${F}.priceRule`, ["first", "second"] as const),
        bond: amount("bond", 1n),
        reservePrice: amount("reservePrice"),
        revealOffset: int("revealOffset", 1, slotsPerEpoch - 1),
        // the bond stays locked at least one epoch past the one it buys (unbonding covers the evidence window)
        disputeEpochs: int("disputeEpochs", 1, 1 << 16),
        unrevealedPenaltyBps: int("unrevealedPenaltyBps", 0, 10_000),
      };
    }
    case "dpos": {
      const maxCommissionBps = int("maxCommissionBps", 0, 10_000);
      return {
        seats: int("seats", 0, 1 << 16),
        rewardPerBatch: amount("rewardPerBatch"),
        defaultCommissionBps: int("defaultCommissionBps", 0, maxCommissionBps),
        maxCommissionBps,
        minDelegation: amount("minDelegation", 1n),
      };
    }
    case "performance": {
      const floorScorePpm = int("floorScorePpm", 0, PPM);
      return {
        halfLifeEpochs: int("halfLifeEpochs", 1, 1 << 16),
        missWeight: int("missWeight", 1, 1_000),
        initialScorePpm: int("initialScorePpm", floorScorePpm, PPM),
        floorScorePpm,
        probationEpochs: int("probationEpochs", 0, 1 << 16),
        baseBond: amount("baseBond", 1n),
        bondPerTx: amount("bondPerTx"),
        volumeHalfLifeEpochs: int("volumeHalfLifeEpochs", 1, 1 << 16),
      };
    }
  }
}

function parseTokens(v: unknown): StakeToken[] {
  const field = `${F}.tokens`;
  if (!Array.isArray(v) || v.length < 1 || v.length > MAX_STAKE_TOKENS) {
    throw new ConfigError(field, `an array of 1 to ${MAX_STAKE_TOKENS} {name, weightBps}; the first is the native token`, v);
  }
  const names = new Set<string>();
  return v.map((t: unknown, i: number) => {
    const f = `${field}[${i}]`;
    const o = objectField(t, f, ["name", "weightBps"]);
    if (typeof o.name !== "string" || !/^[A-Za-z0-9_-]{1,16}$/.test(o.name) || names.has(o.name)) {
      throw new ConfigError(`${f}.name`, "a unique name of 1-16 letters, digits, _ or -", o.name);
    }
    names.add(o.name);
    return { name: o.name, weightBps: intField(o.weightBps, `${f}.weightBps`, 0, 2 ** 32 - 1) };
  });
}

/** The JSON form (amounts as decimal strings). */
export function mechanismParamsToJson(p: MechanismParams): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(p).map(([k, x]) => [k, typeof x === "bigint" ? x.toString() : Array.isArray(x) ? x.map((t) => ({ ...t })) : x]),
  );
}

/** The params of `config`, typed for mechanism `name`; throws if the chain runs another mechanism. */
export function paramsOf<N extends MechanismName>(
  config: { mechanism: MechanismName; mechanismParams: MechanismParams },
  name: N,
): MechanismParamsMap[N] {
  if (config.mechanism !== name) throw new Error(`the chain runs ${config.mechanism}, not ${name}`);
  return config.mechanismParams as MechanismParamsMap[N];
}
