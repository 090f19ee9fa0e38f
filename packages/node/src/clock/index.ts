/**
 * The slot clock: slot = floor((now - genesisTime) / slotMs). Time is injected (`now`)
 * so tests can drive it.
 */
import { computeEpoch, slotAtTime, slotStartTime, type ChainConfig } from "@baton/core";

export interface Clock {
  now(): number;
  currentSlot(): number;
  currentEpoch(): number;
  /** ms until the start of `slot` (negative if past) */
  msUntilSlot(slot: number): number;
  /** calls `cb(slot)` at the start of every slot from the next one on; returns a stop function */
  onSlot(cb: (slot: number) => void): () => void;
}

export class SlotClock implements Clock {
  constructor(
    private readonly config: Pick<ChainConfig, "genesisTime" | "slotMs" | "slotsPerEpoch">,
    readonly now: () => number = Date.now,
  ) {}

  currentSlot(): number {
    return slotAtTime(this.config, this.now());
  }
  currentEpoch(): number {
    return computeEpoch(this.config, this.currentSlot());
  }
  msUntilSlot(slot: number): number {
    return slotStartTime(this.config, slot) - this.now();
  }

  onSlot(cb: (slot: number) => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    let last = this.now() < this.config.genesisTime ? -1 : this.currentSlot();
    const schedule = () => {
      if (stopped) return;
      const next = Math.max(last + 1, this.now() < this.config.genesisTime ? 0 : this.currentSlot());
      const wait = Math.max(0, this.msUntilSlot(next));
      timer = setTimeout(() => {
        if (stopped) return;
        // a late timer (a frozen process) jumps to the current slot: never fire for past slots
        const slot = Math.max(next, this.currentSlot());
        last = slot;
        try {
          cb(slot);
        } finally {
          schedule();
        }
      }, wait);
    };
    schedule();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }
}
