/**
 * The mechanism's part of the epoch transition into `epoch`: its own processEpoch (auction
 * settlement, dpos rewards, performance scores), then, for every mechanism, the per-epoch
 * counters restart: lastProduced/lastMisses catch up with produced/misses, epochTxs = 0.
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { mechanismOf } from "../mechanism/registry.js";
import type { EpochMode } from "../mechanism/types.js";
import type { StateDraft } from "../state/draft.js";

export function processMechanismEpoch(draft: StateDraft, config: ChainConfig, epoch: number, mode: EpochMode): void {
  mechanismOf(config).processEpoch?.(draft, config, epoch, mode);
  const sequencers = draft.state.sequencers;
  for (let i = 0; i < sequencers.length; i++) {
    const s = sequencers[i];
    if (s.produced === s.lastProduced && s.misses === s.lastMisses) continue;
    const seq = draft.sequencer(i);
    seq.lastProduced = seq.produced;
    seq.lastMisses = seq.misses;
  }
  draft.state.epochTxs = 0;
}
