/** pos: weight = effective stake over several stake tokens; and the restake deadline (every mechanism). */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { epochStartSlot } from "../../src/config/chainConfig.js";
import { TxErrorCode } from "../../src/errors.js";
import { effectiveStake, getMechanism } from "../../src/mechanism/index.js";
import { applyTx, makeSlashTx, makeStakeTx, makeUnstakeTx } from "../../src/transition/index.js";
import { SequencerStatus } from "../../src/types/enums.js";
import { withSequencer } from "./helpers.js";
import { expectTxError, mechChain, nonceOf, runTo, step, weightsOf } from "./mechanismHelpers.js";
import { signBatchHeader } from "../../src/signing.js";

const test = suite("mechanism: pos");
const pos = getMechanism("pos");
const TOKENS = { tokens: [{ name: "BATON", weightBps: 10_000 }, { name: "ETH", weightBps: 30_000 }, { name: "DAI", weightBps: 5_000 }] };

const weightCases: { name: string; stakes: bigint[]; patch?: [number, object]; expected: Record<number, bigint> }[] = [
  { name: "weight = stake", stakes: [1_000n, 2_000n, 3_000n], expected: { 0: 1_000n, 1: 2_000n, 2: 3_000n } },
  { name: "ties: equal stakes, equal weights", stakes: [5_000n, 5_000n], expected: { 0: 5_000n, 1: 5_000n } },
  { name: "stake below minStake: no weight", stakes: [1_000n, 5_000n], patch: [0, { stake: 999n }], expected: { 1: 5_000n } },
  { name: "zero stake: no weight", stakes: [1_000n, 5_000n], patch: [0, { stake: 0n }], expected: { 1: 5_000n } },
  { name: "exited: no weight", stakes: [1_000n, 5_000n], patch: [1, { status: SequencerStatus.exited }], expected: { 0: 1_000n } },
  { name: "ejected: still weighed (its slots fall to fallbacks)", stakes: [1_000n, 5_000n], patch: [1, { status: SequencerStatus.ejected }], expected: { 0: 1_000n, 1: 5_000n } },
  { name: "a restake owed still counts", stakes: [1_000n, 5_000n], patch: [1, { stake: 2_000n, restakeOwed: 3_000n }], expected: { 0: 1_000n, 1: 5_000n } },
];
for (const c of weightCases) {
  test(`weights: ${c.name}`, () => {
    const chain = mechChain("pos", { sequencers: c.stakes.length, stakes: c.stakes });
    const state = c.patch ? withSequencer(chain.state, c.patch[0], c.patch[1]) : chain.state;
    assert.equal(weightsOf(pos.weights(state, chain.config, 2)), c.expected);
  });
}

test("several stake tokens: weight = Σ amount × token weight; a genesis stake may be mostly tokens", () => {
  const chain = mechChain("pos", {
    sequencers: 3,
    params: TOKENS,
    stakes: [1_000n, 0n, 100n],
    extras: [{}, { tokenStakes: [1_000n, 0n] }, { tokenStakes: [0n, 2_000n] }],
  });
  // 1000 BATON; 1000 ETH at 3x; 100 BATON + 2000 DAI at 0.5x
  assert.equal(weightsOf(pos.weights(chain.state, chain.config, 2)), { 0: 1_000n, 1: 3_000n, 2: 1_100n });
  assert.equal(weightsOf(chain.state.currentCommittee.members), { 0: 1_000n, 1: 3_000n, 2: 1_100n });
});

test("several stake tokens: slashing and the leak take the same share of every token", () => {
  const chain = mechChain("pos", { sequencers: 3, params: TOKENS, stakes: [10_000n, 10_000n, 10_000n], extras: [{ tokenStakes: [1_000n, 4_000n] }] });
  const h = (fill: number) => ({ chainId: 1, slot: 5, height: 3, proposerIndex: 0, parentRoot: new Uint8Array(32), txRoot: new Uint8Array(32).fill(fill), stateRoot: new Uint8Array(32), randaoReveal: new Uint8Array(96) });
  const [a, b] = [h(1), h(2)];
  const slash = makeSlashTx(1, chain.users[0], { nonce: 0, fee: 1n, header1: { header: a, signature: signBatchHeader(a, chain.seqKeys[0]) }, header2: { header: b, signature: signBatchHeader(b, chain.seqKeys[0]) } });
  const s = applyTx(chain.state, slash, 1, chain.config).sequencers[0];
  assert.equal([s.stake, s.tokenStakes], [5_000n, [500n, 2_000n]]);
  // sequencer 0 never produces: ejected, then it leaks 10% x epochs ejected of every token
  const state = runTo(chain, chain.state, epochStartSlot(chain.config, 6) - 1, (_, leader) => leader === 0);
  const leaked = state.sequencers[0];
  assert.is(leaked.status, SequencerStatus.ejected);
  assert.ok(leaked.stake < 10_000n && leaked.tokenStakes[0] < 1_000n && leaked.tokenStakes[1] < 4_000n);
  const share = (a: bigint, of: bigint) => Number((a * 10_000n) / of);
  assert.ok(Math.abs(share(leaked.tokenStakes[1], 4_000n) - share(leaked.tokenStakes[0], 1_000n)) <= 20, "same share of each token (rounding apart)");
  assert.is(state.leaked, 10_000n - leaked.stake);
});

