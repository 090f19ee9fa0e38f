/**
 * What the simulator measures, slot by slot, and the table's numbers at the end:
 * - liveness: share of slots with a batch;
 * - crash → ejection: slots (and seconds) from a crash to its ejection, and the misses it cost;
 * - leaked: stake lost to the inactivity leak and restake deadlines, of the genesis stake;
 * - capital per throughput: average capital locked (stake, delegations, bid escrow) per tx/s;
 * - Nakamoto coefficient (fewest sequencers leading > 1/2 of the batches) and Gini of slots led;
 * - treasury (auction revenue, unrevealed-bid penalties) and dpos issuance;
 * - the censor's share of the batches, and how long its targets' txs waited.
 */
import { SequencerStatus, type ChainConfig, type State } from "@baton/core";
import type { SimSequencer } from "./population.js";
import { gini, mean, median, nakamoto } from "./stats.js";
import type { Taken } from "./traffic.js";

export interface SimMetrics {
  slots: number;
  produced: number;
  liveness: number;
  crashes: number;
  /** crashed sequencers ejected during the run, and the slots / misses it took (medians) */
  ejected: number;
  crashToEjectionSlots: number;
  crashToEjectionSeconds: number;
  missesBeforeEjection: number;
  genesisStake: bigint;
  leaked: bigint;
  leakedPct: number;
  capitalLocked: number;
  throughputTps: number;
  capitalPerTps: number;
  nakamoto: number;
  gini: number;
  treasury: bigint;
  issued: bigint;
  censorShare: number;
  targetedDelaySlots: number;
  otherDelaySlots: number;
  offeredTxs: number;
  includedTxs: number;
  droppedUserTxs: number;
}

export interface SimSeries {
  /** first epoch of each window */
  epochs: number[];
  liveness: number[];
  censorShare: number[];
  capital: number[];
}

interface Crash {
  index: number;
  atSlot: number;
  missesAtCrash: number | null;
  ejectedAt: number | null;
  misses: number;
}

export class SimRecorder {
  readonly slotsLed: number[];
  readonly series: SimSeries = { epochs: [], liveness: [], censorShare: [], capital: [] };
  private readonly crashes: Crash[];
  private readonly censor: number;
  private readonly epochsPerWindow: number;
  private readonly capital: number[] = [];
  private produced = 0;
  private included = 0;
  private dropped = 0;
  private targetedWait = 0;
  private targeted = 0;
  private otherWait = 0;
  private others = 0;
  private win = { produced: 0, slots: 0, censor: 0, capital: [] as number[], start: 0 };

  constructor(
    population: SimSequencer[],
    private readonly genesis: State,
    private readonly config: ChainConfig,
    private readonly totalSlots: number,
    windows: number,
  ) {
    this.slotsLed = population.map(() => 0);
    this.censor = population.findIndex((p) => p.profile.kind === "censor");
    this.crashes = population.flatMap((p, index) =>
      p.profile.kind === "crash" ? [{ index, atSlot: p.profile.atSlot, missesAtCrash: null, ejectedAt: null, misses: 0 }] : [],
    );
    this.epochsPerWindow = Math.max(1, Math.ceil(totalSlots / config.slotsPerEpoch / windows));
  }

  onEpoch(epoch: number, capital: bigint): void {
    if (epoch > 0 && epoch % this.epochsPerWindow === 0) this.closeWindow(epoch);
    const c = Number(capital);
    this.capital.push(c);
    this.win.capital.push(c);
  }

  watchCrashes(state: State, slot: number): void {
    for (const c of this.crashes) {
      if (c.ejectedAt !== null || slot < c.atSlot) continue;
      const s = state.sequencers[c.index];
      c.missesAtCrash ??= s.misses;
      if (s.status !== SequencerStatus.active) {
        c.ejectedAt = slot;
        c.misses = s.misses - c.missesAtCrash;
      }
    }
  }

  onMiss(_slot: number): void {
    this.win.slots++;
  }

  onBatch(_slot: number, leader: number, user: Taken, droppedUser: number): void {
    this.produced++;
    this.win.slots++;
    this.win.produced++;
    if (leader < this.slotsLed.length) this.slotsLed[leader]++;
    if (leader === this.censor) this.win.censor++;
    this.included += user.txs.length - droppedUser;
    this.dropped += droppedUser;
    this.targeted += user.targeted;
    this.targetedWait += user.targetedWait;
    this.others += user.others;
    this.otherWait += user.othersWait;
  }

  private closeWindow(nextStart: number): void {
    const w = this.win;
    this.series.epochs.push(w.start);
    this.series.liveness.push(w.slots === 0 ? 1 : w.produced / w.slots);
    this.series.censorShare.push(w.produced === 0 ? 0 : w.censor / w.produced);
    this.series.capital.push(mean(w.capital));
    this.win = { produced: 0, slots: 0, censor: 0, capital: [], start: nextStart };
  }

  finish(state: State, offered: number, slotMs: number): SimMetrics {
    if (this.win.slots > 0) this.closeWindow(0);
    const seconds = (this.totalSlots * slotMs) / 1000;
    const genesisStake = this.genesis.sequencers.reduce((a, s) => a + s.stake, 0n);
    const ejected = this.crashes.filter((c) => c.ejectedAt !== null);
    const toEjection = ejected.map((c) => (c.ejectedAt as number) - c.atSlot);
    const capitalLocked = mean(this.capital);
    const throughputTps = this.included / seconds;
    return {
      slots: this.totalSlots,
      produced: this.produced,
      liveness: this.produced / this.totalSlots,
      crashes: this.crashes.length,
      ejected: ejected.length,
      crashToEjectionSlots: median(toEjection),
      crashToEjectionSeconds: (median(toEjection) * slotMs) / 1000,
      missesBeforeEjection: median(ejected.map((c) => c.misses)),
      genesisStake,
      leaked: state.leaked,
      leakedPct: genesisStake === 0n ? 0 : Number((state.leaked * 1_000_000n) / genesisStake) / 10_000,
      capitalLocked,
      throughputTps,
      capitalPerTps: throughputTps === 0 ? Infinity : capitalLocked / throughputTps,
      nakamoto: nakamoto(this.slotsLed),
      gini: gini(this.slotsLed),
      treasury: state.treasury,
      issued: state.issued,
      censorShare: this.censor < 0 || this.produced === 0 ? 0 : this.slotsLed[this.censor] / this.produced,
      targetedDelaySlots: this.targeted === 0 ? NaN : this.targetedWait / this.targeted,
      otherDelaySlots: this.others === 0 ? NaN : this.otherWait / this.others,
      offeredTxs: offered,
      includedTxs: this.included,
      droppedUserTxs: this.dropped,
    };
  }
}
