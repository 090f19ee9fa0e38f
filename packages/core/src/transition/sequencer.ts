/** A new Sequencer record (genesis, a stake tx by a new key, a governance admit): every field set. */
import type { ChainConfig } from "../config/chainConfig.js";
import { paramsOf } from "../mechanism/params.js";
import { SequencerStatus } from "../types/enums.js";
import type { Sequencer } from "../types/ssz.js";

export const SCORE_ONE_PPM = 1_000_000;

export interface NewSequencerArgs {
  pubkey: Uint8Array;
  account: Uint8Array;
  stake: bigint;
  /** the epoch it is admitted in; null at genesis (no probation, full score) */
  epoch: number | null;
  /** pos: stake in tokens 1.. (missing ones are 0) */
  tokenStakes?: readonly bigint[];
  /** dpos: its commission (default: the mechanism's default) */
  commissionBps?: number;
}

/** Number of non-native stake tokens: their slots in Sequencer.tokenStakes. */
export function extraTokenCount(config: ChainConfig): number {
  return config.mechanism === "pos" ? paramsOf(config, "pos").tokens.length - 1 : 0;
}

export function newSequencer(config: ChainConfig, a: NewSequencerArgs): Sequencer {
  const perf = config.mechanism === "performance" ? paramsOf(config, "performance") : null;
  const dpos = config.mechanism === "dpos" ? paramsOf(config, "dpos") : null;
  const onProbation = perf !== null && a.epoch !== null;
  return {
    pubkey: a.pubkey,
    account: a.account,
    stake: a.stake,
    status: SequencerStatus.active,
    produced: 0,
    misses: 0,
    consecutiveMisses: 0,
    ejectedEpoch: 0,
    rejoinEpoch: 0,
    slashed: false,
    tokenStakes: Array.from({ length: extraTokenCount(config) }, (_, t) => a.tokenStakes?.[t] ?? 0n),
    delegated: 0n,
    commissionBps: a.commissionBps ?? dpos?.defaultCommissionBps ?? 0,
    score: onProbation ? perf.initialScorePpm : SCORE_ONE_PPM,
    probationUntil: onProbation ? (a.epoch as number) + perf.probationEpochs : 0,
    lastProduced: 0,
    lastMisses: 0,
    restakeOwed: 0n,
    bondLockedUntil: 0,
    evicted: false,
    lastCommitteeEpoch: 0,
    missBits: 0n,
  };
}
