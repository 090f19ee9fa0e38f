/** POST /txs body parsing: both forms, and errors that name the field. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { encodeTx, makeUserTx, toHex, txHash } from "@baton/core";
import { edKey } from "@baton/core/testing";
import { ApiError, isApiErrorCode, statusOfCode } from "@baton/api";
import { MempoolErrorCode } from "../../src/mempool/index.js";
import { parseTxsBody, txToJson } from "../../src/api/txJson.js";

const test = suite("api: tx bodies");
const tx = makeUserTx(1, edKey("a"), { nonce: 3, fee: 2n, payload: new Uint8Array([9, 9]) });
const hex = toHex(encodeTx(tx));
const json = txToJson(tx);

const same = (t: ReturnType<typeof parseTxsBody>[number]) => toHex(txHash(t)) === toHex(txHash(tx));

test("hex and JSON forms, one or many", () => {
  for (const body of [{ tx: hex }, { txs: [hex, json] }, hex, [json], json]) {
    const txs = parseTxsBody(body);
    assert.ok(txs.length >= 1 && txs.every(same), JSON.stringify(body).slice(0, 40));
  }
});

const bad: [string, unknown, RegExp][] = [
  ["empty list", { txs: [] }, /txs: expected at least one tx/],
  ["txs not a list", { txs: "x" }, /txs: expected an array/],
  ["bad hex", { txs: ["0xzz"] }, /txs\[0\]: expected 0x hex/],
  ["not SSZ", { txs: ["0x0102"] }, /txs\[0\]: expected SSZ bytes of a Tx/],
  ["nonce negative", { txs: [{ ...json, nonce: -1 }] }, /txs\[0\]\.nonce/],
  ["fee garbage", { txs: [hex, { ...json, fee: "lots" }] }, /txs\[1\]\.fee/],
  ["unknown kind", { txs: [{ ...json, kind: "mint" }] }, /txs\[0\]\.kind: expected one of/],
  ["short signature", { txs: [{ ...json, signature: "0x00" }] }, /txs\[0\]\.signature: expected 0x hex of 64 bytes/],
  ["sender missing", { txs: [{ ...json, sender: undefined }] }, /txs\[0\]\.sender/],
];
for (const [name, body, message] of bad) {
  test(`${name} → 400 naming the field`, () => {
    try {
      parseTxsBody(body);
    } catch (e) {
      assert.instance(e, ApiError);
      assert.is((e as ApiError).status, 400);
      assert.match((e as Error).message, message);
      return;
    }
    assert.unreachable("accepted");
  });
}

test.run();

const codes = suite("api: error codes");

codes("every mempool refusal has an HTTP status in @baton/api's table (not a 500)", () => {
  for (const code of Object.values(MempoolErrorCode)) {
    assert.ok(isApiErrorCode(code), `${code} is missing from API_ERRORS`);
    assert.ok(statusOfCode(code) < 500 || code === MempoolErrorCode.FULL, code);
  }
});

codes.run();
