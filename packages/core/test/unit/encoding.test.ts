/** Canonical encoding: round trips, and hostile bytes rejected with a typed error. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DecodeError, DecodeErrorCode } from "../../src/errors.js";
import {
  decodeSignedBatch,
  decodeState,
  decodeTx,
  decodeTxBundle,
  encodeSignedBatch,
  encodeState,
  encodeTx,
  encodeTxBundle,
  MAX_TX_BYTES,
  stateRoot,
  txHash,
  txRoot,
} from "../../src/types/encoding.js";
import { makeUserTx } from "../../src/transition/index.js";
import { verifyTxSignature } from "../../src/signing.js";
import { toHex } from "../../src/crypto/hex.js";
import { makeTestChain, produce } from "./helpers.js";

const test = suite("encoding");
const chain = makeTestChain({ users: 2 });
const tx = makeUserTx(chain.config.chainId, chain.users[0], { nonce: 0, fee: 1n, payload: new Uint8Array([1, 2, 3]) });
const built = produce(chain, chain.state, 1, [tx]);

test("Tx, TxBundle, SignedBatch and State round trip byte for byte", () => {
  assert.equal(encodeTx(decodeTx(encodeTx(tx))), encodeTx(tx));
  assert.equal(txHash(decodeTx(encodeTx(tx))), txHash(tx));
  const bundle = encodeTxBundle([tx, tx]);
  assert.is(decodeTxBundle(bundle).length, 2);
  const b = encodeSignedBatch(built.batch);
  assert.equal(encodeSignedBatch(decodeSignedBatch(b)), b);
  const s = encodeState(built.state);
  assert.equal(stateRoot(decodeState(s)), stateRoot(built.state));
});

function expectDecodeError(fn: () => unknown, code: DecodeErrorCode) {
  try {
    fn();
  } catch (e) {
    assert.instance(e, DecodeError);
    assert.is((e as DecodeError).code, code);
    return;
  }
  assert.unreachable("decoded hostile bytes");
}

const good = encodeSignedBatch(built.batch);
const cases: [string, Uint8Array, DecodeErrorCode][] = [
  ["empty", new Uint8Array(), DecodeErrorCode.MALFORMED],
  ["truncated", good.subarray(0, good.length - 7), DecodeErrorCode.MALFORMED],
  ["header only", good.subarray(0, 100), DecodeErrorCode.MALFORMED],
  ["random bytes", Uint8Array.from({ length: 500 }, (_, i) => (i * 131 + 7) & 255), DecodeErrorCode.MALFORMED],
  ["offset pointing past the end", (() => {
    const b = Uint8Array.from(good);
    // the txs offset sits right after the fixed-size header (216 bytes)
    new DataView(b.buffer).setUint32(216, 0xfffffff0, true);
    return b;
  })(), DecodeErrorCode.MALFORMED],
];
for (const [name, bytes, code] of cases) {
  test(`SignedBatch: ${name} is a typed DecodeError`, () => expectDecodeError(() => decodeSignedBatch(bytes), code));
}

test("an oversized Tx is refused before decoding", () => {
  expectDecodeError(() => decodeTx(new Uint8Array(MAX_TX_BYTES + 1)), DecodeErrorCode.TOO_LARGE);
});

test("bytes appended to a Tx or batch land in the last payload: a different value, whose signature fails", () => {
  // SSZ's last variable-size field absorbs a longer tail; roots and signatures catch it
  const t = decodeTx(Uint8Array.from([...encodeTx(tx), 0, 0]));
  assert.is.not(toHex(txHash(t)), toHex(txHash(tx)));
  assert.not.ok(verifyTxSignature(chain.config.chainId, t));
  const b = decodeSignedBatch(Uint8Array.from([...good, 0]));
  assert.is.not(toHex(txRoot(b.txs)), toHex(b.header.txRoot));
});

test("fuzz: 2,000 random mutations of a batch never crash or hang", () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  for (let i = 0; i < 2000; i++) {
    const b = Uint8Array.from(good);
    for (let k = 0; k < 1 + (rnd() % 4); k++) b[rnd() % b.length] = rnd() & 255;
    const cut = rnd() % 3 === 0 ? b.subarray(0, rnd() % b.length) : b;
    try {
      decodeSignedBatch(cut);
    } catch (e) {
      assert.instance(e, DecodeError);
    }
  }
});

test.run();
