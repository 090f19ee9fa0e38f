/**
 * What the simulated sequencers and their users do besides leading: the system txs put into
 * each produced batch, decided from the state before it (so nonces are always right, and a
 * tx the rules refuse is simply dropped by the core). Per epoch, at its first produced batch
 * (or first of a phase): rejoins of ejected sequencers that are up (as a node's Rejoiner
 * does), joiners, restakers' withdrawals and restakes, then what the mechanism's own agents
 * do (mechanisms/: auction bids and reveals, dpos delegations, poa admissions), and
 * optionally governance evicting the censor. The equivocating adversaries and their
 * slasher: adversaries.ts.
 */
import {
  computeEpoch,
  signGovernanceAction,
  signProofOfPossession,
  ssz,
  SequencerStatus,
  TxKind,
  type State,
  type Tx,
} from "@baton/core";
import { Equivocators } from "./adversaries.js";
import { simMechanismOf, type AgentTurn, type MechanismAgent } from "./mechanisms/index.js";
import { isAlive, RESTAKER_WITHDRAW_SHARE } from "./profiles.js";
import { TxMaker } from "./txMaker.js";
import { lockedStake, MIN_STAKE, type SimWorld } from "./world.js";

export interface AgentOptions {
  seed: number;
  /** governance evicts the censor from this epoch (0 = never) */
  evictCensorAt: number;
}

export class Agents {
  private epoch = -1;
  private done = new Set<string>();
  private evicted = false;
  /** the mechanism's own agents (mechanisms/) */
  private readonly own: MechanismAgent;
  readonly equivocators: Equivocators;

  constructor(
    private readonly world: SimWorld,
    private readonly o: AgentOptions,
  ) {
    this.equivocators = new Equivocators(world);
    this.own = simMechanismOf(world.config.mechanism).agent?.() ?? {};
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
    const turn: AgentTurn = { world: this.world, state, slot, epoch, seed: this.o.seed, maker, txs, alive: (index) => this.alive(index, slot), once };
    once("rejoin", () => this.rejoin(state, slot, maker, txs));
    once("joiners", () => this.join(turn));
    once("restakers", () => this.restake(state, slot, maker, txs));
    this.own.act?.(turn);
    if (this.o.evictCensorAt > 0 && epoch >= this.o.evictCensorAt && !this.evicted) this.evictCensor(state, maker, txs);
    txs.push(...this.equivocators.txs(state, slot, leader, maker));
    return txs;
  }

  private alive = (i: number, slot: number) => isAlive(this.world.population[i].profile, slot, this.world.config.slotsPerEpoch);

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
        txs.push(maker.topUp(sequencerAccounts[i], s.pubkey, s.restakeOwed));
      } else if (!inCurrent.has(i) && !inNext.has(i) && s.restakeOwed === 0n && s.status === SequencerStatus.active) {
        const spare = s.stake - 2n * MIN_STAKE;
        const amount = (spare * BigInt(Math.round(RESTAKER_WITHDRAW_SHARE * 100))) / 100n;
        if (amount <= 0n) return;
        txs.push(maker.unstake(sequencerAccounts[i], i, amount, true));
      }
    });
  }

  /** The next joiner whose epoch has come: by the mechanism's `joinTx`, or a stake tx of what it locks. */
  private join(turn: AgentTurn): void {
    const { state, slot, maker, txs } = turn;
    const { config, population, genesisCount, joinerKeys, sequencerAccounts } = this.world;
    this.own.beforeJoin?.(turn);
    const index = state.sequencers.length; // joiners join in order, one per epoch at most
    if (index < genesisCount || index >= population.length || !this.alive(index, slot)) return;
    const joiner = { index, key: joinerKeys[index - genesisCount], account: sequencerAccounts[index] };
    if (this.own.joinTx !== undefined) {
      txs.push(this.own.joinTx(turn, joiner));
      return;
    }
    const amount = lockedStake(config.mechanism, population[index].stake);
    const payload = ssz.StakePayload.serialize({ pubkey: joiner.key.publicKey, amount, proofOfPossession: signProofOfPossession(config.chainId, joiner.key) });
    txs.push(maker.make(joiner.account, TxKind.stake, payload));
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

