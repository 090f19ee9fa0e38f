/** The lab's dpos: sequencers with a commission (at most 50%), and delegators who follow low commissions. */
import { isCandidate, SequencerStatus, ssz, TxKind, type DposParams, type State, type Tx } from "@baton/core";
import { chance, PURPOSE } from "../rng.js";
import type { TxMaker } from "../txMaker.js";
import type { SimWorld } from "../world.js";
import type { SimMechanism } from "./types.js";

export const REDELEGATE_EVERY = 25;
const MAX_GENESIS_COMMISSION_BPS = 5_000;

function pick(state: State, who: number, epoch: number, seed: number): number {
  const weights = state.sequencers.map((seq) =>
    isCandidate(seq) && seq.status === SequencerStatus.active ? 1e8 / (seq.commissionBps + 500) ** 2 : 0,
  );
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let r = chance(seed, who, epoch, PURPOSE.delegate) * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0 && weights[i] > 0) return i;
  }
  return weights.findIndex((weight) => weight > 0);
}

/**
 * dpos delegators (one per sequencer slot in the population, `world.actors`): at epoch 0 each
 * delegates 10,000-30,000 to a sequencer picked at random with probability ∝ 1 / (commission
 * + 5%)², so a low commission (the censor's 0: a bribe paid from what censoring earns it)
 * draws delegations. Every REDELEGATE_EVERY epochs, delegators whose sequencer is not active
 * (ejected, exited, evicted) undelegate and delegate as much to another pick.
 */
export function delegationTxs(world: SimWorld, state: State, epoch: number, maker: TxMaker, seed: number): Tx[] {
  const txs: Tx[] = [];
  const delegate = (from: Uint8Array, to: number, amount: bigint) =>
    txs.push(maker.make(from, TxKind.delegate, ssz.DelegationPayload.serialize({ sequencerIndex: to, amount })));
  if (epoch === 0) {
    world.actors.forEach((delegator, who) => {
      const to = pick(state, who, 0, seed);
      if (to >= 0) delegate(delegator, to, BigInt(10_000 + Math.floor(20_000 * chance(seed, who, 1, PURPOSE.delegate))));
    });
    return txs;
  }
  if (epoch % REDELEGATE_EVERY !== 0) return txs;
  const index = new Map(world.actors.map((delegator, who) => [Buffer.from(delegator).toString("hex"), who]));
  for (const d of state.delegations) {
    const held = d.amount + d.pending;
    if (held === 0n || state.sequencers[d.sequencerIndex].status === SequencerStatus.active) continue;
    const k = index.get(Buffer.from(d.delegator).toString("hex")) ?? 0;
    const to = pick(state, k, epoch, seed);
    if (to < 0 || to === d.sequencerIndex) continue;
    txs.push(maker.make(d.delegator, TxKind.undelegate, ssz.DelegationPayload.serialize({ sequencerIndex: d.sequencerIndex, amount: held })));
    delegate(d.delegator, to, held);
  }
  return txs;
}

export const dposSim: SimMechanism<"dpos", DposParams> = {
  name: "dpos",
  params: { seats: 21, rewardPerBatch: 10n },
  genesisFields: (sequencer) => ({ commissionBps: Math.min(sequencer.commissionBps, MAX_GENESIS_COMMISSION_BPS) }),
  actors: (population) => ({ label: "delegator", count: population.length, balance: 10n ** 7n }),
  agent: () => ({
    act: (turn) => turn.once("delegators", () => turn.txs.push(...delegationTxs(turn.world, turn.state, turn.epoch, turn.maker, turn.seed))),
  }),
};
