/**
 * What the simulated sequencers and their users do besides leading: the system txs put into
 * each produced batch, decided from the state before it (so nonces are always right, and a
 * tx the rules refuse is simply dropped by the core). Per epoch, at its first produced batch
 * (or first of a phase): rejoins of ejected sequencers that are up (as a node's Rejoiner
 * does), auction bids and reveals (a bidder values an epoch by what it expects to earn in it,
 * less when it misses slots, and sits out when that is below 80% of the lowest winning bid
 * of the last auction), dpos delegations, restakers' withdrawals and restakes,
 * joiners, and optionally governance evicting the censor. Bidders with a fixed bid (bidder,
 * inflater) bid it every epoch. The equivocating adversaries and their slasher: adversaries.ts.
 */
import {
  auctionPhase,
  auctionBond,
  bidCommitment,
  BidStatus,
  computeEpoch,
  isCandidate,
  paramsOf,
  signGovernanceAction,
  signProofOfPossession,
  ssz,
  SequencerStatus,
  TxKind,
  type State,
  type Tx,
} from "@baton/core";
import { Equivocators } from "./adversaries.js";
import { fixedBidOf, isAlive, reliabilityOf, RESTAKER_WITHDRAW_SHARE } from "./profiles.js";
import { chance, PURPOSE } from "./rng.js";
import { delegationTxs } from "./delegators.js";
import { TxMaker } from "./txMaker.js";
import { lockedStake, MIN_STAKE, SIM_BOND, type SimWorld } from "./world.js";

const NO_POP = new Uint8Array(96);

export interface AgentOptions {
  seed: number;
  /** governance evicts the censor from this epoch (0 = never) */
  evictCensorAt: number;
}

export class Agents {
  private epoch = -1;
  private done = new Set<string>();
  private readonly bids = new Map<number, { amount: bigint; salt: Uint8Array }>();
  private evicted = false;
  readonly equivocators: Equivocators;

  constructor(
    private readonly world: SimWorld,
    private readonly o: AgentOptions,
  ) {
    this.equivocators = new Equivocators(world);
  }

