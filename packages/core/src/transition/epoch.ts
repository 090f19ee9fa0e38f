/**
 * The epoch transition: runs once per epoch, before the first slot of the epoch is
 * processed, in order (a) leak, (b) rejoin, (c) unbonding stake whose release epoch has come
 * is paid out, (d) the mechanism's part (mechanismEpoch.ts: auction settlement, dpos rewards,
 * performance scores), (e) committees: the next committee becomes current, members that
 * still owe a restake pay the deadline penalty (penalties.ts), then the new next committee
 * is computed.
 *
 * In "outage" mode (a transition inside a gap that slots.ts found to be the whole network's
 * outage) no penalty runs: no leak (and the ejected keep their leak rate: ejectedEpoch moves
 * with the clock), no restake deadline, no unrevealed-bid penalty. Nobody could have sent a tx
 * or a batch, so nobody is charged for the time.
 *
 * Committee timing (docs/protocol.md "Timing: the committee is fixed one epoch ahead"): the transition into epoch E computes the
 * committee of E+1 from the state as it is at the end of E-1 (after this transition's leak
 * and rejoins) and the RANDAO mix accumulated so far. So the committee of an epoch is fixed one
 * full epoch ahead, and a change made during epoch e (a stake, an exit, a leaked stake) counts
 * in the committee computed at the next transition, i.e. the committee of epoch e+2.
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { effectiveStake, minStakeOf, reduceTokenStakes } from "../mechanism/stake.js";
import type { EpochMode } from "../mechanism/types.js";
import { computeEpochCommittee } from "../schedule/index.js";
import { creditAccount, creditTokens } from "../state/credit.js";
import type { StateDraft } from "../state/draft.js";
import { SequencerStatus } from "../types/enums.js";
import { processMechanismEpoch } from "./mechanismEpoch.js";
import { processRestakeDeadlines } from "./penalties.js";
import { BPS } from "../config/ranges.js";


/**
 * Stake lost at one epoch transition by a sequencer ejected `epochsEjected` epochs ago:
 * stake × leakRateBps × epochsEjected / 10000 (the leak grows with the time offline, like
 * Ethereum's inactivity leak), at least 1 when leakRateBps > 0, never more than the stake.
 */
export function computeLeak(stake: bigint, leakRateBps: number, epochsEjected: number): bigint {
  if (leakRateBps <= 0 || stake <= 0n) return 0n;
  let loss = (stake * BigInt(leakRateBps) * BigInt(epochsEjected)) / BPS;
  if (loss < 1n) loss = 1n;
  return loss > stake ? stake : loss;
}

/** "outage": a transition inside a whole-network outage (no penalties; see above). The type is the mechanisms' too. */
export type { EpochMode };

/** Advances the draft through every epoch transition up to and including `toEpoch`, one at a time. */
export function processEpochs(draft: StateDraft, config: ChainConfig, toEpoch: number, mode: EpochMode = "normal"): void {
  while (draft.state.epoch < toEpoch) processEpoch(draft, config, draft.state.epoch + 1, mode);
}

/** The transition into `epoch` (= state.epoch + 1); afterwards state.epoch = epoch. */
export function processEpoch(draft: StateDraft, config: ChainConfig, epoch: number, mode: EpochMode = "normal"): void {
  if (mode === "normal") processLeak(draft, config, epoch);
  else holdLeakRates(draft);
  processRejoins(draft, epoch);
  releaseUnbonding(draft, epoch);
  processMechanismEpoch(draft, config, epoch, mode);
  const state = draft.state;
  state.epoch = epoch;
  // The committee of `epoch` was fixed at the previous transition; recompute only if the
  // state skipped it (a state not made by processEpochs).
  state.currentCommittee =
    state.nextCommittee.epoch === epoch ? state.nextCommittee : computeEpochCommittee(state, config, epoch);
  markCommitteeSeats(draft, epoch);
  if (mode === "normal") processRestakeDeadlines(draft, config);
  state.nextCommittee = computeEpochCommittee(state, config, epoch + 1);
}

/**
 * (a) Every ejected sequencer leaks (token stakes by the same rate); below the minimum
 * (minStake; under poa the bond) it is exited. The leak is burned.
 */
function processLeak(draft: StateDraft, config: ChainConfig, epoch: number): void {
  const sequencers = draft.state.sequencers;
  const min = minStakeOf(config);
  for (let i = 0; i < sequencers.length; i++) {
    const s = sequencers[i];
    if (s.status !== SequencerStatus.ejected) continue;
    const epochsEjected = epoch - s.ejectedEpoch;
    const loss = computeLeak(s.stake, config.leakRateBps, epochsEjected);
    if (loss === 0n && s.tokenStakes.length === 0 && effectiveStake(s, config) >= min) continue;
    const seq = draft.sequencer(i);
    seq.stake -= loss;
    if (seq.tokenStakes.length > 0) seq.tokenStakes = reduceTokenStakes(seq.tokenStakes, BigInt(config.leakRateBps) * BigInt(epochsEjected));
    draft.state.burned += loss;
    draft.state.leaked += loss;
    if (effectiveStake(seq, config) < min) {
      seq.status = SequencerStatus.exited;
      seq.rejoinEpoch = 0; // a pending rejoin dies with the exit
    }
  }
}

/** (b) Ejected sequencers whose rejoin epoch has come are active again, with a clean miss streak. */
function processRejoins(draft: StateDraft, epoch: number): void {
  const sequencers = draft.state.sequencers;
  for (let i = 0; i < sequencers.length; i++) {
    const s = sequencers[i];
    if (s.rejoinEpoch === 0 || s.rejoinEpoch > epoch || s.status !== SequencerStatus.ejected) continue;
    const seq = draft.sequencer(i);
    seq.status = SequencerStatus.active;
    seq.consecutiveMisses = 0;
    seq.missBits = 0n;
    seq.rejoinEpoch = 0;
  }
}

/** Outage mode: an ejected sequencer's leak rate grows with the epochs since its ejection; those epochs do not count. */
function holdLeakRates(draft: StateDraft): void {
  const sequencers = draft.state.sequencers;
  for (let i = 0; i < sequencers.length; i++) {
    if (sequencers[i].status === SequencerStatus.ejected) draft.sequencer(i).ejectedEpoch += 1;
  }
}

/** (c) Withdrawn stake whose release epoch has come goes to its account (native balance, or a pos token balance). */
function releaseUnbonding(draft: StateDraft, epoch: number): void {
  const list = draft.state.unbonding;
  if (!list.some((u) => u.releaseEpoch <= epoch)) return;
  for (const u of list) {
    if (u.releaseEpoch > epoch) continue;
    if (u.token === 0) creditAccount(draft, u.account, u.amount);
    else creditTokens(draft, u.account, u.token, u.amount);
  }
  draft.state.unbonding = list.filter((u) => u.releaseEpoch > epoch);
}

/** Every member and fallback of the (new) current committee sat in the committee of `epoch` (Sequencer.lastCommitteeEpoch). */
function markCommitteeSeats(draft: StateDraft, epoch: number): void {
  const { members, fallbacks } = draft.state.currentCommittee;
  for (const m of [...members, ...fallbacks]) {
    const s = draft.state.sequencers[m.index];
    if (s !== undefined && s.lastCommitteeEpoch !== epoch + 1) draft.sequencer(m.index).lastCommitteeEpoch = epoch + 1;
  }
}
