/**
 * A mechanism is one object: everything the rest of core asks about it hangs off its
 * `Mechanism` (name, params, weights, stake rules, new-sequencer fields, genesis fields, tx
 * kinds, epoch processing). The registry (registry.ts) lists them; generic code (params.ts,
 * stake.ts, config/genesis*.ts, transition/) asks `mechanismOf(config)` and never branches on
 * a name. A mechanism's own files import only what sits below it (state/, config/chainParams,
 * config/fields, types/, crypto/, signing): never the registry, never transition/.
 */
import type { ChainParams } from "../config/chainParams.js";
import type { StateDraft } from "../state/draft.js";
import type { MechanismSequencerFields, NewSequencerArgs, SequencerExtras } from "../state/sequencer.js";
import type { TxKind } from "../types/enums.js";
import type { Account, Sequencer, State, Tx } from "../types/ssz.js";

export interface WeightedSequencer {
  index: number;
  weight: bigint;
}

/** The chain config as mechanism P sees it: the common parameters and its own params. */
export interface MechanismConfig<P = unknown> extends ChainParams {
  mechanism: string;
  mechanismParams: P;
}

/** `normal`, or a transition inside a whole-network outage (nobody could act: auction reveals are not penalised). */
export type EpochMode = "normal" | "outage";

/** The stake fields a mechanism weighs. */
export type StakeFields = Pick<Sequencer, "stake" | "tokenStakes">;

/**
 * Reads one field of genesis `mechanismParams` (the given value over the default), checks it
 * and names it `mechanismParams.<key>` in the ConfigError.
 */
export interface ParamReader {
  value(key: string): unknown;
  int(key: string, min: number, max: number): number;
  amount(key: string, min?: bigint): bigint;
  oneOf<T extends string>(key: string, values: readonly T[]): T;
  /** "mechanismParams.<key>": for a mechanism's own checks */
  field(key: string): string;
}

/** What a checked tx will do to the draft (the sender's account is `senderIndex`). Writes nothing until called. */
export type TxApply = (draft: StateDraft, senderIndex: number) => void;

/** A tx kind of a mechanism: `check` throws TxError (and writes nothing), or returns the effect. */
export interface MechanismTx<P> {
  readonly kind: TxKind;
  check(state: State, tx: Tx, sender: Account, config: MechanismConfig<P>): TxApply;
}

/** A per-sequencer genesis field of a mechanism ("stakes" under pos, "commissionBps" under dpos). */
export interface GenesisField<P> {
  readonly key: string;
  /** why the field is refused under another mechanism: "stake tokens are a pos feature" */
  readonly absentReason: string;
  parse(value: unknown, field: string, config: MechanismConfig<P>): SequencerExtras;
  /** its JSON form, or undefined to leave it out */
  toJson(s: SequencerExtras, config: MechanismConfig<P>): unknown;
}

/**
 * A selection mechanism turns the state into weights. Only sequencers with weight > 0 are
 * eligible for a committee. Pure and deterministic: every node computes the same weights.
 * Optional members default to what the common rules do (noted on each).
 */
export interface Mechanism<N extends string = string, P = unknown> {
  readonly name: N;
  /** Its params with their defaults (some depend on the epoch length). */
  defaultParams(slotsPerEpoch: number): P;
  /** Validates its params, field by field through `read`, in a fixed order (the first bad one is named). */
  parseParams(read: ParamReader, slotsPerEpoch: number): P;
  /**
   * The weights for the committee of `epoch`, from the state at the transition into
   * epoch - 1 (one epoch of lookahead; see transition/epoch.ts).
   */
  weights(state: State, config: MechanismConfig<P>, epoch: number): WeightedSequencer[];
  /**
   * Sequencers with no slots of their own that stand behind the weighted ones in every
   * slot's fallback order (auction: bonded non-winners, so a lone winner that crashes does
   * not cost its whole epoch). They do not weigh in confirmation. Default: none.
   */
  fallbacks?(state: State, config: MechanismConfig<P>, epoch: number, leaders: readonly WeightedSequencer[]): WeightedSequencer[];
  /** The weighted sequencers share the epoch's slots equally (auction: a bid buys a seat, not a share). Default: by weight. */
  readonly equalShares?: boolean;
  /**
   * The mechanism's part of the transition into `epoch` (auction settlement, dpos rewards,
   * performance scores), after leak and rejoins, before the committees. The sequencers'
   * produced/missed counters since the last transition are `produced - lastProduced` and
   * `misses - lastMisses`.
   */
  processEpoch?(draft: StateDraft, config: MechanismConfig<P>, epoch: number, mode: EpochMode): void;

  /** The stake a sequencer counts for (pos: its tokens, weighted). Default: its native stake. */
  effectiveStake?(seq: StakeFields, config: MechanismConfig<P>): bigint;
  /** Number of non-native stake tokens (their slots in Sequencer.tokenStakes). Default 0. */
  extraStakeTokens?(config: MechanismConfig<P>): number;
  /** The least effective stake a sequencer must hold (poa: the bond). Default: minStake. */
  minStake?(config: MechanismConfig<P>): bigint;
  /** What that minimum is called in errors. Default "minStake". */
  readonly minStakeName?: string;
  /** Its fields of a new sequencer (dpos: commission; performance: score, probation). Default: none. */
  sequencerFields?(config: MechanismConfig<P>, a: NewSequencerArgs): Partial<MechanismSequencerFields>;
  /** Its per-sequencer genesis fields. Default: none. */
  readonly genesisFields?: readonly GenesisField<P>[];

  /** Its tx kinds, beyond those every mechanism takes (stake, unstake, rejoin, slash, evict). */
  readonly txs: readonly MechanismTx<P>[];
  /** Refuses (TxError) a stake tx from a key that is not a sequencer yet (poa: only governance admits). Default: allowed. */
  checkStakeFromNewKey?(config: MechanismConfig<P>): void;
  /** Refuses (TxError) an unstake that would leave `after` (auction: the bond is locked in the dispute period). Default: allowed. */
  checkUnstake?(seq: Sequencer, index: number, after: StakeFields, config: MechanismConfig<P>, epoch: number): void;
}

/** `config`'s params, which must be mechanism `name`'s: throws if the chain runs another mechanism. */
export function paramsFor<P>(name: string, config: Pick<MechanismConfig, "mechanism" | "mechanismParams">): P {
  if (config.mechanism !== name) throw new Error(`the chain runs ${config.mechanism}, not ${name}`);
  return config.mechanismParams as P;
}
