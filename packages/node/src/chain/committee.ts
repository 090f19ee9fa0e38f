import { computeEpoch, SequencerStatus, type ChainConfig, type State } from "@baton/core";

/**
 * The committee weights that confirm a batch: its epoch's committee as its post-state sees
 * it, exited members removed (an ejected member still counts until it exits).
 */
export function confirmingCommittee(state: State, config: ChainConfig, slot: number): { index: number; weight: bigint }[] {
  const epoch = computeEpoch(config, slot);
  const committee =
    state.currentCommittee.epoch === epoch ? state.currentCommittee : state.nextCommittee.epoch === epoch ? state.nextCommittee : state.currentCommittee;
  return committee.members
    .filter((m) => state.sequencers[m.index] && state.sequencers[m.index].status !== SequencerStatus.exited)
    .map((m) => ({ index: m.index, weight: m.weight }));
}
