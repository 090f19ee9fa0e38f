/** Who confirms a batch, and with what weight: one rule for the node's fork choice and the lab. */
import { computeEpoch, type ChainConfig } from "../config/chainConfig.js";
import { SequencerStatus } from "../types/enums.js";
import type { State } from "../types/ssz.js";

/**
 * The committee weights that confirm a batch of `slot`: its epoch's committee as its
 * post-state sees it, exited members removed (an ejected member still counts until it
 * exits). The committee's fallbacks (auction: bonded non-winners) never weigh.
 */
export function confirmingCommittee(state: State, config: ChainConfig, slot: number): { index: number; weight: bigint }[] {
  const epoch = computeEpoch(config, slot);
  const committee =
    state.currentCommittee.epoch === epoch ? state.currentCommittee : state.nextCommittee.epoch === epoch ? state.nextCommittee : state.currentCommittee;
  return committee.members
    .filter((m) => state.sequencers[m.index] && state.sequencers[m.index].status !== SequencerStatus.exited)
    .map((m) => ({ index: m.index, weight: m.weight }));
}
