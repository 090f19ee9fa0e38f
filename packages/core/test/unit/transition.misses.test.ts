import { suite } from "uvu";
import * as assert from "uvu/assert";
import { computeEpoch, epochStartSlot } from "../../src/config/chainConfig.js";
import { getEffectiveLeader, getSlotOrder } from "../../src/schedule/index.js";
import { SequencerStatus } from "../../src/types/enums.js";
import type { State } from "../../src/types/ssz.js";
import { applyBatch, computeLeak, makeRejoinTx, processSlots } from "../../src/transition/index.js";
import { leaderAt, makeTestChain, produce, runSlots } from "./helpers.js";

const test = suite("transition: misses, ejection, leak, rejoin");
const X = 1;

/** The leak model of docs/protocol.md "Misses, ejection and the leak", written out: loss = stake × bps × epochsEjected / 10000, at least 1. */
function leakModel(stake: bigint, bps: number, ejectedEpoch: number, toEpoch: number, minStake: bigint) {
  let burned = 0n;
  for (let e = ejectedEpoch + 1; e <= toEpoch; e++) {
    let loss = (stake * BigInt(bps) * BigInt(e - ejectedEpoch)) / 10_000n;
    if (loss < 1n) loss = 1n;
    if (loss > stake) loss = stake;
    stake -= loss;
    burned += loss;
    if (stake < minStake) return { stake, burned, exitedAt: e };
  }
  return { stake, burned, exitedAt: null };
}

test("computeLeak: exact arithmetic, at least 1, capped at the stake", () => {
  const cases: [bigint, number, number, bigint][] = [
    [10_000n, 1_000, 1, 1_000n],
    [9_000n, 1_000, 2, 1_800n],
    [7_200n, 1_000, 3, 2_160n],
    [1_512n, 1_000, 6, 907n],
    [5n, 100, 1, 1n], // rounds to 0: at least 1
    [5n, 10_000, 3, 5n], // capped at the stake
    [0n, 100, 1, 0n],
    [10_000n, 0, 5, 0n], // no leak configured
  ];
  for (const [stake, bps, epochs, loss] of cases) assert.is(computeLeak(stake, bps, epochs), loss, `${stake} ${bps} ${epochs}`);
});

test("a sequencer that never produces: missesToEject misses → ejected → leaks every epoch → exited", () => {
  const chain = makeTestChain();
  const { config } = chain;
  let state = chain.state;
  const missedSlots: number[] = [];
  let ejectedEpoch = -1;
  for (let slot = 1; slot <= 60; slot++) {
    const leader = leaderAt(chain, state, slot);
    if (leader === X) {
      assert.is(ejectedEpoch, -1, "no slot falls to an ejected sequencer");
      missedSlots.push(slot);
      if (missedSlots.length === config.missesToEject) ejectedEpoch = computeEpoch(config, slot);
      continue;
    }
    state = produce(chain, state, slot).state;
    const x = state.sequencers[X];
    assert.is(x.misses, missedSlots.length, `slot ${slot}`);
    if (ejectedEpoch < 0) {
      assert.is(x.status, SequencerStatus.active);
      assert.is(x.consecutiveMisses, missedSlots.length);
      continue;
    }
    assert.is(x.ejectedEpoch, ejectedEpoch);
    const model = leakModel(10_000n, config.leakRateBps, ejectedEpoch, state.epoch, config.minStake);
    assert.is(x.stake, model.stake, `stake at epoch ${state.epoch}`);
    assert.is(state.burned, model.burned, `burned at epoch ${state.epoch}`);
    assert.is(x.status, model.exitedAt === null ? SequencerStatus.ejected : SequencerStatus.exited, `epoch ${state.epoch}`);
  }
  assert.is(missedSlots.length, config.missesToEject);
  // 10000 → 9000 → 7200 → 5040 → 3024 → 1512 → 605 (< minStake: exited, 9395 burned)
  const x = state.sequencers[X];
  assert.is(x.status, SequencerStatus.exited);
  assert.is(x.stake, 605n);
  assert.is(state.burned, 9_395n);
  const total = state.sequencers.reduce((sum, s) => sum + s.stake, 0n) + state.burned;
  assert.is(total, 40_000n, "stake is only moved to burned");
  assert.not.ok(state.nextCommittee.members.some((m) => m.index === X), "an exited sequencer leaves the committee");
});

