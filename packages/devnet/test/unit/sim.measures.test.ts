/** The lab's measures as pure functions: locked capital and its sampling, confirmation weight, holdings, status changes, attack gains. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { BidStatus, SequencerStatus, type Bid, type State } from "@baton/core";
import { formatAttackTable, formatGain } from "../../src/sim/attackReport.js";
import { measure, paidOff, type AttackResult } from "../../src/sim/attacks.js";
import { CAPITAL_SAMPLES_PER_EPOCH, holdingsOf, isCapitalSample, lockedCapital } from "../../src/sim/capital.js";
import { makePopulation } from "../../src/sim/population.js";
import { baselineOf, parseProfile, type Profile } from "../../src/sim/profiles.js";
import { nakamoto } from "../../src/sim/stats.js";
import { StatusChanges } from "../../src/sim/statusChanges.js";
import { confirmationShares, WeightTally } from "../../src/sim/weights.js";
import { buildWorld, MIN_STAKE, type SimWorld } from "../../src/sim/world.js";

const test = suite("sim measures");

/** A real genesis of `n` reliable sequencers (stakes from the population's Pareto draw). */
function world(n: number, mechanism: "pos" | "auction" = "pos"): SimWorld {
  const profiles: Profile[] = Array.from({ length: n }, () => ({ kind: "reliable" }));
  const population = makePopulation({ sequencers: n, epochs: 10, slotsPerEpoch: 8, seed: 1, minStake: MIN_STAKE }, profiles);
  return buildWorld({ mechanism, slotsPerEpoch: 8, slotMs: 500, committeeSize: 0, seed: 1 }, population);
}

const bid = (sequencerIndex: number, status: BidStatus, deposit: bigint): Bid => ({
  sequencerIndex,
  epoch: 5,
  commitment: new Uint8Array(32),
  deposit,
  amount: status === BidStatus.committed ? 0n : deposit / 2n,
  status,
  price: status === BidStatus.won ? 7n : 0n,
});

const unbonding = (sequencerIndex: number, account: Uint8Array, amount: bigint, token = 0) => ({ sequencerIndex, account, token, amount, releaseEpoch: 9 });

test("lockedCapital: stake of the sequencers not exited, delegations, bids in escrow (committed or revealed, not won), unbonding", () => {
  const w = world(3);
  const s = w.state;
  const stakes = s.sequencers.map((x) => x.stake);
  const state: State = {
    ...s,
    sequencers: s.sequencers.map((x, i) => (i === 2 ? { ...x, status: SequencerStatus.exited } : x)),
    delegations: [{ delegator: new Uint8Array(32), sequencerIndex: 0, amount: 100n, pending: 20n, unbonding: 3n, releaseEpoch: 4 }],
    bids: [bid(0, BidStatus.committed, 1_000n), bid(1, BidStatus.revealed, 400n), bid(1, BidStatus.won, 50_000n)],
    unbonding: [unbonding(2, s.sequencers[2].account, 77n)],
  };
  const c = lockedCapital(state, w.config);
  assert.equal(c, { stake: stakes[0] + stakes[1], delegations: 123n, escrow: 1_400n, unbonding: 77n, total: stakes[0] + stakes[1] + 123n + 1_400n + 77n });
  assert.equal(lockedCapital(s, w.config).escrow, 0n, "genesis: nothing in escrow");
});

test(`isCapitalSample: ${CAPITAL_SAMPLES_PER_EPOCH} evenly spread slots per epoch (every slot of a shorter epoch)`, () => {
  const samples = (spe: number, epoch: number) => Array.from({ length: spe }, (_, k) => epoch * spe + k).filter((slot) => isCapitalSample(slot, spe)).map((slot) => slot % spe);
  assert.equal(samples(32, 0), [0, 8, 16, 24]);
  assert.equal(samples(32, 7), [0, 8, 16, 24], "the same offsets in every epoch");
  assert.equal(samples(6, 3), [0, 2, 3, 5]);
  assert.equal(samples(3, 1), [0, 1, 2]);
  assert.ok(samples(32, 0).some((offset) => offset > 0 && offset < 16), "a sample inside the commit phase (bids in escrow)");
});

test("confirmationShares: each non-exited member's share of the committee weight, a member listed twice summed", () => {
  const w = world(4);
  const state: State = {
    ...w.state,
    sequencers: w.state.sequencers.map((x, i) => (i === 3 ? { ...x, status: SequencerStatus.exited } : x)),
    currentCommittee: {
      ...w.state.currentCommittee,
      members: [
        { index: 0, weight: 600n },
        { index: 1, weight: 100n },
        { index: 0, weight: 200n },
        { index: 2, weight: 100n },
        { index: 3, weight: 9_000n },
      ],
    },
  };
  const shares = confirmationShares(state, w.config);
  assert.equal([...shares.keys()].sort(), [0, 1, 2]);
  assert.ok(Math.abs((shares.get(0) ?? 0) - 0.8) < 1e-9);
  assert.ok(Math.abs((shares.get(1) ?? 0) - 0.1) < 1e-9);
  const tally = new WeightTally();
  tally.add(state, w.config);
  tally.add({ ...state, currentCommittee: { ...state.currentCommittee, members: [{ index: 1, weight: 5n }] } }, w.config);
  const mean = tally.meanShares(4);
  assert.ok(Math.abs(mean[0] - 0.4) < 1e-9 && Math.abs(mean[1] - 0.55) < 1e-9 && mean[3] === 0, JSON.stringify(mean));
  assert.is(nakamoto(mean), 1, "by weight: 1 alone held 55% on average");
  assert.is(nakamoto([0.4, 0.3, 0.3]), 2);
});

