/** dpos: own stake + delegations, elected seats, commission and the reward split, unbonding. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { epochStartSlot } from "../../src/config/chainConfig.js";
import { signBatchHeader } from "../../src/signing.js";
import { TxErrorCode } from "../../src/errors.js";
import { electSeats, getMechanism, makeCommissionTx, makeDelegateTx, makeUndelegateTx } from "../../src/mechanism/index.js";
import { applyTx, makeSlashTx, processSlots } from "../../src/transition/index.js";
import { SequencerStatus } from "../../src/types/enums.js";
import type { State } from "../../src/types/ssz.js";
import { withSequencer } from "./helpers.js";
import { BALANCE, balanceOf, expectTxError, mechChain, nonceOf, runTo, step, weightsOf, type MechChain } from "./mechanismHelpers.js";

const test = suite("mechanism: dpos");
const dpos = getMechanism("dpos");
const chain = (params: object = {}, stakes?: bigint[], config: object = {}) =>
  mechChain("dpos", { params: { rewardPerBatch: 100n, ...params }, config: { minFee: 0n, ...config }, stakes });
const delegate = (c: MechChain, s: State, user: number, to: number, amount: bigint) =>
  makeDelegateTx(1, c.users[user], { nonce: nonceOf(s, c.users[user]), fee: 0n, sequencerIndex: to, amount });
const undelegate = (c: MechChain, s: State, user: number, to: number, amount: bigint) =>
  makeUndelegateTx(1, c.users[user], { nonce: nonceOf(s, c.users[user]), fee: 0n, sequencerIndex: to, amount });

const seatCases: [string, number[], number, number[]][] = [
  ["all seats (0)", [5, 1, 3], 0, [0, 1, 2]],
  ["top 2", [5, 1, 3], 2, [0, 2]],
  ["ties for the last seat: lower index", [5, 3, 3, 3], 2, [0, 1]],
  ["more seats than candidates", [1, 2], 5, [0, 1]],
];
for (const [name, ws, seats, elected] of seatCases) {
  test(`electSeats: ${name}`, () => {
    const weights = ws.map((w, index) => ({ index, weight: BigInt(w) }));
    assert.equal(electSeats(weights, seats).map((w) => w.index), elected);
  });
}

test("weight = own stake + delegated; a sequencer with too little own stake has none, whatever is delegated to it", () => {
  const c = chain();
  let state = step(c, c.state, 1, [delegate(c, c.state, 0, 2, 30_000n)]);
  state = withSequencer(state, 3, { stake: 999n, delegated: 50_000n });
  assert.equal(weightsOf(dpos.weights(state, c.config, 3)), { 0: 10_000n, 1: 10_000n, 2: 40_000n });
  state = processSlots(state, epochStartSlot(c.config, 1), c.config);
  assert.is(weightsOf(state.nextCommittee.members)[2], 40_000n, "counts in the committee of epoch 2");
  assert.is(weightsOf(state.currentCommittee.members)[2], 10_000n, "not in that of epoch 1, fixed earlier");
});

test("reward split: commission first, then pro rata own stake / delegations that earned through the epoch", () => {
  const c = chain({ defaultCommissionBps: 1_000 });
  // delegated in epoch 0: pending, earns from epoch 1
  let state = step(c, c.state, 1, [delegate(c, c.state, 0, 0, 30_000n)]);
  state = runTo(c, state, epochStartSlot(c.config, 1) - 1);
  const producedE0 = state.sequencers[0].produced;
  state = processSlots(state, epochStartSlot(c.config, 1), c.config);
  assert.is(balanceOf(state, c.users[0]), BALANCE - 30_000n, "no reward for the epoch it was delegated in");
  assert.is(balanceOf(state, c.seqAccounts[0]), BALANCE + BigInt(producedE0) * 100n);
  // epoch 1: the delegation earns 90% × 3/4 of the rewards
  const before = { user: balanceOf(state, c.users[0]), seq: balanceOf(state, c.seqAccounts[0]), produced: state.sequencers[0].produced };
  state = runTo(c, state, epochStartSlot(c.config, 2) - 1);
  const k = BigInt(state.sequencers[0].produced - before.produced);
  assert.ok(k > 0n, "sequencer 0 led in epoch 1");
  state = processSlots(state, epochStartSlot(c.config, 2), c.config);
  const delegatorShare = (k * 90n * 30_000n) / 40_000n;
  assert.is(balanceOf(state, c.users[0]) - before.user, delegatorShare);
  assert.is(balanceOf(state, c.seqAccounts[0]) - before.seq, k * 100n - delegatorShare, "commission + own share + dust");
  assert.is(state.issued, BigInt(state.sequencers.reduce((a, s) => a + s.produced, 0)) * 100n);
});

test("a delegator undelegating mid-epoch: out of the weight at once, no reward for that epoch, paid back after unbonding", () => {
  const c = chain({}, undefined, { unbondingEpochs: 4, evidenceEpochs: 1 });
  let state = step(c, c.state, 1, [delegate(c, c.state, 0, 1, 20_000n)]);
  state = runTo(c, state, epochStartSlot(c.config, 1) + 1);
  state = step(c, state, state.slot + 1, [undelegate(c, state, 0, 1, 20_000n)]);
  assert.is(state.sequencers[1].delegated, 0n);
  assert.equal(weightsOf(dpos.weights(state, c.config, 3))[1], 10_000n);
  const d = state.delegations[0];
  assert.equal([d.amount, d.unbonding, d.releaseEpoch], [0n, 20_000n, 5]);
  state = runTo(c, state, epochStartSlot(c.config, 5) - 2);
  assert.is(balanceOf(state, c.users[0]), BALANCE - 20_000n, "nothing back yet, and no reward for epoch 1");
  state = processSlots(state, epochStartSlot(c.config, 5), c.config);
  assert.is(balanceOf(state, c.users[0]), BALANCE);
  assert.is(state.delegations.length, 0);
});

test("slashing takes the same share of the delegations, unbonding ones included", () => {
  const c = chain();
  let state = step(c, c.state, 1, [delegate(c, c.state, 0, 2, 20_000n), delegate(c, c.state, 1, 2, 8_000n)]);
  state = step(c, state, 2, [undelegate(c, state, 1, 2, 8_000n)]);
  const h = (fill: number) => ({ chainId: 1, slot: 9, height: 3, proposerIndex: 2, parentRoot: new Uint8Array(32), txRoot: new Uint8Array(32).fill(fill), stateRoot: new Uint8Array(32), randaoReveal: new Uint8Array(96) });
  const [a, b] = [h(1), h(2)];
  const slash = makeSlashTx(1, c.users[3], { nonce: 0, fee: 0n, header1: { header: a, signature: signBatchHeader(a, c.seqKeys[2]) }, header2: { header: b, signature: signBatchHeader(b, c.seqKeys[2]) } });
  state = applyTx(state, slash, 0, c.config);
  assert.equal([state.sequencers[2].stake, state.sequencers[2].delegated, state.sequencers[2].status], [5_000n, 10_000n, SequencerStatus.exited]);
  assert.equal(state.delegations.map((d) => [d.pending + d.amount, d.unbonding]), [[10_000n, 0n], [0n, 4_000n]]);
  assert.is(state.burned, 5_000n + 10_000n + 4_000n);
});

test("refused: commission above the maximum or by another account; delegation to an exited sequencer; undelegating more than held", () => {
  const c = chain({ maxCommissionBps: 2_000, defaultCommissionBps: 500 });
  const s = processSlots(c.state, 1, c.config);
  const commission = (by: number, bps: number) => makeCommissionTx(1, c.seqAccounts[by], { nonce: 0, fee: 0n, sequencerIndex: 1, commissionBps: bps });
  expectTxError(() => applyTx(s, commission(1, 2_001), 0, c.config), TxErrorCode.NOT_ALLOWED, /above the maximum/);
  expectTxError(() => applyTx(s, commission(2, 100), 0, c.config), TxErrorCode.NOT_ALLOWED, /another account/);
  assert.is(applyTx(s, commission(1, 2_000), 0, c.config).sequencers[1].commissionBps, 2_000);
  const exited = withSequencer(s, 3, { status: SequencerStatus.exited });
  expectTxError(() => applyTx(exited, delegate(c, s, 0, 3, 100n), 0, c.config), TxErrorCode.NOT_ALLOWED, /exited/);
  expectTxError(() => applyTx(s, undelegate(c, s, 0, 1, 1n), 0, c.config), TxErrorCode.NOT_ALLOWED, /of a delegation of 0/);
  expectTxError(() => applyTx(s, delegate(c, s, 0, 1, BALANCE + 1n), 0, c.config), TxErrorCode.INSUFFICIENT_BALANCE);
});

test("delegation txs are dpos txs only", () => {
  const c = mechChain("pos", { config: { minFee: 0n } });
  expectTxError(() => applyTx(c.state, delegate(c, c.state, 0, 1, 100n), 0, c.config), TxErrorCode.NOT_ALLOWED, /not part of the pos/);
});

test.run();