test("a produced slot resets the consecutive misses", () => {
  const chain = makeTestChain();
  let n = 0;
  // X's scheduled slots: miss, miss, produce, miss, miss, miss → ejected at its 6th slot
  const state = runSlots(chain, chain.state, 60, (_slot, leader) => leader === X && ++n !== 3);
  const x = state.sequencers[X];
  assert.is(n, 6, "after the ejection X is never the effective leader again");
  assert.is(x.produced, 1);
  assert.is(x.misses, 5);
  assert.is(x.status, SequencerStatus.exited, "ejected, then leaked out");
});

test("the streak: miss, miss, produce, miss, miss → still active with consecutiveMisses 2", () => {
  const chain = makeTestChain();
  let state = chain.state;
  let n = 0;
  let slot = 1;
  for (; slot < 200; slot++) {
    const leader = leaderAt(chain, state, slot);
    if (leader === X && ++n === 6) break;
    if (leader !== X || n === 3) state = produce(chain, state, slot).state;
  }
  assert.is(n, 6);
  const x = processSlots(state, slot, chain.config).sequencers[X]; // up to X's 6th slot
  assert.is(x.produced, 1);
  assert.is(x.misses, 4);
  assert.is(x.consecutiveMisses, 2);
  assert.is(x.status, SequencerStatus.active);
});

// Issue 9, finding 1: after a whole-network outage the first batch recorded a miss for every
// skipped slot: everyone was ejected, leaked out and exited, and the committee was empty for good.
test("a whole-network outage (500 slots, nobody produced) ejects nobody; the scheduled leader goes on", () => {
  const chain = makeTestChain({ config: { leakRateBps: 0 } });
  const t0 = performance.now();
  const state = processSlots(chain.state, 500, chain.config);
  const ms = performance.now() - t0;
  assert.ok(ms < 5_000, `${ms} ms`);
  assert.is(state.epoch, 125);
  assert.is(state.slot, 499);
  assert.is(state.sequencers.reduce((n, s) => n + s.misses, 0), 0, "the network's outage is nobody's miss");
  assert.ok(state.sequencers.every((s) => s.status === SequencerStatus.active));
  const built = produce(chain, chain.state, 500);
  const after = applyBatch(chain.state, built.batch, chain.config);
  assert.is(after.slot, 500);
  assert.is(built.batch.header.proposerIndex, getSlotOrder(state, chain.config, 500)[0], "the scheduled leader, no fallback");
});

test("a 1,000-slot outage with the leak on: nobody leaks or exits, the committee stays whole", () => {
  const chain = makeTestChain({ config: { slotsPerEpoch: 32, leakRateBps: 100 } });
  const before = runSlots(chain, chain.state, 40, (_s, leader) => leader === X); // X ejected first: a partial outage
  assert.is(before.sequencers[X].status, SequencerStatus.ejected);
  const stakeBefore = before.sequencers.map((s) => s.stake);
  const state = processSlots(before, 1_040, chain.config);
  assert.equal(state.sequencers.map((s) => s.stake), stakeBefore, "no leak for the outage, not even for the one ejected before it");
  assert.is(state.burned, before.burned);
  assert.ok(state.sequencers.every((s, i) => s.status === (i === X ? SequencerStatus.ejected : SequencerStatus.active)));
  assert.is(state.nextCommittee.members.length, 4);
});

test("after an outage, a member still starting is not ejected during the restart grace; after it, it is", () => {
  const chain = makeTestChain({ config: { slotsPerEpoch: 4, restartGraceEpochs: 2 } });
  assert.is(chain.state.graceUntilSlot, 8, "genesis: nodes start one after another too");
  let state = runSlots(chain, chain.state, 12);
  state = processSlots(state, 400, chain.config); // the whole network down
  const restart = applyBatch(state, produce(chain, state, 400).batch, chain.config);
  assert.is(restart.graceUntilSlot, 408, "the rest of epoch 100 and epoch 101");
  let s = restart;
  let missedInGrace = 0;
  for (let slot = 401; slot < 440; slot++) {
    if (leaderAt(chain, s, slot) === X) {
      if (slot < 408) missedInGrace++;
      continue; // X's node is still starting
    }
    s = produce(chain, s, slot).state;
    if (slot < 408) assert.is(s.sequencers[X].status, SequencerStatus.active, `slot ${slot}: in the grace`);
  }
  assert.ok(missedInGrace > 0, "X had slots in the grace");
  assert.is(s.sequencers[X].status, SequencerStatus.ejected, "and is ejected once the grace is over");
});

