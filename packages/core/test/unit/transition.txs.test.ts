import { suite } from "uvu";
import * as assert from "uvu/assert";
import { TxError, TxErrorCode } from "../../src/errors.js";
import { signTx } from "../../src/signing.js";
import { TxKind } from "../../src/types/enums.js";
import { encodeState, stateRoot } from "../../src/types/encoding.js";
import type { State, Tx } from "../../src/types/ssz.js";
import {
  applyBatch,
  applyTx,
  findAccountIndex,
  makeStakeTx,
  makeTx,
  makeUserTx,
  validateTx,
} from "../../src/transition/index.js";
import { blsKey, edKey, makeTestChain, produce, userTxs } from "./helpers.js";

const test = suite("transition: txs");

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

test("a user tx: nonce + 1, fee from the sender to the proposer's account (created at the end)", () => {
  const chain = makeTestChain();
  const tx = makeUserTx(chain.config.chainId, chain.users[0], { nonce: 0, fee: 7n, payload: new Uint8Array([1, 2, 3]) });
  const built = produce(chain, chain.state, 1, [tx]);
  const proposer = built.batch.header.proposerIndex;
  const state = applyBatch(chain.state, built.batch, chain.config);
  assert.is(state.accounts[0].nonce, 1);
  assert.is(state.accounts[0].balance, 1_000_000n - 7n);
  assert.is(state.accounts.length, chain.users.length + 1);
  const fees = state.accounts[state.accounts.length - 1];
  assert.equal(fees.pubkey, chain.seqAccounts[proposer].publicKey);
  assert.is(fees.balance, 7n);
  assert.is(fees.nonce, 0);
  assert.is(chain.state.accounts.length, chain.users.length, "parent untouched");

  // a second fee to the same proposer goes to the existing account
  const again = applyTx(state, makeUserTx(chain.config.chainId, chain.users[1], { nonce: 0, fee: 5n, payload: new Uint8Array() }), proposer, chain.config);
  assert.is(again.accounts.length, state.accounts.length);
  assert.is(again.accounts[again.accounts.length - 1].balance, 12n);
  assert.is(state.accounts[state.accounts.length - 1].balance, 7n, "input untouched");
});

test("balances are conserved across a run of batches", () => {
  const chain = makeTestChain({ users: 6 });
  let state = chain.state;
  for (let slot = 1; slot <= 10; slot++) state = produce(chain, state, slot, userTxs(chain, state, 9)).state;
  const total = state.accounts.reduce((sum, a) => sum + a.balance, 0n);
  assert.is(total, 6n * 1_000_000n);
  assert.is(state.accounts.slice(0, 6).reduce((n, a) => n + a.nonce, 0), 90);
});

type Case = { name: string; code: TxErrorCode; tx: (c: ReturnType<typeof makeTestChain>) => Tx; state?: (c: ReturnType<typeof makeTestChain>) => State };
const id = 1;
const body = (c: ReturnType<typeof makeTestChain>, over: Partial<Tx["body"]> = {}) => ({
  sender: c.users[0].publicKey,
  nonce: 0,
  fee: 1n,
  kind: TxKind.user,
  payload: new Uint8Array(10),
  ...over,
});

const cases: Case[] = [
  { name: "unknown sender", code: TxErrorCode.UNKNOWN_SENDER, tx: () => makeUserTx(id, edKey("stranger"), { nonce: 0, fee: 1n, payload: new Uint8Array() }) },
  {
    name: "stake from an unknown key",
    code: TxErrorCode.UNKNOWN_SENDER,
    tx: () => makeStakeTx(id, edKey("stranger"), { nonce: 0, fee: 1n, amount: 5_000n, blsKey: blsKey("new") }),
  },
  { name: "bad signature", code: TxErrorCode.BAD_SIGNATURE, tx: (c) => ({ body: body(c), signature: new Uint8Array(64).fill(1) }) },
  { name: "signed for another chain", code: TxErrorCode.BAD_SIGNATURE, tx: (c) => signTx(2, body(c), c.users[0]) },
  { name: "signed by another key", code: TxErrorCode.BAD_SIGNATURE, tx: (c) => signTx(id, body(c), c.users[1]) },
  { name: "nonce too high", code: TxErrorCode.BAD_NONCE, tx: (c) => signTx(id, body(c, { nonce: 1 }), c.users[0]) },
  { name: "fee below minFee", code: TxErrorCode.FEE_TOO_LOW, tx: (c) => signTx(id, body(c, { fee: 0n }), c.users[0]) },
  { name: "payload too large", code: TxErrorCode.TOO_LARGE, tx: (c) => signTx(id, body(c, { payload: new Uint8Array(1_025) }), c.users[0]) },
  { name: "fee above balance", code: TxErrorCode.INSUFFICIENT_BALANCE, tx: (c) => signTx(id, body(c, { fee: 1_000_001n }), c.users[0]) },
  {
    name: "stake above balance",
    code: TxErrorCode.INSUFFICIENT_BALANCE,
    tx: (c) => makeStakeTx(id, c.users[0], { nonce: 0, fee: 1n, amount: 1_000_000n, blsKey: blsKey("new") }),
  },
  { name: "unknown kind", code: TxErrorCode.BAD_KIND, tx: (c) => signTx(id, body(c, { kind: 99 }), c.users[0]) },
  { name: "garbage stake payload", code: TxErrorCode.BAD_PAYLOAD, tx: (c) => signTx(id, body(c, { kind: TxKind.stake }), c.users[0]) },
  { name: "garbage slash payload", code: TxErrorCode.BAD_PAYLOAD, tx: (c) => signTx(id, body(c, { kind: TxKind.slash }), c.users[0]) },
];

