/**
 * The transfer tx (transition/transfer.ts): native units from one account to another, which is
 * created if absent, so a funded account can fund a new operator who then stakes and leads.
 * The attacks: amounts at and beyond the u64 limit, a balance one short, amount 0, a transfer to
 * oneself, replays (same nonce, same batch, another chain), tampered payloads.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { TxErrorCode } from "../../src/errors.js";
import { MECHANISM_NAMES } from "../../src/mechanism/params.js";
import { makeTx } from "../../src/signing.js";
import { SequencerStatus, TX_KIND_NAMES, TxKind } from "../../src/types/enums.js";
import { decodeTransferPayload } from "../../src/types/encoding.js";
import { MAX_AMOUNT, TransferPayload, type State } from "../../src/types/ssz.js";
import {
  applyBatch,
  applyTx,
  findAccountIndex,
  makeStakeTx,
  makeTransferTx,
  makeUserTx,
  processSlots,
  validateTx,
} from "../../src/transition/index.js";
import { BatchError, BatchErrorCode } from "../../src/errors.js";
import { blsKey, edKey, makeTestChain, produce, resign, runSlots, type TestChain } from "./helpers.js";
import { balanceOf, expectTxError, mechChain, step } from "./mechanismHelpers.js";

const test = suite("transition: transfer");
const id = 1;
const BALANCE = 1_000_000n;
const newcomer = edKey("newcomer");

const transfer = (c: TestChain, from: number, to: Uint8Array, amount: bigint, nonce = 0, fee = 1n) =>
  makeTransferTx(c.config.chainId, c.users[from], { nonce, fee, to, amount });
const total = (s: State): bigint => s.accounts.reduce((sum, a) => sum + a.balance, 0n);

test("the kind: number 12, named transfer; the payload is {to: 32 bytes, amount: u64}", () => {
  assert.is(TxKind.transfer, 12);
  assert.is(TX_KIND_NAMES[TxKind.transfer], "transfer");
  const bytes = TransferPayload.serialize({ to: newcomer.publicKey, amount: 5n });
  assert.is(bytes.length, 40);
  assert.equal(decodeTransferPayload(bytes).to, newcomer.publicKey);
});

test("to an existing account: amount + fee from the sender, amount to the recipient, fee to the proposer", () => {
  const chain = makeTestChain();
  const built = produce(chain, chain.state, 1, [transfer(chain, 0, chain.users[1].publicKey, 250n, 0, 3n)]);
  const state = applyBatch(chain.state, built.batch, chain.config);
  assert.is(state.accounts[0].balance, BALANCE - 253n);
  assert.is(state.accounts[0].nonce, 1);
  assert.is(state.accounts[1].balance, BALANCE + 250n);
  assert.is(state.accounts[1].nonce, 0, "receiving does not move the recipient's nonce");
  const proposer = chain.seqAccounts[built.batch.header.proposerIndex];
  assert.is(balanceOf(state, proposer), 3n);
  assert.is(total(state), total(chain.state), "value conserved");
  assert.is(state.epochTxs, 0, "not counted as user volume");
});

test("to an absent account: created (appended) with the amount and nonce 0; the input state is untouched", () => {
  const chain = makeTestChain();
  const state = applyTx(chain.state, transfer(chain, 2, newcomer.publicKey, 7_000n), 0, chain.config);
  const k = findAccountIndex(state.accounts, newcomer.publicKey);
  assert.is(k, chain.users.length, "appended after the users (the fee account comes after it)");
  assert.equal(state.accounts[k], { pubkey: newcomer.publicKey, balance: 7_000n, nonce: 0, tokens: [] });
  assert.is(findAccountIndex(chain.state.accounts, newcomer.publicKey), -1);
  assert.is(chain.state.accounts[2].balance, BALANCE);
});

test("a funded newcomer stakes (in the same batch as its funding) and leads from two epochs later", () => {
  const chain = makeTestChain();
  const { config } = chain;
  const key = blsKey("newcomer");
  const fund = transfer(chain, 0, newcomer.publicKey, 60_000n);
  const stake = makeStakeTx(id, newcomer, { nonce: 0, fee: 1n, amount: 50_000n, blsKey: key });
  expectTxError(() => validateTx(chain.state, stake, config), TxErrorCode.UNKNOWN_SENDER);
  const built = produce(chain, chain.state, 1, [fund, stake]);
  assert.is(built.included.length, 2);
  let state = applyBatch(chain.state, built.batch, config);
  assert.is(state.sequencers.length, 5);
  assert.equal(state.sequencers[4].account, newcomer.publicKey);
  assert.is(state.sequencers[4].status, SequencerStatus.active);
  assert.is(balanceOf(state, newcomer), 9_999n);
  // staked in epoch 0: in the committee of epoch 2, and it leads slots there
  chain.seqKeys.push(key);
  state = runSlots(chain, state, 2 * config.slotsPerEpoch - 1);
  const epoch2 = processSlots(state, 2 * config.slotsPerEpoch, config);
  assert.ok(epoch2.currentCommittee.members.some((m) => m.index === 4));
  const led = runSlots(chain, state, 3 * config.slotsPerEpoch - 1);
  assert.ok(led.sequencers[4].produced >= 1, `the newcomer produced ${led.sequencers[4].produced}`);
});

test("refused: amount 0, a transfer to oneself, an unknown sender", () => {
  const chain = makeTestChain();
  expectTxError(() => validateTx(chain.state, transfer(chain, 0, newcomer.publicKey, 0n), chain.config), TxErrorCode.NOT_ALLOWED, /amount 0/);
  expectTxError(() => validateTx(chain.state, transfer(chain, 0, chain.users[0].publicKey, 5n), chain.config), TxErrorCode.NOT_ALLOWED, /own account/);
  const stranger = makeTransferTx(id, edKey("stranger"), { nonce: 0, fee: 1n, to: chain.users[0].publicKey, amount: 1n });
  expectTxError(() => validateTx(chain.state, stranger, chain.config), TxErrorCode.UNKNOWN_SENDER);
});

test("insufficient balance: the sender pays amount + fee; exactly the balance is fine, one more is refused", () => {
  const chain = makeTestChain();
  const to = chain.users[1].publicKey;
  expectTxError(() => validateTx(chain.state, transfer(chain, 0, to, BALANCE, 0, 1n), chain.config), TxErrorCode.INSUFFICIENT_BALANCE, /fee 1 \+ amount 1000000/);
  expectTxError(() => validateTx(chain.state, transfer(chain, 0, to, BALANCE - 4n, 0, 5n), chain.config), TxErrorCode.INSUFFICIENT_BALANCE);
  expectTxError(() => validateTx(chain.state, transfer(chain, 0, to, MAX_AMOUNT, 0, 1n), chain.config), TxErrorCode.INSUFFICIENT_BALANCE);
  const state = applyTx(chain.state, transfer(chain, 0, to, BALANCE - 5n, 0, 5n), 0, chain.config);
  assert.is(state.accounts[0].balance, 0n);
  assert.is(state.accounts[1].balance, 2n * BALANCE - 5n);
  // and broke, it can send nothing more
  expectTxError(() => validateTx(state, transfer(chain, 0, to, 1n, 1, 1n), chain.config), TxErrorCode.INSUFFICIENT_BALANCE);
});

test("u64 overflow of the recipient is refused, never wrapped (a state crafted past the supply invariant)", () => {
  const chain = makeTestChain();
  const accounts = chain.state.accounts.slice();
  accounts[1] = { ...accounts[1], balance: MAX_AMOUNT - 10n };
  const rich: State = { ...chain.state, accounts };
  const to = chain.users[1].publicKey;
  expectTxError(() => validateTx(rich, transfer(chain, 0, to, 11n), chain.config), TxErrorCode.NOT_ALLOWED, /recipient's balance would be 18446744073709551616/);
  const state = applyTx(rich, transfer(chain, 0, to, 10n), 0, chain.config);
  assert.is(state.accounts[1].balance, MAX_AMOUNT, "up to the limit is fine");
});

test("replays: the same tx again fails its nonce; twice in a batch, the copy is dropped (or the batch refused); another chain: bad signature", () => {
  const chain = makeTestChain();
  const tx = transfer(chain, 0, newcomer.publicKey, 100n);
  const once = applyTx(chain.state, tx, 0, chain.config);
  expectTxError(() => applyTx(once, tx, 0, chain.config), TxErrorCode.BAD_NONCE);

  const built = produce(chain, chain.state, 1, [tx, tx]);
  assert.is(built.included.length, 1);
  assert.is(built.dropped[0].error.type.code, TxErrorCode.BAD_NONCE);
  assert.is(balanceOf(built.state, newcomer), 100n);
  const proposer = built.batch.header.proposerIndex;
  const doubled = resign(built.batch, chain.seqKeys[proposer], {}, [tx, tx]);
  try {
    applyBatch(chain.state, doubled, chain.config);
    assert.unreachable("a batch with the transfer twice");
  } catch (e) {
    assert.instance(e, BatchError);
    assert.is((e as BatchError).type.code, BatchErrorCode.DUPLICATE_TX);
  }
  const otherChain = makeTestChain({ config: { chainId: 2 } });
  expectTxError(() => validateTx(otherChain.state, tx, otherChain.config), TxErrorCode.BAD_SIGNATURE);
});

test("tampered: a payload of the wrong size is BAD_PAYLOAD; an amount changed after signing is BAD_SIGNATURE", () => {
  const chain = makeTestChain();
  const sender = chain.users[0];
  const short = makeTx(id, sender, { nonce: 0, fee: 1n, kind: TxKind.transfer, payload: new Uint8Array(39) });
  expectTxError(() => validateTx(chain.state, short, chain.config), TxErrorCode.BAD_PAYLOAD);
  const long = makeTx(id, sender, { nonce: 0, fee: 1n, kind: TxKind.transfer, payload: new Uint8Array(41) });
  expectTxError(() => validateTx(chain.state, long, chain.config), TxErrorCode.BAD_PAYLOAD);
  const tx = transfer(chain, 0, newcomer.publicKey, 100n);
  const payload = TransferPayload.serialize({ to: newcomer.publicKey, amount: 900_000n });
  const tampered = { ...tx, body: { ...tx.body, payload } };
  expectTxError(() => validateTx(chain.state, tampered, chain.config), TxErrorCode.BAD_SIGNATURE);
  assert.throws(() => makeTransferTx(id, sender, { nonce: 0, fee: 1n, to: new Uint8Array(31), amount: 1n }), /32-byte/);
});

test("every mechanism takes it (a common kind); a refused transfer writes nothing", () => {
  for (const mechanism of MECHANISM_NAMES) {
    const chain = mechChain(mechanism);
    const tx = makeTransferTx(id, chain.users[0], { nonce: 0, fee: 1n, to: newcomer.publicKey, amount: 42n });
    const state = step(chain, chain.state, 1, [tx]);
    assert.is(balanceOf(state, newcomer), 42n, mechanism);
    const user = makeUserTx(id, newcomer, { nonce: 0, fee: 1n, payload: new Uint8Array() });
    assert.is(balanceOf(step(chain, state, 2, [user]), newcomer), 41n, `${mechanism}: the new account pays a fee`);
  }
  const chain = makeTestChain();
  const before = chain.state;
  const built = produce(chain, before, 1, [transfer(chain, 0, newcomer.publicKey, BALANCE)]);
  assert.is(built.included.length, 0);
  assert.is(findAccountIndex(built.state.accounts, newcomer.publicKey), -1);
});

test.run();
