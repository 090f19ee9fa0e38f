import { suite } from "uvu";
import * as assert from "uvu/assert";
import { signRandao, verifyRandao } from "../../src/signing.js";
import { verifyRandaoCached } from "../../src/transition/randaoCache.js";
import { blsKey } from "./helpers.js";

const test = suite("randaoCache: a memo of verifyRandao");
const a = blsKey("randao-a");
const b = blsKey("randao-b");
const reveal = signRandao(9, 3, a);
const cases: [string, number, number, Uint8Array, Uint8Array][] = [
  ["valid", 9, 3, reveal, a.publicKey],
  ["another epoch", 9, 4, reveal, a.publicKey],
  ["another chain", 10, 3, reveal, a.publicKey],
  ["another key", 9, 3, reveal, b.publicKey],
  ["garbage reveal", 9, 3, new Uint8Array(96).fill(7), a.publicKey],
];
for (const [name, chain, epoch, r, pk] of cases) {
  test(`${name}: same answer, first and second time`, () => {
    const want = verifyRandao(chain, epoch, r, pk);
    assert.is(verifyRandaoCached(chain, epoch, r, pk), want);
    assert.is(verifyRandaoCached(chain, epoch, r, pk), want);
  });
}
test.run();
