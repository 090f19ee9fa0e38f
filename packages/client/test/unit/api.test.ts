/** The API client: errors become ApiError with the node's code and status; the token goes in the Authorization header. */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ApiError, ApiUnreachableError, getAccount, postTxs } from "../../src/index.js";

const test = suite("client: api");

/** A one-route node: POST /txs needs the token "s3cret-token-value"; GET /accounts/x answers exists: false. */
async function fakeNode(): Promise<{ base: string; seen: IncomingMessage[]; close(): Promise<void> }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    if (req.method === "POST" && req.url === "/txs") {
      if (req.headers.authorization !== "Bearer s3cret-token-value") {
        res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "UNAUTHORIZED", message: "POST /txs needs the API token" } }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ hashes: ["0xab"] }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ pubkey: "0x00", balance: "0", nonce: 0, nextNonce: 0, exists: false }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test("POST /txs: without the token an ApiError 401 UNAUTHORIZED; with it, the hashes", async () => {
  const node = await fakeNode();
  try {
    try {
      await postTxs(node.base, ["0x01"]);
      assert.unreachable("sent without a token");
    } catch (e) {
      assert.instance(e, ApiError);
      assert.equal([(e as ApiError).status, (e as ApiError).code], [401, "UNAUTHORIZED"]);
    }
    assert.equal(await postTxs(node.base, ["0x01"], { token: "s3cret-token-value" }), { hashes: ["0xab"] });
    assert.is(node.seen.at(-1)?.headers.authorization, "Bearer s3cret-token-value");
  } finally {
    await node.close();
  }
});

test("an account the node does not have (exists: false) is null", async () => {
  const node = await fakeNode();
  try {
    assert.is(await getAccount(node.base, "0x00"), null);
  } finally {
    await node.close();
  }
});

test("no answer: ApiUnreachableError naming the URL", async () => {
  try {
    await postTxs("http://127.0.0.1:1", ["0x01"], { timeoutMs: 2_000 });
    assert.unreachable("no error");
  } catch (e) {
    assert.instance(e, ApiUnreachableError);
    assert.match((e as Error).message, "http://127.0.0.1:1/txs");
  }
});

test.run();
