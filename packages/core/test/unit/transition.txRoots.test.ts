import { suite } from "uvu";
import * as assert from "uvu/assert";
import { toHex } from "../../src/crypto/hex.js";
import { signTx, verifyTxSignature } from "../../src/signing.js";
import { txHash } from "../../src/types/encoding.js";
import { TxKind } from "../../src/types/enums.js";
import type { Tx } from "../../src/types/ssz.js";
import { adoptTxRoots, txHashHexOf, txHashOf, verifyTxSignatureOf } from "../../src/transition/txRoots.js";
import { edKey } from "./helpers.js";

const test = suite("txRoots: cached tx roots equal the SSZ definitions");
const CHAIN = 7;
const key = edKey("roots");
const payloadOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
const tx = (n: number, kind = TxKind.user, nonce = 3): Tx =>
  signTx(CHAIN, { sender: key.publicKey, nonce, fee: 123_456_789_012n, kind, payload: payloadOf(n) }, key);
const forged = (t: Tx): Tx => ({ body: { ...t.body, nonce: t.body.nonce + 1 }, signature: t.signature });

const cases: [string, Tx][] = [
  ["empty payload", tx(0)],
  ["1-byte payload", tx(1)],
  ["32-byte payload", tx(32)],
  ["33-byte payload", tx(33)],
  ["2,048-byte payload", tx(2048)],
  ["a system kind", tx(40, TxKind.stake, 0)],
  ["a body that does not match its signature", forged(tx(32))],
  ["a zero signature", { body: tx(8).body, signature: new Uint8Array(64) }],
];
for (const [name, t] of cases) {
  test(name, () => {
    assert.equal(txHashOf(t), txHash(t));
    assert.is(txHashHexOf(t), toHex(txHash(t)));
    assert.is(verifyTxSignatureOf(CHAIN, t), verifyTxSignature(CHAIN, t));
    assert.is(verifyTxSignatureOf(CHAIN + 1, t), verifyTxSignature(CHAIN + 1, t));
  });
}
test("valid signatures verify, forged ones do not", () => {
  assert.ok(verifyTxSignatureOf(CHAIN, tx(5)));
  assert.not.ok(verifyTxSignatureOf(CHAIN, forged(tx(5))));
  assert.not.ok(verifyTxSignatureOf(CHAIN + 1, tx(5)));
});
test("computed once per object; equal objects give equal roots", () => {
  const a = tx(10);
  assert.is(txHashOf(a), txHashOf(a));
  const b: Tx = { body: { ...a.body, payload: a.body.payload.slice() }, signature: a.signature.slice() };
  assert.is.not(txHashOf(b), txHashOf(a));
  assert.equal(txHashOf(b), txHashOf(a));
});
test("adopting roots: only from an equal tx that has them", () => {
  const known = tx(12);
  txHashOf(known);
  const copy: Tx = { body: { ...known.body, payload: known.body.payload.slice() }, signature: known.signature.slice() };
  assert.ok(adoptTxRoots(copy, known));
  assert.is(txHashOf(copy), txHashOf(known));
  const other = forged(known);
  assert.not.ok(adoptTxRoots(other, known));
  assert.equal(txHashOf(other), txHash(other));
  const sigOnly: Tx = { body: known.body, signature: new Uint8Array(64).fill(9) };
  assert.not.ok(adoptTxRoots(sigOnly, known));
  assert.equal(txHashOf(sigOnly), txHash(sigOnly));
  const fresh = tx(13);
  assert.not.ok(adoptTxRoots({ body: { ...fresh.body }, signature: fresh.signature }, fresh), "nothing to adopt yet");
});
test.run();
