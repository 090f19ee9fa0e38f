import { suite } from "uvu";
import * as assert from "uvu/assert";
import { computeEpoch, epochStartSlot } from "../../src/config/chainConfig.js";
import { TxError, TxErrorCode } from "../../src/errors.js";
import { signBatchHeader, signProofOfPossession } from "../../src/signing.js";
import { SequencerStatus } from "../../src/types/enums.js";
import type { BatchHeader, SignedBatchHeader, State, Tx } from "../../src/types/ssz.js";
import {
  applyBatch,
  applyTx,
  findAccountIndex,
  makeRejoinTx,
  makeSlashTx,
  makeStakeTx,
  makeUnstakeTx,
  processSlots,
} from "../../src/transition/index.js";
import { blsKey, makeTestChain, produce, withSequencer, type TestChain } from "./helpers.js";

const test = suite("transition: system txs");
const id = 1;

function expectTxError(fn: () => unknown, code: TxErrorCode): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, TxError);
    assert.is((e as TxError).type.code, code, (e as Error).message);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

/** A chain whose sequencers' accounts are funded (they come after the 4 users). */
const funded = () => makeTestChain({ fundSequencers: true });
const seqAccount = (c: TestChain, state: State, i: number) => state.accounts[findAccountIndex(state.accounts, c.seqAccounts[i].publicKey)];
const stakeTx = (c: TestChain, sender: number, amount: bigint, key = blsKey("new"), nonce = 0) =>
  makeStakeTx(id, c.users[sender], { nonce, fee: 1n, amount, blsKey: key });

test("stake by a new key: a new sequencer, in the committee two epochs later", () => {
  const chain = makeTestChain();
  const { config } = chain;
  const key = blsKey("newcomer");
  const built = produce(chain, chain.state, 1, [stakeTx(chain, 2, 5_000n, key)]);
  let state = applyBatch(chain.state, built.batch, config);
  assert.is(state.sequencers.length, 5);
  const s = state.sequencers[4];
  assert.equal(s.pubkey, key.publicKey);
  assert.equal(s.account, chain.users[2].publicKey);
  assert.is(s.stake, 5_000n);
  assert.is(s.status, SequencerStatus.active);
  assert.is(state.accounts[2].balance, 1_000_000n - 5_001n);
  // staked in epoch 0: not in the committees of epochs 0 and 1, in that of epoch 2
  const inCommittee = (st: State, epoch: number) => {
    const c = st.currentCommittee.epoch === epoch ? st.currentCommittee : st.nextCommittee;
    assert.is(c.epoch, epoch);
    return c.members.some((m) => m.index === 4);
  };
  assert.not.ok(inCommittee(state, 0));
  assert.not.ok(inCommittee(state, 1));
  state = processSlots(state, epochStartSlot(config, 1), config);
  assert.not.ok(inCommittee(state, 1));
  assert.ok(inCommittee(state, 2));
  state = processSlots(state, epochStartSlot(config, 2), config);
  assert.ok(inCommittee(state, 2));
});