// ---- restake deadline: committee of 2 drawn from 4, so some sequencers sit out an epoch ----
const sampled = () => mechChain("pos", { config: { committeeSize: 2, evidenceEpochs: 1, unbondingEpochs: 3 } });

test("a sampled committee shares its slots equally; the full set shares by stake", () => {
  const c = mechChain("pos", { stakes: [1_000n, 9_000n, 1_000n, 9_000n], config: { committeeSize: 2 } });
  assert.ok(c.state.currentCommittee.equalShares);
  const full = mechChain("pos", { stakes: [1_000n, 9_000n, 1_000n, 9_000n] });
  assert.not.ok(full.state.currentCommittee.equalShares);
});

test("unstake with restake=true: refused in the current committee; out of it, the weight is kept", () => {
  const c = sampled();
  const inside = c.state.currentCommittee.members[0].index;
  const outside = [0, 1, 2, 3].find((i) => !c.state.currentCommittee.members.some((m) => m.index === i)) as number;
  const tx = (i: number, amount: bigint) => makeUnstakeTx(1, c.seqAccounts[i], { nonce: 0, fee: 1n, sequencerIndex: i, amount, restake: true });
  expectTxError(() => applyTx(c.state, tx(inside, 5_000n), 0, c.config), TxErrorCode.NOT_ALLOWED, /current committee/);
  expectTxError(() => applyTx(c.state, tx(outside, 10_000n), 0, c.config), TxErrorCode.NOT_ALLOWED, /at least minStake/);
  // issue 9, finding 7: the deadline penalty is "as much again": never more owed than stays staked
  expectTxError(() => applyTx(c.state, tx(outside, 8_000n), 0, c.config), TxErrorCode.NOT_ALLOWED, /owe at most what stays staked/);
  const after = applyTx(c.state, tx(outside, 5_000n), 0, c.config);
  assert.equal([after.sequencers[outside].stake, after.sequencers[outside].restakeOwed], [5_000n, 5_000n]);
  assert.is(weightsOf(pos.weights(after, c.config, 2))[outside], 10_000n);
});

/** Finds an epoch E and a sequencer that is out of the committees of E-1 and E but in that of E+1. */
function restakeScenario() {
  const c = sampled();
  let state = c.state;
  for (let e = 1; e < 40; e++) {
    state = runTo(c, state, epochStartSlot(c.config, e) - 1);
    const cur = state.currentCommittee.members.map((m) => m.index);
    const next = state.nextCommittee.members.map((m) => m.index);
    const clear = (i: number) => state.sequencers[i].lastCommitteeEpoch === 0 || state.sequencers[i].lastCommitteeEpoch - 1 + c.config.evidenceEpochs < state.epoch;
    const who = [0, 1, 2, 3].find((i) => !cur.includes(i) && !next.includes(i) && clear(i));
    if (who !== undefined) return { c, state, who };
  }
  throw new Error("no scenario");
}

test("restake deadline: restaked in time, nothing lost; not restaked, as much again is leaked when it is scheduled", () => {
  const { c, state, who } = restakeScenario();
  const key = c.seqAccounts[who];
  const slot = state.slot + 1;
  const withdrawn = step(c, state, slot, [makeUnstakeTx(1, key, { nonce: nonceOf(state, key), fee: 1n, sequencerIndex: who, amount: 5_000n, restake: true })]);
  assert.is(withdrawn.sequencers[who].restakeOwed, 5_000n);
  // Run until it is in the current committee, restaking (or not) before.
  const until = (s: typeof state, restake: boolean) => {
    for (let e = s.epoch + 1; e < s.epoch + 60; e++) {
      if (restake && s.nextCommittee.members.some((m) => m.index === who) && s.sequencers[who].restakeOwed > 0n) {
        s = step(c, s, s.slot + 1, [makeStakeTx(1, key, { nonce: nonceOf(s, key), fee: 1n, amount: 5_000n, blsKey: c.seqKeys[who] })]);
      }
      s = runTo(c, s, epochStartSlot(c.config, e));
      if (s.currentCommittee.members.some((m) => m.index === who)) return s;
    }
    throw new Error("never scheduled");
  };
  const kept = until(withdrawn, true);
  assert.equal([kept.sequencers[who].stake, kept.sequencers[who].restakeOwed, kept.leaked], [10_000n, 0n, 0n]);
  const late = until(withdrawn, false);
  assert.equal([late.sequencers[who].stake, late.sequencers[who].restakeOwed], [0n, 0n], "5,000 left, 5,000 owed: as much again is leaked");
  assert.is(late.sequencers[who].status, SequencerStatus.exited);
  assert.is(late.leaked, 5_000n);
});

