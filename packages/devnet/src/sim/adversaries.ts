/**
 * The equivocating adversaries' txs (profiles.ts: escaper, equivocator) and the honest
 * slasher that answers them. At its first led slot from its profile's slot on, such a
 * sequencer signs a second header for the slot (equivocation.ts); an escaper also puts the
 * unstake of its whole stake into that very batch, to be gone before the evidence lands. The
 * watcher submits the evidence in the first batch SLASH_DELAY_SLOTS or more later, once.
 */
import { SequencerStatus, type State, type Tx } from "@baton/core";
import { equivocate, type Equivocation } from "./equivocation.js";
import { equivocatesFrom } from "./profiles.js";
import type { TxMaker } from "./txMaker.js";
import type { SimWorld } from "./world.js";

/** Slots between the equivocation and the batch that carries the evidence. */
export const SLASH_DELAY_SLOTS = 4;

export class Equivocators {
  /** equivocations whose evidence has not been submitted yet */
  private readonly pending: Equivocation[] = [];
  private readonly done = new Set<number>();
  /** every equivocation of the run (the attack happened: tests and reports check it) */
  readonly history: { sequencerIndex: number; slot: number; evidenceSlot: number | null }[] = [];

  constructor(private readonly world: SimWorld) {}

  /** The adversaries' txs for the batch of `slot` led by `leader`, on `state` (the state before it). */
  txs(state: State, slot: number, leader: number, maker: TxMaker): Tx[] {
    const txs: Tx[] = [];
    this.equivocateIfDue(state, slot, leader, maker, txs);
    this.submitEvidence(slot, maker, txs);
    return txs;
  }

  private equivocateIfDue(state: State, slot: number, leader: number, maker: TxMaker, txs: Tx[]): void {
    const profile = this.world.population[leader]?.profile;
    const from = profile === undefined ? null : equivocatesFrom(profile);
    const key = this.world.signers.get(leader);
    if (from === null || slot < from || this.done.has(leader) || key === undefined) return;
    this.done.add(leader);
    this.pending.push(equivocate(this.world.config.chainId, key, leader, slot, state.height + 1));
    this.history.push({ sequencerIndex: leader, slot, evidenceSlot: null });
    const s = state.sequencers[leader];
    if (profile?.kind === "escaper" && s.status !== SequencerStatus.exited && s.stake > 0n) {
      txs.push(maker.unstake(this.world.sequencerAccounts[leader], leader, s.stake, false));
    }
  }

  private submitEvidence(slot: number, maker: TxMaker, txs: Tx[]): void {
    for (let k = this.pending.length - 1; k >= 0; k--) {
      const e = this.pending[k];
      if (slot < e.slot + SLASH_DELAY_SLOTS) continue;
      txs.push(maker.slash(this.world.watcher, e.headers[0], e.headers[1]));
      const h = this.history.find((x) => x.sequencerIndex === e.sequencerIndex && x.slot === e.slot);
      if (h) h.evidenceSlot = slot;
      this.pending.splice(k, 1);
    }
  }
}