test("stake rules", () => {
  const c = funded();
  const s = c.state;
  // below minStake for a new sequencer
  expectTxError(() => applyTx(s, stakeTx(c, 0, 999n), 0, c.config), TxErrorCode.NOT_ALLOWED);
  expectTxError(() => applyTx(s, stakeTx(c, 0, 0n, c.seqKeys[0]), 0, c.config), TxErrorCode.NOT_ALLOWED);
  // someone else's sequencer key
  expectTxError(() => applyTx(s, stakeTx(c, 0, 5_000n, c.seqKeys[1]), 0, c.config), TxErrorCode.NOT_ALLOWED);
  // a proof of possession by another key
  const pop = signProofOfPossession(id, blsKey("other"));
  const badPop = makeStakeTx(id, c.users[0], { nonce: 0, fee: 1n, amount: 5_000n, pubkey: blsKey("new").publicKey, proofOfPossession: pop });
  expectTxError(() => applyTx(s, badPop, 0, c.config), TxErrorCode.BAD_PAYLOAD);
  // top-up by the owner, any amount
  const topUp = makeStakeTx(id, c.seqAccounts[1], { nonce: 0, fee: 1n, amount: 7n, blsKey: c.seqKeys[1] });
  const after = applyTx(s, topUp, 0, c.config);
  assert.is(after.sequencers[1].stake, 10_007n);
  assert.is(seqAccount(c, after, 1).balance, 1_000_000n - 8n);
  assert.is(s.sequencers[1].stake, 10_000n, "input untouched");
  // an exited (not slashed) sequencer reaching minStake again is active
  const exited = withSequencer(s, 1, { status: SequencerStatus.exited, stake: 500n, consecutiveMisses: 4 });
  const back = applyTx(exited, makeStakeTx(id, c.seqAccounts[1], { nonce: 0, fee: 1n, amount: 500n, blsKey: c.seqKeys[1] }), 0, c.config);
  assert.is(back.sequencers[1].status, SequencerStatus.active);
  assert.is(back.sequencers[1].consecutiveMisses, 0);
  const stillOut = applyTx(exited, makeStakeTx(id, c.seqAccounts[1], { nonce: 0, fee: 1n, amount: 499n, blsKey: c.seqKeys[1] }), 0, c.config);
  assert.is(stillOut.sequencers[1].status, SequencerStatus.exited);
  // slashed: never again
  const slashed = withSequencer(s, 1, { status: SequencerStatus.exited, slashed: true });
  expectTxError(() => applyTx(slashed, topUp, 0, c.config), TxErrorCode.NOT_ALLOWED);
});

test("two stakes for one new key in a row: the second tops up the first", () => {
  const c = makeTestChain();
  const key = blsKey("twice");
  const built = produce(c, c.state, 1, [stakeTx(c, 0, 2_000n, key), stakeTx(c, 0, 3_000n, key, 1), stakeTx(c, 1, 3_000n, key)]);
  assert.is(built.included.length, 2);
  assert.is(built.dropped[0].error.type.code, TxErrorCode.NOT_ALLOWED, "another account cannot stake on that key");
  const state = applyBatch(c.state, built.batch, c.config);
  assert.is(state.sequencers.length, 5);
  assert.is(state.sequencers[4].stake, 5_000n);
});

const unstakeCases: { name: string; code: TxErrorCode | null; amount: bigint; patch?: object; by?: number }[] = [
  { name: "partial, leaving >= minStake", code: null, amount: 9_000n },
  { name: "full exit", code: null, amount: 10_000n },
  { name: "leaving less than minStake (the sequencer exits)", code: null, amount: 9_001n },
  { name: "more than the stake", code: TxErrorCode.NOT_ALLOWED, amount: 10_001n },
  { name: "zero", code: TxErrorCode.NOT_ALLOWED, amount: 0n },
  { name: "by another sequencer's account", code: TxErrorCode.NOT_ALLOWED, amount: 1_000n, by: 2 },
  { name: "while ejected", code: TxErrorCode.NOT_ALLOWED, amount: 10_000n, patch: { status: SequencerStatus.ejected } },
  { name: "when slashed", code: TxErrorCode.NOT_ALLOWED, amount: 1_000n, patch: { status: SequencerStatus.exited, slashed: true } },
  { name: "the rest after a leak exit", code: null, amount: 600n, patch: { status: SequencerStatus.exited, stake: 600n } },
];

