/**
 * What the simulator measures, slot by slot, and the table's numbers at the end:
 * - liveness: share of slots with a batch;
 * - crash → ejection: slots (and seconds) from a crash to its ejection, and the misses it cost;
 * - leaked: stake lost to the inactivity leak and restake deadlines, of the genesis stake;
 * - capital per throughput: average capital locked (stake, delegations, bid escrow, unbonding)
 *   per tx/s, sampled several times per epoch (capital.ts);
 * - Nakamoto coefficient (fewest sequencers leading > 1/2 of the batches; and holding > 1/2 of
 *   the confirmation weight, weights.ts) and Gini of slots led;
 * - treasury (auction revenue, unrevealed-bid penalties) and dpos issuance;
 * - the censor's share of the batches, and how long its targets' txs waited;
 * - ejections and exits (statusChanges.ts), what each sequencer paid for auction wins, and the
 *   slots from a watched slot (the end of an outage) to the next batch.
 */
import { BidStatus, SequencerStatus, type ChainConfig, type State } from "@baton/core";
import { lockedCapital } from "./capital.js";
import type { SimSequencer } from "./population.js";
import { gini, mean, median, nakamoto } from "./stats.js";
import { StatusChanges } from "./statusChanges.js";
import type { Taken } from "./traffic.js";
import { WeightTally } from "./weights.js";

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
  /** the part of capitalLocked that is bid deposits in escrow (mean of the samples) */
  escrowLocked: number;
  throughputTps: number;
  capitalPerTps: number;
  nakamoto: number;
  /** Nakamoto coefficient of the mean shares of confirmation (fork-choice) weight */
  nakamotoWeight: number;
  gini: number;
  treasury: bigint;
  issued: bigint;
  censorShare: number;
  targetedDelaySlots: number;
  otherDelaySlots: number;
  offeredTxs: number;
  includedTxs: number;
  droppedUserTxs: number;
  /** sequencers ejected / exited during the run (each transition counted) */
  ejections: number;
  exits: number;
  /** slots from the watched slot (outage end) to the next batch: NaN if none watched, Infinity if no batch came */
  resumeSlots: number;
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
  private readonly escrow: number[] = [];
  private readonly weights = new WeightTally();
  private readonly statuses: StatusChanges;
  /** native units each sequencer paid for the auction epochs it won */
  readonly paid: number[];
  private readonly paidFor = new Set<string>();
  private resumedAt: number | null = null;
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
    /** the first batch at or after this slot is timed (resumeSlots) */
    private readonly watchFrom: number | null = null,
  ) {
    this.slotsLed = population.map(() => 0);
    this.paid = population.map(() => 0);
    this.statuses = new StatusChanges(genesis);
    this.censor = population.findIndex((p) => p.profile.kind === "censor");
    this.crashes = population.flatMap((p, index) =>
      p.profile.kind === "crash" ? [{ index, atSlot: p.profile.atSlot, missesAtCrash: null, ejectedAt: null, misses: 0 }] : [],
    );
    this.epochsPerWindow = Math.max(1, Math.ceil(totalSlots / config.slotsPerEpoch / windows));
  }

  /** At the start of every slot: closes the window of the time series that ends there. */
  onSlot(slot: number): void {
    const epoch = Math.floor(slot / this.config.slotsPerEpoch);
    if (slot % this.config.slotsPerEpoch === 0 && epoch % this.epochsPerWindow === 0) this.closeWindow(epoch);
  }

  /**
   * Capital and confirmation weight, at the sample slots (capital.ts isCapitalSample), on the
   * state the slot is led from; and the auction wins it shows (each counted once: a won bid
   * stays in the state from its settlement to the end of its epoch).
   */
  sample(state: State): void {
    for (const b of state.bids) {
      if (b.status !== BidStatus.won || b.sequencerIndex >= this.paid.length) continue;
      const key = `${b.sequencerIndex}:${b.epoch}`;
      if (this.paidFor.has(key)) continue;
      this.paidFor.add(key);
      this.paid[b.sequencerIndex] += Number(b.price);
    }
    const c = lockedCapital(state, this.config);
    const total = Number(c.total);
    this.capital.push(total);
    this.escrow.push(Number(c.escrow));
    this.win.capital.push(total);
    this.weights.add(state, this.config);
  }

  /** Every new chain state (after a batch, and the final one): ejections and exits. */
  observe(state: State): void {
    this.statuses.observe(state);
  }

  /** Mean share of confirmation weight per sequencer (population order). */
  weightShares(): number[] {
    return this.weights.meanShares(this.slotsLed.length);
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

  onBatch(slot: number, leader: number, user: Taken, droppedUser: number): void {
    if (this.watchFrom !== null && this.resumedAt === null && slot >= this.watchFrom) this.resumedAt = slot;
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
    // a window with no sample (inside an outage: nobody sees the chain) keeps the last value seen
    this.series.capital.push(w.capital.length > 0 ? mean(w.capital) : (this.capital.at(-1) ?? 0));
    this.win = { produced: 0, slots: 0, censor: 0, capital: [], start: nextStart };
  }

  finish(state: State, offered: number, slotMs: number): SimMetrics {
    if (this.win.slots > 0) this.closeWindow(0);
    const seconds = (this.totalSlots * slotMs) / 1000;
    const genesisStake = this.genesis.sequencers.reduce((a, s) => a + s.stake, 0n);
    const ejected = this.crashes.filter((c) => c.ejectedAt !== null);
    const toEjection = ejected.map((c) => (c.ejectedAt as number) - c.atSlot);
    const capitalLocked = mean(this.capital);
    this.observe(state);
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
      escrowLocked: mean(this.escrow),
      throughputTps,
      capitalPerTps: throughputTps === 0 ? Infinity : capitalLocked / throughputTps,
      nakamoto: nakamoto(this.slotsLed),
      nakamotoWeight: nakamoto(this.weightShares()),
      gini: gini(this.slotsLed),
      treasury: state.treasury,
      issued: state.issued,
      censorShare: this.censor < 0 || this.produced === 0 ? 0 : this.slotsLed[this.censor] / this.produced,
      targetedDelaySlots: this.targeted === 0 ? NaN : this.targetedWait / this.targeted,
      otherDelaySlots: this.others === 0 ? NaN : this.otherWait / this.others,
      offeredTxs: offered,
      includedTxs: this.included,
      droppedUserTxs: this.dropped,
      ejections: this.statuses.ejections,
      exits: this.statuses.exits,
      resumeSlots: this.watchFrom === null ? NaN : this.resumedAt === null ? Infinity : this.resumedAt - this.watchFrom,
    };
  }
}