test("a gap in which a live active member had no slot yet is a partial outage: charged as before", () => {
  const chain = makeTestChain({ config: { slotsPerEpoch: 16 } });
  let state = runSlots(chain, chain.state, 15);
  // two dead members: a gap over their slots only, ended by a live one's slot
  const dead = new Set([1, 2]);
  let charged = 0;
  for (let slot = 16; slot < 48; slot++) {
    const leader = leaderAt(chain, state, slot);
    if (dead.has(leader)) continue;
    const next = produce(chain, state, slot).state;
    charged += [1, 2].reduce((n, i) => n + next.sequencers[i].misses - state.sequencers[i].misses, 0);
    state = next;
  }
  assert.ok(charged >= 6, `the dead were charged (${charged} misses)`);
  assert.ok([1, 2].every((i) => state.sequencers[i].status === SequencerStatus.ejected), "and ejected");
  assert.ok([0, 3].every((i) => state.sequencers[i].status === SequencerStatus.active && state.sequencers[i].misses === 0));
});

// Finding 7: only consecutive misses counted, so missing 2 of every 3 slots was never punished.
test("the miss window: a sequencer that misses 2 of every 3 of its slots is ejected", () => {
  const chain = makeTestChain({ config: { missesToEject: 3, missWindow: 12, maxWindowMisses: 6 } });
  let state = chain.state;
  let led = 0;
  for (let slot = 1; slot < 400 && state.sequencers[X].status === SequencerStatus.active; slot++) {
    const leader = leaderAt(chain, state, slot);
    if (leader === X && led++ % 3 !== 2) continue; // misses 2, produces the 3rd
    state = produce(chain, state, slot).state;
  }
  const x = state.sequencers[X];
  assert.is(x.status, SequencerStatus.ejected);
  assert.ok(x.consecutiveMisses < 3, "never 3 in a row");
  assert.ok(x.misses >= 7, `ejected after more than 6 misses in its last 12 slots (${x.misses} misses, ${x.produced} produced)`);
});

test("rejoin: an ejected sequencer is active from the next epoch and leads again", () => {
  const chain = makeTestChain({ fundSequencers: true });
  const { config } = chain;
  let state = runSlots(chain, chain.state, 16, (_s, leader) => leader === X);
  assert.is(state.sequencers[X].status, SequencerStatus.ejected);
  const epoch = state.epoch;
  const account = state.accounts.findIndex((a) => Buffer.from(a.pubkey).equals(Buffer.from(chain.seqAccounts[X].publicKey)));
  const rejoin = makeRejoinTx(config.chainId, chain.seqAccounts[X], { nonce: state.accounts[account].nonce, fee: 1n, sequencerIndex: X });
  const slot = state.slot + 1;
  assert.is(computeEpoch(config, slot), epoch, "still in the same epoch");
  const built = produce(chain, state, slot, [rejoin]);
  assert.is(built.included.length, 1, built.dropped.map((d) => d.error.message).join());
  state = applyBatch(state, built.batch, config);
  assert.is(state.sequencers[X].rejoinEpoch, epoch + 1);
  assert.is(state.sequencers[X].status, SequencerStatus.ejected, "still ejected in this epoch");
  // the rest of the epoch: X's slots still fall to fallbacks
  for (let s = slot + 1; s < epochStartSlot(config, epoch + 1); s++) assert.is.not(leaderAt(chain, state, s), X);
  // next epoch: active, and leads its scheduled slot
  const next = processSlots(state, epochStartSlot(config, epoch + 1), config);
  assert.is(next.sequencers[X].status, SequencerStatus.active);
  assert.is(next.sequencers[X].consecutiveMisses, 0);
  assert.is(next.sequencers[X].rejoinEpoch, 0);
  let produced = false;
  for (let s = epochStartSlot(config, epoch + 1); s < epochStartSlot(config, epoch + 2); s++) {
    const leader = leaderAt(chain, state, s);
    if (leader === X) produced = true;
    state = produce(chain, state, s).state;
  }
  assert.ok(produced, "X led a slot of the next epoch");
  assert.is(state.sequencers[X].produced, 1);
});

test("the effective leader skips an ejected sequencer without recomputing the epoch", () => {
  const chain = makeTestChain({ config: { missesToEject: 1 } });
  let state: State = runSlots(chain, chain.state, 8, (_s, leader) => leader === X);
  assert.is(state.sequencers[X].status, SequencerStatus.ejected);
  let fellBack = 0;
  for (let s = 9; s < 24; s++) {
    const processed = processSlots(state, s, chain.config);
    const order = getSlotOrder(processed, chain.config, s);
    const leader = getEffectiveLeader(processed, chain.config, s);
    assert.is(leader, order.find((i) => i !== X));
    if (order[0] === X) fellBack++;
    state = produce(chain, state, s).state;
  }
  assert.ok(fellBack >= 3, "X's slots went to fallbacks");
  assert.is(state.sequencers.filter((q) => q.status === SequencerStatus.ejected).length, 1);
});

test.run();
