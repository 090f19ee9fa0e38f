/**
 * Ejections and exits as the chain records them: the lab compares each new chain state (after
 * a batch, and the final one) with the one before. An active sequencer that is ejected and
 * leaked out within one gap between batches shows as active → exited with a new ejectedEpoch:
 * one ejection and one exit.
 */
import { SequencerStatus, type Sequencer, type State } from "@baton/core";

export class StatusChanges {
  ejections = 0;
  exits = 0;
  private last: readonly Sequencer[];

  constructor(genesis: State) {
    this.last = genesis.sequencers;
  }

  observe(state: State): void {
    const now = state.sequencers;
    if (now === this.last) return;
    for (let i = 0; i < now.length; i++) {
      const s = now[i];
      const before = this.last[i];
      if (s === before || before === undefined) continue;
      const ejectedNow = s.status === SequencerStatus.ejected && before.status !== SequencerStatus.ejected;
      const ejectedAndGone = before.status === SequencerStatus.active && s.status === SequencerStatus.exited && s.ejectedEpoch !== before.ejectedEpoch;
      if (ejectedNow || ejectedAndGone) this.ejections++;
      if (s.status === SequencerStatus.exited && before.status !== SequencerStatus.exited) this.exits++;
    }
    this.last = now;
  }
}