for (const u of unstakeCases) {
  test(`unstake: ${u.name} → ${u.code ?? "ok"}`, () => {
    const c = funded();
    const state = u.patch ? withSequencer(c.state, 1, u.patch) : c.state;
    const by = u.by ?? 1;
    const tx = makeUnstakeTx(id, c.seqAccounts[by], { nonce: 0, fee: 1n, sequencerIndex: 1, amount: u.amount });
    if (u.code) return expectTxError(() => applyTx(state, tx, 0, c.config), u.code);
    const after = applyTx(state, tx, 0, c.config);
    const remaining = state.sequencers[1].stake - u.amount;
    assert.is(after.sequencers[1].stake, remaining);
    assert.is(seqAccount(c, after, 1).balance, 1_000_000n - 1n, "nothing paid yet: the amount unbonds");
    assert.equal(after.unbonding.map((x) => [x.sequencerIndex, x.amount, x.releaseEpoch]), [[1, u.amount, c.config.unbondingEpochs]]);
    assert.is(after.sequencers[1].status, remaining < c.config.minStake ? SequencerStatus.exited : SequencerStatus.active);
    const released = processSlots(after, epochStartSlot(c.config, c.config.unbondingEpochs), c.config);
    assert.is(seqAccount(c, released, 1).balance, 1_000_000n - 1n + u.amount, "paid at the release epoch");
    assert.is(released.unbonding.length, 0);
  });
}

test("unstake of an index that does not exist → NOT_ALLOWED", () => {
  const c = funded();
  expectTxError(() => applyTx(c.state, makeUnstakeTx(id, c.seqAccounts[1], { nonce: 0, fee: 1n, sequencerIndex: 9, amount: 1n }), 0, c.config), TxErrorCode.NOT_ALLOWED);
});

test("rejoin rules", () => {
  const c = funded();
  const rejoin = (by: number) => makeRejoinTx(id, c.seqAccounts[by], { nonce: 0, fee: 1n, sequencerIndex: 1 });
  expectTxError(() => applyTx(c.state, rejoin(1), 0, c.config), TxErrorCode.NOT_ALLOWED); // active
  const ejected = withSequencer(processSlots(c.state, 9, c.config), 1, { status: SequencerStatus.ejected, ejectedEpoch: 1 });
  expectTxError(() => applyTx(ejected, rejoin(2), 0, c.config), TxErrorCode.NOT_ALLOWED); // not its account
  const after = applyTx(ejected, rejoin(1), 0, c.config);
  assert.is(after.sequencers[1].rejoinEpoch, ejected.epoch + 1);
  const exited = withSequencer(c.state, 1, { status: SequencerStatus.exited, stake: 500n });
  expectTxError(() => applyTx(exited, rejoin(1), 0, c.config), TxErrorCode.NOT_ALLOWED);
});

/** Two headers for one slot signed by sequencer `who` (they differ by their tx root). */
function equivocation(c: TestChain, who: number, differ = true, signer = who): [SignedBatchHeader, SignedBatchHeader] {
  const header = (fill: number): BatchHeader => ({
    chainId: id,
    slot: 5,
    height: 3,
    proposerIndex: who,
    parentRoot: new Uint8Array(32),
    txRoot: new Uint8Array(32).fill(fill),
    stateRoot: new Uint8Array(32),
    randaoReveal: new Uint8Array(96),
  });
  const h1 = header(1);
  const h2 = header(differ ? 2 : 1);
  return [
    { header: h1, signature: signBatchHeader(h1, c.seqKeys[signer]) },
    { header: h2, signature: signBatchHeader(h2, c.seqKeys[signer]) },
  ];
}

const slashTx = (c: TestChain, pair: [SignedBatchHeader, SignedBatchHeader], nonce = 0): Tx =>
  makeSlashTx(id, c.users[3], { nonce, fee: 1n, header1: pair[0], header2: pair[1] });

