/** The lab's auction: bonded bidders; each epoch they commit sealed bids for the next one, then reveal them. */
import { auctionBond, auctionPhase, bidCommitment, BidStatus, isCandidate, paramsOf, ssz, TxKind, type AuctionParams } from "@baton/core";
import { fixedBidOf, reliabilityOf } from "../profiles.js";
import { chance, PURPOSE } from "../rng.js";
import { bondedStake, SIM_BOND } from "./bond.js";
import type { AgentTurn, MechanismAgent, SimMechanism } from "./types.js";

/** A bid committed and not revealed yet, by sequencer index. */
type Bids = Map<number, { amount: bigint; salt: Uint8Array }>;

/** The reveal phase: every bidder that is up reveals the bid it committed. */
function reveal({ state, world, maker, txs, alive }: AgentTurn, target: number, bids: Bids): void {
  for (let i = 0; i < state.sequencers.length; i++) {
    const bid = bids.get(i);
    if (!alive(i) || bid === undefined) continue;
    const payload = ssz.BidRevealPayload.serialize({ sequencerIndex: i, epoch: target, amount: bid.amount, salt: bid.salt });
    txs.push(maker.make(world.sequencerAccounts[i], TxKind.reveal, payload));
  }
  bids.clear();
}

/**
 * The commit phase: a bidder values an epoch by what it expects to earn in it, less when it
 * misses slots, and sits out when that is below 80% of the lowest winning bid of the last
 * auction. Bidders with a fixed bid (bidder, inflater) bid it every epoch.
 */
function commit({ state, world, maker, txs, alive, seed }: AgentTurn, target: number, bids: Bids): void {
  const { config, population, sequencerAccounts } = world;
  const p = paramsOf(config, "auction");
  const bond = auctionBond(config);
  // The lowest winning bid of the last auction settled: who cannot reach 80% of it sits out.
  let clearing = Infinity;
  for (const b of state.bids) if (b.status === BidStatus.won && b.epoch === target - 1) clearing = Math.min(clearing, Number(b.amount));
  const hopeless = (amount: number) => Number.isFinite(clearing) && amount < 0.8 * clearing;
  for (let i = 0; i < state.sequencers.length; i++) {
    const s = state.sequencers[i];
    if (!alive(i) || !isCandidate(s) || s.stake < bond) continue;
    let amount = fixedBidOf(population[i].profile);
    if (amount === null) {
      const jitter = 0.8 + 0.4 * chance(seed, i, target, PURPOSE.bid);
      const shade = p.priceRule === "first" ? 0.8 : 1;
      const value = Math.round(population[i].value * reliabilityOf(population[i].profile) * jitter * shade);
      if (hopeless(value)) continue;
      amount = BigInt(Math.max(Number(p.reservePrice) + 1, value));
    }
    const salt = new Uint8Array(32); // secrecy does not matter here: any salt unique per bid
    new DataView(salt.buffer).setUint32(0, seed, true);
    new DataView(salt.buffer).setUint32(4, i, true);
    new DataView(salt.buffer).setUint32(8, target, true);
    const commitment = bidCommitment(config.chainId, i, target, amount, salt);
    bids.set(i, { amount, salt });
    const payload = ssz.BidCommitPayload.serialize({ sequencerIndex: i, epoch: target, commitment, deposit: (amount * 5n) / 4n + 1n });
    txs.push(maker.make(sequencerAccounts[i], TxKind.bid, payload));
  }
}

function auctionAgent(): MechanismAgent {
  const bids: Bids = new Map();
  return {
    act(turn) {
      const phase = auctionPhase(turn.state, turn.world.config);
      if (phase.revealing) turn.once("reveal", () => reveal(turn, phase.target, bids));
      else turn.once("bid", () => commit(turn, phase.target, bids));
    },
  };
}

export const auctionSim: SimMechanism<"auction", AuctionParams> = {
  name: "auction",
  params: { winners: 8, priceRule: "second", bond: SIM_BOND, reservePrice: 10n, disputeEpochs: 4 },
  lockedStake: bondedStake,
  sealedBids: true,
  agent: auctionAgent,
};
