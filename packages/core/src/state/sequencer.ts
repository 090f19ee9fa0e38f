/**
 * A new Sequencer record (genesis, a stake tx by a new key, a governance admit): every field
 * set. The mechanism's fields come from its own hooks (mechanism/sequencer.ts newSequencerOf).
 */
import { SequencerStatus } from "../types/enums.js";
import type { Sequencer } from "../types/ssz.js";

export const SCORE_ONE_PPM = 1_000_000;

/** The per-sequencer fields a mechanism may set at genesis (config/genesisExtras.ts). */
export interface SequencerExtras {
  /** pos: stake in tokens 1.. (missing ones are 0) */
  tokenStakes?: bigint[];
  /** dpos: its commission (default: the mechanism's default) */
  commissionBps?: number;
}

export interface NewSequencerArgs extends Omit<SequencerExtras, "tokenStakes"> {
  pubkey: Uint8Array;
  account: Uint8Array;
  stake: bigint;
  /** the epoch it is admitted in; null at genesis (no probation, full score) */
  epoch: number | null;
  tokenStakes?: readonly bigint[];
}

/** The Sequencer fields a mechanism decides for a new sequencer. */
export type MechanismSequencerFields = Pick<Sequencer, "tokenStakes" | "commissionBps" | "score" | "probationUntil">;

export function createSequencer(a: NewSequencerArgs, fields: MechanismSequencerFields): Sequencer {
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
    tokenStakes: fields.tokenStakes,
    delegated: 0n,
    commissionBps: fields.commissionBps,
    score: fields.score,
    probationUntil: fields.probationUntil,
    lastProduced: 0,
    lastMisses: 0,
    restakeOwed: 0n,
    bondLockedUntil: 0,
    evicted: false,
    lastCommitteeEpoch: 0,
    missBits: 0n,
  };
}