test("slash: two signed headers for one slot exit the offender and burn the fraction", () => {
  const c = makeTestChain();
  const built = produce(c, c.state, 1, [slashTx(c, equivocation(c, 2))]);
  assert.is(built.included.length, 1, built.dropped.map((d) => d.error.message).join());
  const state = applyBatch(c.state, built.batch, c.config);
  const s = state.sequencers[2];
  assert.ok(s.slashed);
  assert.is(s.status, SequencerStatus.exited);
  assert.is(s.stake, 5_000n); // slashFractionBps 5000
  assert.is(state.burned, 5_000n);
  // a second proof for the same offender is refused
  expectTxError(() => applyTx(state, slashTx(c, equivocation(c, 2), 1), 0, c.config), TxErrorCode.NOT_ALLOWED);
  // and the slashed sequencer leaves the committees computed afterwards
  const later = processSlots(state, epochStartSlot(c.config, 1), c.config);
  assert.not.ok(later.nextCommittee.members.some((m) => m.index === 2));
});

// Issue 9, finding 2: unstake paid out at once, so an equivocator that unstaked everything
// before the evidence landed was marked slashed and lost nothing.
test("slash escape: unstaking everything before the evidence lands still loses the slashed share", () => {
  const c = funded();
  const offender = 2;
  const escape = makeUnstakeTx(id, c.seqAccounts[offender], { nonce: 0, fee: 1n, sequencerIndex: offender, amount: 10_000n });
  let state = applyTx(c.state, escape, 0, c.config);
  assert.is(state.sequencers[offender].status, SequencerStatus.exited);
  state = processSlots(state, epochStartSlot(c.config, 2), c.config);
  state = applyTx(state, slashTx(c, equivocation(c, offender)), 0, c.config);
  assert.ok(state.sequencers[offender].slashed);
  assert.is(state.unbonding[0].amount, 5_000n, "half of the unbonding stake burned");
  state = processSlots(state, epochStartSlot(c.config, c.config.unbondingEpochs + 1), c.config);
  assert.is(seqAccount(c, state, offender).balance, 1_000_000n - 1n + 5_000n, "it got back only what the slash left");
  assert.is(state.burned, 5_000n);
});

test("slash evidence older than evidenceEpochs is refused; within the window it bites", () => {
  const c = makeTestChain();
  const pair = equivocation(c, 2); // slot 5
  const last = computeEpoch(c.config, 5) + c.config.evidenceEpochs; // the last epoch it is accepted in
  const inWindow = processSlots(c.state, epochStartSlot(c.config, last + 1) - 1, c.config);
  assert.ok(applyTx(inWindow, slashTx(c, pair), 0, c.config).sequencers[2].slashed);
  const late = processSlots(c.state, epochStartSlot(c.config, last + 1), c.config);
  assert.throws(() => applyTx(late, slashTx(c, pair), 0, c.config), /too old/);
});

const badSlashes: { name: string; pair: (c: TestChain) => [SignedBatchHeader, SignedBatchHeader] }[] = [
  { name: "identical headers", pair: (c) => equivocation(c, 2, false) },
  { name: "signed by another sequencer", pair: (c) => equivocation(c, 2, true, 1) },
  {
    name: "one signature invalid",
    pair: (c) => {
      const [a, b] = equivocation(c, 2);
      return [a, { ...b, signature: a.signature }];
    },
  },
  {
    name: "different slots",
    pair: (c) => {
      const [a, b] = equivocation(c, 2);
      const h = { ...b.header, slot: 6 };
      return [a, { header: h, signature: signBatchHeader(h, c.seqKeys[2]) }];
    },
  },
  {
    name: "different proposers",
    pair: (c) => {
      const [a] = equivocation(c, 2);
      const [, b] = equivocation(c, 1);
      return [a, b];
    },
  },
  { name: "unknown proposer", pair: (c) => equivocation(c, 2).map((h) => ({ ...h, header: { ...h.header, proposerIndex: 9 } })) as [SignedBatchHeader, SignedBatchHeader] },
];

for (const b of badSlashes) {
  test(`slash rejected: ${b.name} → BAD_PAYLOAD`, () => {
    const c = makeTestChain();
    expectTxError(() => applyTx(c.state, slashTx(c, b.pair(c)), 0, c.config), TxErrorCode.BAD_PAYLOAD);
  });
}

test.run();