test("restake=true is refused while evidence of a recent committee seat can still arrive (no slash escaped by it)", () => {
  const c = sampled();
  let state = c.state;
  for (let e = 1; e < 40; e++) {
    state = runTo(c, state, epochStartSlot(c.config, e) - 1);
    const cur = state.currentCommittee.members.map((m) => m.index);
    const recent = [0, 1, 2, 3].find((i) => !cur.includes(i) && state.sequencers[i].lastCommitteeEpoch - 1 === state.epoch - 1);
    if (recent === undefined) continue;
    const key = c.seqAccounts[recent];
    const tx = makeUnstakeTx(1, key, { nonce: nonceOf(state, key), fee: 1n, sequencerIndex: recent, amount: 1_000n, restake: true });
    expectTxError(() => applyTx(state, tx, 0, c.config), TxErrorCode.NOT_ALLOWED, /evidence against it is accepted until/);
    return;
  }
  throw new Error("no scenario");
});

// Issue 9, finding 5: token stake could not be withdrawn and exit needed an effective stake of 0.
test("token stakers can leave: every token unbonds to the account, and below minStake the sequencer exits", () => {
  const c = mechChain("pos", { params: TOKENS, config: { minFee: 0n, minStake: 1_000n }, stakes: [500n, 10_000n, 10_000n, 10_000n] });
  let state = { ...c.state, sequencers: c.state.sequencers.map((s, i) => (i === 0 ? { ...s, tokenStakes: [300n, 0n] } : s)) };
  assert.is(effectiveStake(state.sequencers[0], c.config), 1_400n, "500 native + 300 ETH x 3");
  const key = c.seqAccounts[0];
  const unstake = (s: typeof state, token: number, amount: bigint) =>
    makeUnstakeTx(1, key, { nonce: nonceOf(s, key), fee: 0n, sequencerIndex: 0, amount, token });
  state = applyTx(state, unstake(state, 1, 300n), 0, c.config);
  assert.is(state.sequencers[0].status, SequencerStatus.exited, "500 left < minStake: exited");
  state = applyTx(state, unstake(state, 0, 500n), 0, c.config);
  assert.equal(state.unbonding.map((u) => [u.token, u.amount]), [[1, 300n], [0, 500n]]);
  state = runTo(c, state, epochStartSlot(c.config, state.unbonding[0].releaseEpoch));
  const account = state.accounts.find((a) => a.pubkey.every((b, i) => b === key.publicKey[i]));
  assert.equal(account?.tokens, [300n], "the ETH came back to the account");
  assert.is(state.unbonding.length, 0);
});

// Issue 9, finding 6: a token-weighted stake above 2^64 wrapped when the state was encoded
// (30000000000000010000 came back as 11553255926290458384) and a restarted node disagreed.
test("a stake that would weigh above 2^64 - 1 is refused; nothing wraps", () => {
  const c = mechChain("pos", { params: TOKENS, config: { minFee: 0n }, stakes: [10_000n, 10_000n, 10_000n, 10_000n] });
  const state = { ...c.state, sequencers: c.state.sequencers.map((s, i) => (i === 0 ? { ...s, tokenStakes: [6_148_914_691_236_510_000n, 0n] } : s)) };
  assert.ok(effectiveStake(state.sequencers[0], c.config) < 2n ** 64n);
  const key = c.seqAccounts[0];
  const tx = makeStakeTx(1, key, { nonce: nonceOf(state, key), fee: 0n, amount: 100_000n, blsKey: c.seqKeys[0] });
  expectTxError(() => applyTx(state, tx, 0, c.config), TxErrorCode.NOT_ALLOWED, /above the largest amount 2\^64 - 1/);
});

test("effectiveStake: single native token is the stake", () => {
  const c = mechChain("pos");
  assert.is(effectiveStake(c.state.sequencers[0], c.config), 10_000n);
});

test.run();
