/**
 * The mechanism's part of the epoch transition into `epoch`: its own processEpoch (auction
 * settlement, dpos rewards, performance scores), then, for every mechanism, the per-epoch
 * counters restart: lastProduced/lastMisses catch up with produced/misses, epochTxs = 0.
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { getMechanism } from "../mechanism/index.js";
import type { StateDraft } from "./draft.js";
import type { EpochMode } from "./epoch.js";

export function processMechanismEpoch(draft: StateDraft, config: ChainConfig, epoch: number, mode: EpochMode): void {
  getMechanism(config.mechanism).processEpoch?.(draft, config, epoch, mode);
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
