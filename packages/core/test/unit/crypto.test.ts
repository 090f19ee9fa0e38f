/** Keys and signatures: BLS backends agree byte for byte; domains separate message types. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { blsKeypairFromSeed, getBlsBackend, nobleBackend } from "../../src/crypto/bls.js";
import { ed25519FromSeed, ed25519Sign, ed25519Verify } from "../../src/crypto/ed25519.js";
import { sha256 } from "../../src/crypto/hash.js";
import { fromHex, toHex } from "../../src/crypto/hex.js";
import { computeDomain, signRandao, verifyRandao, verifyBatchHeaderSignature, signTx, verifyTxSignature } from "../../src/signing.js";
import { DomainType, TxKind } from "../../src/types/enums.js";

const test = suite("crypto");
const key = blsKeypairFromSeed(sha256(new TextEncoder().encode("k")));

test("the fast BLS backend and noble give identical signatures and verify each other's", () => {
  const fast = getBlsBackend();
  const msg = sha256(new Uint8Array([1, 2, 3]));
  const a = fast.sign(key.secretKey, msg);
  const b = nobleBackend.sign(key.secretKey, msg);
  assert.equal(a, b);
  assert.ok(nobleBackend.verify(key.publicKey, msg, a));
  assert.ok(fast.verify(key.publicKey, msg, b));
  assert.equal(fast.publicKey(key.secretKey), nobleBackend.publicKey(key.secretKey));
});

test("BLS verify is false (never throws) on garbage", () => {
  const msg = new Uint8Array(32);
  for (const b of [getBlsBackend(), nobleBackend]) {
    assert.not.ok(b.verify(key.publicKey, msg, new Uint8Array(96)));
    assert.not.ok(b.verify(new Uint8Array(48), msg, new Uint8Array(96).fill(7)));
    assert.not.ok(b.verify(key.publicKey, msg, new Uint8Array(10)));
  }
});

test("a RANDAO reveal is not valid as a batch signature (domains)", () => {
  const reveal = signRandao(1, 5, key);
  assert.ok(verifyRandao(1, 5, reveal, key.publicKey));
  assert.not.ok(verifyRandao(1, 6, reveal, key.publicKey), "another epoch");
  assert.not.ok(verifyRandao(2, 5, reveal, key.publicKey), "another chain");
  const header = { chainId: 1, slot: 5, height: 1, proposerIndex: 0, parentRoot: new Uint8Array(32), txRoot: new Uint8Array(32), stateRoot: new Uint8Array(32), randaoReveal: reveal };
  assert.not.ok(verifyBatchHeaderSignature(header, reveal, key.publicKey));
  assert.not.equal(computeDomain(1, DomainType.batch), computeDomain(1, DomainType.randao));
});

test("ed25519 through node:crypto: sign, verify, reject tampering and bad keys", () => {
  const k = ed25519FromSeed(new Uint8Array(32).fill(9));
  const msg = new Uint8Array([4, 5, 6]);
  const sig = ed25519Sign(k, msg);
  assert.ok(ed25519Verify(k.publicKey, msg, sig));
  assert.not.ok(ed25519Verify(k.publicKey, new Uint8Array([4, 5, 7]), sig));
  assert.not.ok(ed25519Verify(new Uint8Array(32), msg, sig));
  assert.not.ok(ed25519Verify(k.publicKey, msg, sig.subarray(0, 63)));
});

test("tx signatures are bound to the chain id", () => {
  const k = ed25519FromSeed(new Uint8Array(32).fill(3));
  const tx = signTx(7, { sender: k.publicKey, nonce: 0, fee: 1n, kind: TxKind.user, payload: new Uint8Array() }, k);
  assert.ok(verifyTxSignature(7, tx));
  assert.not.ok(verifyTxSignature(8, tx));
});

test("hex helpers", () => {
  assert.is(toHex(fromHex("0x0aff")), "0x0aff");
  assert.throws(() => fromHex("0xabc"));
  assert.throws(() => fromHex("0xzz"));
  assert.throws(() => fromHex("0xaa", 2));
});

test.run();
