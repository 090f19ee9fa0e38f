/**
 * Turns the difference between a parent state and its child into logs, metrics and
 * events: misses recorded, ejections, rejoins, exits. Run for batches that extend the head.
 */
import type { StatusChangeEvent } from "@baton/api";
import type { Logger } from "pino";
import { SequencerStatus, SEQUENCER_STATUS_NAMES, type ChainConfig, type State } from "@baton/core";
import type { Metrics } from "../metrics/index.js";
import { ChainEvent, type ChainEventMap } from "./events.js";

export function reportStateChanges(
  before: State,
  after: State,
  _config: ChainConfig,
  slot: number,
  logger: Logger,
  metrics: Metrics | null,
  emit: <K extends keyof ChainEventMap>(ev: K, ...data: ChainEventMap[K]) => void,
): void {
  for (let i = 0; i < after.sequencers.length; i++) {
    const a = after.sequencers[i];
    const b = before.sequencers[i];
    if (!b) continue;
    const newMisses = a.misses - b.misses;
    if (newMisses > 0) {
      metrics?.chain.misses.inc({ sequencer: String(i) }, newMisses);
      logger.info({ sequencer: i, misses: newMisses, consecutive: a.consecutiveMisses, slot }, "miss recorded");
      emit(ChainEvent.miss, { sequencer: i, misses: newMisses, slot });
    }
    if (a.status === b.status) continue;
    const data: StatusChangeEvent = {
      sequencer: i,
      slot,
      from: SEQUENCER_STATUS_NAMES[b.status] as StatusChangeEvent["from"],
      to: SEQUENCER_STATUS_NAMES[a.status] as StatusChangeEvent["to"],
      stake: a.stake.toString(),
    };
    if (a.status === SequencerStatus.ejected) {
      metrics?.chain.ejections.inc();
      logger.info(data, "sequencer ejected");
      emit(ChainEvent.ejected, data);
    } else if (a.status === SequencerStatus.active) {
      metrics?.chain.rejoins.inc();
      logger.info(data, "sequencer rejoined");
      emit(ChainEvent.rejoined, data);
    } else {
      logger.info(data, "sequencer exited");
      emit(ChainEvent.exited, data);
    }
  }
}