  /** The system txs of the batch of `slot` led by `leader`, on `state` (the state before the batch). */
  systemTxs(state: State, slot: number, leader: number): Tx[] {
    const { config } = this.world;
    const epoch = computeEpoch(config, slot);
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.done.clear();
    }
    const maker = new TxMaker(state, config.minFee);
    const txs: Tx[] = [];
    const once = (what: string, fn: () => void) => {
      if (!this.done.has(what)) {
        this.done.add(what);
        fn();
      }
    };
    once("rejoin", () => this.rejoin(state, slot, maker, txs));
    once("joiners", () => this.join(state, slot, maker, txs));
    once("restakers", () => this.restake(state, slot, maker, txs));
    if (config.mechanism === "auction") {
      const phase = auctionPhase(state, config);
      once(phase.revealing ? "reveal" : "bid", () => this.auction(state, slot, phase.target, phase.revealing, maker, txs));
    }
    if (config.mechanism === "dpos") once("delegators", () => txs.push(...delegationTxs(this.world, state, epoch, maker, this.o.seed)));
    if (this.o.evictCensorAt > 0 && epoch >= this.o.evictCensorAt && !this.evicted) this.evictCensor(state, maker, txs);
    txs.push(...this.equivocators.txs(state, slot, leader, maker));
    return txs;
  }

  private alive = (i: number, slot: number) => isAlive(this.world.population[i].profile, slot, this.world.config.slotsPerEpoch);

  private auction(state: State, slot: number, target: number, revealing: boolean, maker: TxMaker, txs: Tx[]): void {
    const { config, population, sequencerAccounts } = this.world;
    const p = paramsOf(config, "auction");
    const bond = auctionBond(config);
    // The lowest winning bid of the last auction settled: who cannot reach 80% of it sits out.
    let clearing = Infinity;
    for (const b of state.bids) if (b.status === BidStatus.won && b.epoch === target - 1) clearing = Math.min(clearing, Number(b.amount));
    const hopeless = (amount: number) => Number.isFinite(clearing) && amount < 0.8 * clearing;
    for (let i = 0; i < state.sequencers.length; i++) {
      if (!this.alive(i, slot)) continue;
      if (revealing) {
        const bid = this.bids.get(i);
        if (bid === undefined) continue;
        const payload = ssz.BidRevealPayload.serialize({ sequencerIndex: i, epoch: target, amount: bid.amount, salt: bid.salt });
        txs.push(maker.make(sequencerAccounts[i], TxKind.reveal, payload));
        continue;
      }
      const s = state.sequencers[i];
      if (!isCandidate(s) || s.stake < bond) continue;
      let amount = fixedBidOf(population[i].profile);
      if (amount === null) {
        const jitter = 0.8 + 0.4 * chance(this.o.seed, i, target, PURPOSE.bid);
        const shade = p.priceRule === "first" ? 0.8 : 1;
        const value = Math.round(population[i].value * reliabilityOf(population[i].profile) * jitter * shade);
        if (hopeless(value)) continue;
        amount = BigInt(Math.max(Number(p.reservePrice) + 1, value));
      }
      const salt = new Uint8Array(32); // secrecy does not matter here: any salt unique per bid
      new DataView(salt.buffer).setUint32(0, this.o.seed, true);
      new DataView(salt.buffer).setUint32(4, i, true);
      new DataView(salt.buffer).setUint32(8, target, true);
      const commitment = bidCommitment(config.chainId, i, target, amount, salt);
      this.bids.set(i, { amount, salt });
      const payload = ssz.BidCommitPayload.serialize({ sequencerIndex: i, epoch: target, commitment, deposit: (amount * 5n) / 4n + 1n });
      txs.push(maker.make(sequencerAccounts[i], TxKind.bid, payload));
    }
    if (revealing) this.bids.clear();
  }

  /** Like a node's Rejoiner: an ejected sequencer that is up sends a rejoin tx (it leads again next epoch). */
  private rejoin(state: State, slot: number, maker: TxMaker, txs: Tx[]): void {
    state.sequencers.forEach((s, i) => {
      if (s.status !== SequencerStatus.ejected || s.rejoinEpoch !== 0 || !this.alive(i, slot)) return;
      txs.push(maker.make(this.world.sequencerAccounts[i], TxKind.rejoin, ssz.RejoinPayload.serialize({ sequencerIndex: i })));
    });
  }

  /** Restakers: withdraw most of the stake while off duty, bring it back when scheduled next. */
  private restake(state: State, slot: number, maker: TxMaker, txs: Tx[]): void {
    const { population, sequencerAccounts } = this.world;
    const inCurrent = new Set(state.currentCommittee.members.map((m) => m.index));
    const inNext = new Set(state.nextCommittee.members.map((m) => m.index));
    population.forEach((p, i) => {
      const s = state.sequencers[i];
      if (p.profile.kind !== "restaker" || s === undefined || !this.alive(i, slot)) return;
      if (inNext.has(i) && s.restakeOwed > 0n) {
        const payload = ssz.StakePayload.serialize({ pubkey: s.pubkey, amount: s.restakeOwed, proofOfPossession: NO_POP });
        txs.push(maker.make(sequencerAccounts[i], TxKind.stake, payload));
      } else if (!inCurrent.has(i) && !inNext.has(i) && s.restakeOwed === 0n && s.status === SequencerStatus.active) {
        const spare = s.stake - 2n * MIN_STAKE;
        const amount = (spare * BigInt(Math.round(RESTAKER_WITHDRAW_SHARE * 100))) / 100n;
        if (amount <= 0n) return;
        txs.push(maker.unstake(sequencerAccounts[i], i, amount, true));
      }
    });
  }

  /** The next joiner whose epoch has come: a stake tx, or under poa a governance admit. */
  private join(state: State, slot: number, maker: TxMaker, txs: Tx[]): void {
    const { config, population, genesisCount, joinerKeys, sequencerAccounts, governance } = this.world;
    for (let i = genesisCount; i < state.sequencers.length && config.mechanism === "poa"; i++) {
      // an admitted authority posts its bond (a top-up of its stake of 0)
      const s = state.sequencers[i];
      if (s.stake >= SIM_BOND || !this.alive(i, slot)) continue;
      const payload = ssz.StakePayload.serialize({ pubkey: s.pubkey, amount: SIM_BOND - s.stake, proofOfPossession: NO_POP });
      txs.push(maker.make(sequencerAccounts[i], TxKind.stake, payload));
    }
    const index = state.sequencers.length; // joiners join in order, one per epoch at most
    if (index < genesisCount || index >= population.length || !this.alive(index, slot)) return;
    const key = joinerKeys[index - genesisCount];
    const account = sequencerAccounts[index];
    if (config.mechanism === "poa") {
      const action = { pubkey: key.publicKey, account, nonce: state.governanceNonce };
      const signatures = signGovernanceAction(config.chainId, { kind: "admit", action }, [0, 1].map((signer) => ({ signer, key: governance[signer] })));
      const payload = ssz.AdmitPayload.serialize({ action, proofOfPossession: signProofOfPossession(config.chainId, key), signatures });
      txs.push(maker.make(account, TxKind.admit, payload));
    } else {
      const amount = lockedStake(config.mechanism, population[index].stake);
      const payload = ssz.StakePayload.serialize({ pubkey: key.publicKey, amount, proofOfPossession: signProofOfPossession(config.chainId, key) });
      txs.push(maker.make(account, TxKind.stake, payload));
    }
  }

  private evictCensor(state: State, maker: TxMaker, txs: Tx[]): void {
    const { config, population, governance, sequencerAccounts } = this.world;
    const censor = population.findIndex((p) => p.profile.kind === "censor");
    if (censor < 0 || state.sequencers[censor] === undefined) return;
    const action = { sequencerIndex: censor, penaltyBps: 1_000, nonce: state.governanceNonce };
    const signatures = signGovernanceAction(config.chainId, { kind: "evict", action }, [0, 1].map((signer) => ({ signer, key: governance[signer] })));
    txs.push(maker.make(sequencerAccounts[0], TxKind.evict, ssz.EvictPayload.serialize({ action, signatures })));
    this.evicted = true;
  }
}

