/** performance: weight = stake × score (EMA with a half-life), floor, probation, a bond that grows with tx volume. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { epochStartSlot } from "../../src/config/chainConfig.js";
import { TxErrorCode } from "../../src/errors.js";
import { effectiveScore, getMechanism, nextScore, requiredBond } from "../../src/mechanism/index.js";
import { applyTx, makeStakeTx } from "../../src/transition/index.js";
import { blsKey, userTxs, withSequencer } from "./helpers.js";
import { expectTxError, mechChain, nonceOf, runTo, step, weightsOf } from "./mechanismHelpers.js";

const test = suite("mechanism: performance");
const perf = getMechanism("performance");
const chain = (params: object = {}, stakes?: bigint[]) => mechChain("performance", { params, stakes, config: { minFee: 1n } });

test("score EMA: a sequencer that misses everything halves every halfLifeEpochs epochs; one that produces everything stays at 1", () => {
  const c = chain({ halfLifeEpochs: 4, floorScorePpm: 0, initialScorePpm: 0 });
  let score = 1_000_000;
  for (let e = 0; e < 4; e++) score = nextScore(score, 0, 3, c.config);
  assert.ok(score <= 500_000 && score > 490_000, `${score} after one half-life`);
  for (let e = 0; e < 4; e++) score = nextScore(score, 0, 3, c.config);
  assert.ok(score <= 250_000 && score > 240_000, `${score} after two`);
  assert.is(nextScore(1_000_000, 5, 0, c.config), 1_000_000);
  assert.is(nextScore(700_000, 0, 0, c.config), 700_000, "an epoch without slots changes nothing");
  const half = nextScore(0, 1, 1, c.config);
  assert.ok(half > 0 && half < 500_000, "half the slots pull a 0 score towards 0.5");
});

test("missWeight: a sequencer missing 20% of its slots settles at half the score of a reliable one", () => {
  const c = chain({ halfLifeEpochs: 2 });
  let score = 1_000_000;
  for (let e = 0; e < 60; e++) score = nextScore(score, 8, 2, c.config);
  assert.ok(Math.abs(score - 500_000) < 5_000, `${score}`);
  const lenient = chain({ halfLifeEpochs: 2, missWeight: 1 });
  score = 1_000_000;
  for (let e = 0; e < 60; e++) score = nextScore(score, 8, 2, lenient.config);
  assert.ok(Math.abs(score - 800_000) < 5_000, `${score} with missWeight 1: the produced share`);
});

test("a score at its floor stays there, and still weighs: a bad spell is not exile", () => {
  const c = chain({ floorScorePpm: 50_000 });
  let score = 1_000_000;
  for (let e = 0; e < 200; e++) score = nextScore(score, 0, 4, c.config);
  assert.is(score, 50_000);
  const state = withSequencer(c.state, 1, { score: 50_000 });
  assert.equal(weightsOf(perf.weights(state, c.config, 2)), { 0: 10_000n, 1: 500n, 2: 10_000n, 3: 10_000n });
});

test("weights follow the chain: a sequencer that misses its slots loses weight epoch by epoch", () => {
  const c = chain({ halfLifeEpochs: 2 });
  const state = runTo(c, c.state, epochStartSlot(c.config, 6) - 1, (slot, leader) => leader === 3 && slot % 2 === 0);
  const s3 = state.sequencers[3];
  assert.ok(s3.score < 1_000_000 && s3.score > 50_000, `score ${s3.score}`);
  assert.ok(state.sequencers.slice(0, 3).every((s) => s.score === 1_000_000));
  const w = weightsOf(state.nextCommittee.members);
  assert.ok(w[3] < w[0], `${w[3]} < ${w[0]}`);
});

test("probation: a newly admitted sequencer starts at the initial score and is capped there until probation ends", () => {
  const c = chain({ initialScorePpm: 400_000, probationEpochs: 3 });
  const key = blsKey("newcomer");
  let state = step(c, c.state, 1, [makeStakeTx(1, c.users[0], { nonce: 0, fee: 1n, amount: 10_000n, blsKey: key })]);
  const s = state.sequencers[4];
  assert.equal([s.score, s.probationUntil], [400_000, 3]);
  const perfect = withSequencer(state, 4, { score: 1_000_000 });
  assert.is(effectiveScore(perfect.sequencers[4], c.config, 2), 400_000, "capped while on probation");
  assert.is(effectiveScore(perfect.sequencers[4], c.config, 3), 1_000_000);
  assert.equal(weightsOf(perf.weights(perfect, c.config, 2))[4], 4_000n);
  state = runTo(c, state, epochStartSlot(c.config, 2) - 1);
  assert.is(weightsOf(state.nextCommittee.members)[4], 4_000n, "epoch 2: on probation");
});

test("the bond grows with recent tx volume: a sequencer below it loses its weight; the volume decays", () => {
  const c = chain({ baseBond: 2_000n, bondPerTx: 100n, volumeHalfLifeEpochs: 1 }, [10_000n, 10_000n, 10_000n, 5_000n]);
  assert.is(requiredBond(c.state, c.config), 2_000n);
  let state = c.state;
  for (let slot = 1; slot < epochStartSlot(c.config, 1); slot++) state = step(c, state, slot, userTxs(c, state, 25));
  state = runTo(c, state, epochStartSlot(c.config, 1));
  assert.is(state.txVolume, 37, "half of the 75 txs of epoch 0 (half-life 1 epoch)");
  assert.is(requiredBond(state, c.config), 2_000n + 3_700n);
  assert.equal(Object.keys(weightsOf(state.nextCommittee.members)).map(Number), [0, 1, 2], "sequencer 3 (5,000) is below the bond");
  state = runTo(c, state, epochStartSlot(c.config, 4));
  assert.ok(state.txVolume < 5, `decayed to ${state.txVolume}`);
  assert.ok(state.nextCommittee.members.some((m) => m.index === 3), "back once the volume is gone");
});

test("the required bond is never below minStake; a new stake below minStake is refused", () => {
  const c = chain({ baseBond: 500n });
  assert.is(requiredBond(c.state, c.config), 1_000n, "never below minStake");
  expectTxError(() => applyTx(c.state, makeStakeTx(1, c.users[0], { nonce: nonceOf(c.state, c.users[0]), fee: 1n, amount: 999n, blsKey: blsKey("x") }), 0, c.config), TxErrorCode.NOT_ALLOWED);
});

test.run();
