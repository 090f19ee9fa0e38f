/** poa: equal weights, optional bond, governance admits (m-of-n) and evicts authorities. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { epochStartSlot } from "../../src/config/chainConfig.js";
import { TxErrorCode } from "../../src/errors.js";
import { getMechanism, makeAdmitTx } from "../../src/mechanism/index.js";
import { applyTx, makeEvictTx, makeStakeTx } from "../../src/transition/index.js";
import { SequencerStatus } from "../../src/types/enums.js";
import { blsKey, edKey, withSequencer } from "./helpers.js";
import { expectTxError, mechChain, nonceOf, runTo, step, weightsOf, type MechChain } from "./mechanismHelpers.js";

const test = suite("mechanism: poa");
const poa = getMechanism("poa");

test("every authority weighs 1, whatever its stake; exited ones none", () => {
  const c = mechChain("poa", { stakes: [1_000n, 50_000n, 7_000n, 1_000n] });
  const state = withSequencer(c.state, 3, { status: SequencerStatus.exited });
  assert.equal(weightsOf(poa.weights(state, c.config, 2)), { 0: 1n, 1: 1n, 2: 1n });
});

test("optional bond: an authority whose stake is below it has no weight", () => {
  const c = mechChain("poa", { params: { bond: 5_000n }, stakes: [5_000n, 5_000n, 9_000n, 5_000n] });
  const state = withSequencer(c.state, 0, { stake: 4_999n });
  assert.equal(weightsOf(poa.weights(state, c.config, 2)), { 1: 1n, 2: 1n, 3: 1n });
});

test("no bond: genesis authorities may hold no stake, and an ejected one never leaks out (governance removes it)", () => {
  const c = mechChain("poa", { stakes: [0n, 0n, 0n, 0n] });
  assert.is(c.state.currentCommittee.members.length, 4);
  const state = runTo(c, c.state, epochStartSlot(c.config, 8) - 1, (_, leader) => leader === 2);
  assert.is(state.sequencers[2].status, SequencerStatus.ejected);
});

test("a stake tx cannot make a new authority", () => {
  const c = mechChain("poa");
  const tx = makeStakeTx(1, c.users[0], { nonce: 0, fee: 1n, amount: 50_000n, blsKey: blsKey("newcomer") });
  expectTxError(() => applyTx(c.state, tx, 0, c.config), TxErrorCode.NOT_ALLOWED, /governance/);
});

const admit = (c: MechChain, signers: number[], nonce = 0, key = blsKey("authority")) =>
  makeAdmitTx(1, c.users[1], {
    nonce: nonceOf(c.state, c.users[1]),
    fee: 1n,
    blsKey: key,
    account: edKey("authority").publicKey,
    governanceNonce: nonce,
    signers: signers.map((i) => ({ signer: i, key: c.governance[i] ?? edKey(`gov${i}`) })),
  });

test("governance admits an authority with 2 of 3 signatures: it leads from epoch e+2", () => {
  const c = mechChain("poa", { governanceKeys: 3, threshold: 2 });
  let state = step(c, c.state, 1, [admit(c, [0, 2])]);
  assert.is(state.sequencers.length, 5);
  assert.equal([state.sequencers[4].stake, state.sequencers[4].status, state.governanceNonce], [0n, SequencerStatus.active, 1]);
  assert.not.ok(state.nextCommittee.members.some((m) => m.index === 4));
  state = runTo(c, state, epochStartSlot(c.config, 2) - 1);
  assert.ok(state.nextCommittee.members.some((m) => m.index === 4), "in the committee of epoch 2");
});

const admitFailures: { name: string; tx: (c: MechChain) => ReturnType<typeof admit>; code: TxErrorCode; re: RegExp }[] = [
  { name: "one signature of a 2-of-3 set", tx: (c) => admit(c, [1]), code: TxErrorCode.NOT_ALLOWED, re: /1 governance signatures, 2 needed/ },
  { name: "the same signer twice", tx: (c) => admit(c, [1, 1]), code: TxErrorCode.BAD_PAYLOAD, re: /repeated/ },
  { name: "a signer index outside the set", tx: (c) => admit(c, [0, 5]), code: TxErrorCode.BAD_PAYLOAD, re: /unknown/ },
  { name: "a stale governance nonce", tx: (c) => admit(c, [0, 1], 7), code: TxErrorCode.NOT_ALLOWED, re: /nonce/ },
  { name: "a key that is already a sequencer", tx: (c) => admit(c, [0, 1], 0, c.seqKeys[2]), code: TxErrorCode.NOT_ALLOWED, re: /already/ },
];
for (const f of admitFailures) {
  test(`admit refused: ${f.name}`, () => {
    const c = mechChain("poa", { governanceKeys: 3, threshold: 2 });
    expectTxError(() => applyTx(c.state, f.tx(c), 0, c.config), f.code, f.re);
  });
}

test("admit: a signature by a key outside the set is invalid", () => {
  const c = mechChain("poa", { governanceKeys: 3, threshold: 2 });
  const forged = makeAdmitTx(1, c.users[1], {
    nonce: 0, fee: 1n, blsKey: blsKey("x"), account: edKey("x").publicKey, governanceNonce: 0,
    signers: [{ signer: 0, key: c.governance[0] }, { signer: 1, key: edKey("intruder") }],
  });
  expectTxError(() => applyTx(c.state, forged, 0, c.config), TxErrorCode.BAD_PAYLOAD, /signer 1 invalid/);
});

test("admit is a poa tx; evict works everywhere", () => {
  const c = mechChain("pos", { governanceKeys: 3 });
  expectTxError(() => applyTx(c.state, admit(c as MechChain, [0, 1]), 0, c.config), TxErrorCode.NOT_ALLOWED, /not part of the pos mechanism/);
});

test("governance removes an authority: evicted, exited, out of the next committee; the nonce moves on", () => {
  const c = mechChain("poa", { governanceKeys: 3, threshold: 2 });
  const signers = [{ signer: 0, key: c.governance[0] }, { signer: 1, key: c.governance[1] }];
  const evict = (nonce: number) => makeEvictTx(1, c.users[0], { nonce, fee: 1n, sequencerIndex: 1, penaltyBps: 0, governanceNonce: 0, signers });
  let state = step(c, c.state, 1, [evict(0)]);
  assert.equal([state.sequencers[1].status, state.sequencers[1].evicted, state.governanceNonce], [SequencerStatus.exited, true, 1]);
  expectTxError(() => applyTx(state, evict(1), 0, c.config), TxErrorCode.NOT_ALLOWED, /evicted already/);
  state = runTo(c, state, epochStartSlot(c.config, 1));
  assert.not.ok(state.nextCommittee.members.some((m) => m.index === 1));
  // it cannot come back with a stake tx
  const back = makeStakeTx(1, c.seqAccounts[1], { nonce: 0, fee: 1n, amount: 10n, blsKey: c.seqKeys[1] });
  expectTxError(() => applyTx(state, back, 0, c.config), TxErrorCode.NOT_ALLOWED, /evicted/);
});

test.run();
