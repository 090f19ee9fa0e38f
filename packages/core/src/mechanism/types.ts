import type { ChainConfig } from "../config/chainConfig.js";
import type { StateDraft } from "../transition/draft.js";
import type { EpochMode } from "../transition/epoch.js";
import type { TxKind } from "../types/enums.js";
import type { State } from "../types/ssz.js";
import type { MechanismName } from "./params.js";

export interface WeightedSequencer {
  index: number;
  weight: bigint;
}

/**
 * A selection mechanism turns the state into weights. Only sequencers with weight > 0 are
 * eligible for a committee. Pure and deterministic: every node computes the same weights.
 */
export interface Mechanism {
  readonly name: MechanismName;
  /**
   * The weights for the committee of `epoch`, from the state at the transition into
   * epoch - 1 (one epoch of lookahead; see transition/epoch.ts).
   */
  weights(state: State, config: ChainConfig, epoch: number): WeightedSequencer[];
  /**
   * Sequencers with no slots of their own that stand behind the weighted ones in every
   * slot's fallback order (auction: bonded non-winners, so a lone winner that crashes does
   * not cost its whole epoch). They do not weigh in confirmation. Default: none.
   */
  fallbacks?(state: State, config: ChainConfig, epoch: number, leaders: readonly WeightedSequencer[]): WeightedSequencer[];
  /** The weighted sequencers share the epoch's slots equally (auction: a bid buys a seat, not a share). Default: by weight. */
  readonly equalShares?: boolean;
  /**
   * The mechanism's part of the transition into `epoch` (auction settlement, dpos rewards,
   * performance scores), after leak and rejoins, before the committees. The sequencers'
   * produced/missed counters since the last transition are `produced - lastProduced` and
   * `misses - lastMisses`.
   */
  processEpoch?(draft: StateDraft, config: ChainConfig, epoch: number, mode: EpochMode): void;
  /** The tx kinds of this mechanism, beyond those every mechanism takes. */
  readonly txKinds: readonly TxKind[];
}