test("holdingsOf: balance, stake, native unbonding and bids in escrow of one sequencer", () => {
  const w = world(2, "auction");
  const s = w.state;
  const account = s.sequencers[0].account;
  const balance = s.accounts.find((a) => Buffer.from(a.pubkey).equals(Buffer.from(account)))?.balance ?? -1n;
  const state: State = {
    ...s,
    bids: [bid(0, BidStatus.revealed, 500n), bid(0, BidStatus.won, 9_999n), bid(1, BidStatus.committed, 1_000n)],
    unbonding: [unbonding(0, account, 40n), unbonding(0, account, 9n, 1), unbonding(1, s.sequencers[1].account, 1_000n)],
  };
  assert.is(holdingsOf(state, 0), balance + s.sequencers[0].stake + 40n + 500n);
  assert.is(holdingsOf(state, 5), 0n, "no such sequencer");
});

test("StatusChanges: ejections and exits between chain states, including ejected and leaked out in one gap", () => {
  const w = world(3);
  const g = w.state;
  const at = (status: SequencerStatus[], ejectedEpoch = [0, 0, 0]): State => ({
    ...g,
    sequencers: g.sequencers.map((x, i) => (x.status === status[i] && x.ejectedEpoch === ejectedEpoch[i] ? x : { ...x, status: status[i], ejectedEpoch: ejectedEpoch[i] })),
  });
  const changes = new StatusChanges(g);
  changes.observe(at([SequencerStatus.ejected, SequencerStatus.active, SequencerStatus.active], [4, 0, 0]));
  changes.observe(at([SequencerStatus.exited, SequencerStatus.active, SequencerStatus.exited], [4, 0, 6]));
  assert.is(changes.ejections, 2, "0 ejected; 2 ejected and exited in one gap");
  assert.is(changes.exits, 2);
  changes.observe(at([SequencerStatus.exited, SequencerStatus.active, SequencerStatus.exited], [4, 0, 6]));
  assert.is(changes.ejections, 2, "no change, no count");
});

test("measure: gain = attack - honest (more is better) or honest - attack (what it paid); paidOff on any gain or a limit passed", () => {
  assert.is(measure("slots led", "share", 0.9, 0.2).gain, 0.9 - 0.2);
  assert.is(measure("paid", "amount", 11_500, 2_300, "worse").gain, -9_200);
  assert.is(measure("stake kept", "amount", 1_124, 1_124).gain, 0);
  assert.is(measure("slots to next batch", "slots", Infinity, 0, "better", 2).gain, Infinity);
  assert.not.ok(paidOff([measure("a", "share", 1 / 3, 1 / 3), measure("paid", "amount", 5, 1, "worse")]));
  assert.ok(paidOff([measure("a", "count", 8, 0)]));
  assert.ok(paidOff([measure("resume", "slots", 3, 3, "better", 2)]), "equal to the baseline but over the limit");
  assert.not.ok(paidOff([measure("resume", "slots", 2, 3, "better", 2)]));
});

test("the attacks table: one row per measure, signed gains, a verdict", () => {
  const r = {
    attack: "bid inflater",
    label: "auction (second)",
    measures: [measure("slots led", "share", 0.939, 0.193), measure("paid", "amount", 11_500, 2_300, "worse")],
    paidOff: true,
  } as unknown as AttackResult;
  const lines = formatAttackTable([r]).split("\n");
  assert.is(lines.length, 4);
  assert.match(lines[2], /\| bid inflater +\| auction \(second\) \| slots led +\| 93\.9% +\| 19\.3% +\| \+74\.6 pp \| PAID OFF \|/);
  assert.match(lines[3], /\| paid +\| 11,500 +\| 2,300 +\| -9,200 +\| failed +\|/);
  assert.is(formatGain({ gain: 0, format: "share" }), "0");
  assert.is(formatGain({ gain: Infinity, format: "slots" }), "+∞");
});

test("adversarial profiles parse, and each has its baseline", () => {
  assert.equal(parseProfile("bidder:500"), { kind: "bidder", bid: 500 });
  assert.equal(parseProfile("inflater:200:900000"), { kind: "inflater", value: 200, bid: 900_000 });
  assert.equal(parseProfile("escaper@64"), { kind: "escaper", atSlot: 64 });
  assert.equal(baselineOf(parseProfile("inflater:200:900000")), { kind: "bidder", bid: 200 });
  assert.equal(baselineOf(parseProfile("escaper@64")), { kind: "equivocator", atSlot: 64 });
  const reliable = parseProfile("reliable");
  assert.is(baselineOf(reliable), reliable);
  assert.throws(() => parseProfile("inflater:200"), /expected .*inflater:<value>:<bid>/);
  assert.throws(() => parseProfile("escaper@0"), /escaper@<slot>/);
});

test.run();
