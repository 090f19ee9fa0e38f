/**
 * Capital the protocol holds, and when the lab samples it. Bid deposits are escrowed from the
 * commit (first part of an epoch) to the settlement (the next epoch transition), so a sample
 * taken only at epoch boundaries would never see them: the lab samples CAPITAL_SAMPLES_PER_EPOCH
 * times per epoch, evenly spread.
 */
import { BidStatus, effectiveStake, findAccountIndex, SequencerStatus, type ChainConfig, type State } from "@baton/core";

export const CAPITAL_SAMPLES_PER_EPOCH = 4;

export interface LockedCapital {
  /** effective stake of the sequencers not exited */
  stake: bigint;
  /** dpos delegations: earning, pending and undelegated-but-unbonding */
  delegations: bigint;
  /** bid deposits not settled yet (committed or revealed) */
  escrow: bigint;
  /** unstaked amounts waiting for their release epoch */
  unbonding: bigint;
  total: bigint;
}

/** Where the protocol holds capital now (native units; pos tokens at their weight). */
export function lockedCapital(state: State, config: ChainConfig): LockedCapital {
  let stake = 0n;
  for (const s of state.sequencers) if (s.status !== SequencerStatus.exited) stake += effectiveStake(s, config);
  let delegations = 0n;
  for (const d of state.delegations) delegations += d.amount + d.pending + d.unbonding;
  let escrow = 0n;
  for (const b of state.bids) if (b.status === BidStatus.committed || b.status === BidStatus.revealed) escrow += b.deposit;
  let unbonding = 0n;
  for (const u of state.unbonding) unbonding += u.amount;
  return { stake, delegations, escrow, unbonding, total: stake + delegations + escrow + unbonding };
}

export const capitalLocked = (state: State, config: ChainConfig): bigint => lockedCapital(state, config).total;

/**
 * Whether the lab samples capital at `slot`: the first slot of each of CAPITAL_SAMPLES_PER_EPOCH
 * equal parts of its epoch (every slot when an epoch is shorter than that).
 */
export function isCapitalSample(slot: number, slotsPerEpoch: number): boolean {
  const offset = slot % slotsPerEpoch;
  const part = (o: number) => Math.floor((o * CAPITAL_SAMPLES_PER_EPOCH) / slotsPerEpoch);
  return offset === 0 || part(offset) !== part(offset - 1);
}

/**
 * What sequencer `index` and its account own in and through the protocol: the account's
 * balance, the sequencer's stake (native), its unstaked amounts still unbonding and its bid
 * deposits in escrow. The escaper's gain is the difference of this between two runs.
 */
export function holdingsOf(state: State, index: number): bigint {
  const s = state.sequencers[index];
  if (s === undefined) return 0n;
  let total = s.stake + (state.accounts[findAccountIndex(state.accounts, s.account)]?.balance ?? 0n);
  for (const u of state.unbonding) if (u.sequencerIndex === index && u.token === 0) total += u.amount;
  for (const b of state.bids) if (b.sequencerIndex === index && (b.status === BidStatus.committed || b.status === BidStatus.revealed)) total += b.deposit;
  return total;
}
