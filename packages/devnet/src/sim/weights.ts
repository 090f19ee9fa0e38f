/**
 * Confirmation weight: the committee weights fork choice confirms batches with (core's
 * `confirmingCommittee`, the same rule the node uses). The lab averages each
 * sequencer's share of it over its samples, so a Nakamoto coefficient by weight reads like the
 * one by slots led: the fewest sequencers that held more than half of it.
 */
import { confirmingCommittee, type ChainConfig, type State } from "@baton/core";

/** Each confirming member's share of the committee's total weight (a sequencer listed twice is summed). */
export function confirmationShares(state: State, config: ChainConfig): Map<number, number> {
  const weights = new Map<number, bigint>();
  let total = 0n;
  for (const m of confirmingCommittee(state, config, state.slot + 1)) {
    weights.set(m.index, (weights.get(m.index) ?? 0n) + m.weight);
    total += m.weight;
  }
  const shares = new Map<number, number>();
  if (total === 0n) return shares;
  // parts per billion in bigint, then a float: weights can exceed 2^53 (pos tokens at 3,000x)
  for (const [index, w] of weights) shares.set(index, Number((w * 1_000_000_000n) / total) / 1e9);
  return shares;
}

/** Running mean of every sequencer's share of confirmation weight. */
export class WeightTally {
  private readonly sum: number[] = [];
  private samples = 0;

  add(state: State, config: ChainConfig): void {
    for (const [index, share] of confirmationShares(state, config)) this.sum[index] = (this.sum[index] ?? 0) + share;
    this.samples++;
  }

  /** Mean share per sequencer, for sequencers 0..n-1 (0 where never a member). */
  meanShares(n: number): number[] {
    return Array.from({ length: n }, (_, i) => (this.samples === 0 ? 0 : (this.sum[i] ?? 0) / this.samples));
  }
}