for (const c of cases) {
  test(`validateTx: ${c.name} → ${c.code}`, () => {
    const chain = makeTestChain();
    const state = c.state?.(chain) ?? chain.state;
    const tx = c.tx(chain);
    const before = encodeState(state);
    expectTxError(() => validateTx(state, tx, chain.config), c.code);
    expectTxError(() => applyTx(state, tx, 0, chain.config), c.code);
    assert.equal(encodeState(state), before);
  });
}

test("validateTx: verifySignature false skips only the signature", () => {
  const chain = makeTestChain();
  const forged = { body: body(chain), signature: new Uint8Array(64) };
  validateTx(chain.state, forged, chain.config, { verifySignature: false });
  expectTxError(() => validateTx(chain.state, { ...forged, body: body(chain, { nonce: 3 }) }, chain.config, { verifySignature: false }), TxErrorCode.BAD_NONCE);
});

test("maxPayloadBytes bounds user payloads, not system payloads", () => {
  const chain = makeTestChain({ config: { maxPayloadBytes: 16 } });
  const stake = makeStakeTx(id, chain.users[0], { nonce: 0, fee: 1n, amount: 5_000n, blsKey: blsKey("new") });
  assert.ok(stake.body.payload.length > 16);
  validateTx(chain.state, stake, chain.config);
  expectTxError(() => validateTx(chain.state, makeTx(id, chain.users[0], { nonce: 0, fee: 1n, kind: TxKind.user, payload: new Uint8Array(17) }), chain.config), TxErrorCode.TOO_LARGE);
});

test("buildBatch applies candidates in order, drops the invalid ones, and its batch passes applyBatch", () => {
  const chain = makeTestChain();
  const good = userTxs(chain, chain.state, 6);
  const badNonce = makeUserTx(id, chain.users[0], { nonce: 50, fee: 1n, payload: new Uint8Array() });
  const unknown = makeUserTx(id, edKey("stranger"), { nonce: 0, fee: 1n, payload: new Uint8Array() });
  const candidates = [good[0], badNonce, good[1], good[0], unknown, ...good.slice(2)];
  const built = produce(chain, chain.state, 2, candidates);
  assert.equal(built.included, good);
  assert.equal(
    built.dropped.map((d) => d.error.type.code),
    [TxErrorCode.BAD_NONCE, TxErrorCode.BAD_NONCE, TxErrorCode.UNKNOWN_SENDER],
  );
  const state = applyBatch(chain.state, built.batch, chain.config);
  assert.equal(stateRoot(state), built.batch.header.stateRoot);
});

test("buildBatch stops at maxBatchTxs", () => {
  const chain = makeTestChain({ config: { maxBatchTxs: 5 } });
  const built = produce(chain, chain.state, 1, userTxs(chain, chain.state, 12));
  assert.is(built.included.length, 5);
  assert.is(built.dropped.length, 0);
  applyBatch(chain.state, built.batch, chain.config);
});

test("an account receiving fees can spend them in the same batch", () => {
  const chain = makeTestChain();
  const proposerProbe = produce(chain, chain.state, 1);
  const p = proposerProbe.batch.header.proposerIndex;
  const txs = userTxs(chain, chain.state, 3);
  const spend = makeUserTx(id, chain.seqAccounts[p], { nonce: 0, fee: 2n, payload: new Uint8Array() });
  const built = produce(chain, chain.state, 1, [...txs, spend]);
  assert.is(built.included.length, 4);
  const state = applyBatch(chain.state, built.batch, chain.config);
  const index = findAccountIndex(state.accounts, chain.seqAccounts[p].publicKey);
  assert.is(state.accounts[index].balance, 3n, "3 fees in, 2 out, 2 back in as the proposer");
  assert.is(state.accounts[index].nonce, 1);
});

test.run();
