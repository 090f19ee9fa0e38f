/** Path parameters: a malformed percent-encoding is a 400 naming the parameter, never a 500 (issue 12). */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import pino from "pino";
import { ApiServer } from "../../src/api/server.js";

const test = suite("api: path parameters");

test("GET /batches/%, /accounts/%E0%A4%A, /txs/%zz → 400 naming the parameter; a good one still works", async () => {
  const server = new ApiServer(pino({ level: "silent" }));
  server.route("GET", "/batches/:id", (req) => ({ id: req.params.id }));
  server.route("GET", "/accounts/:pubkey", (req) => ({ pubkey: req.params.pubkey }));
  server.route("GET", "/txs/:hash", (req) => ({ hash: req.params.hash }));
  const port = await server.listen("127.0.0.1", 0);
  try {
    for (const [path, param] of [["/batches/%", "id"], ["/accounts/%E0%A4%A", "pubkey"], ["/txs/%zz", "hash"]]) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.is(res.status, 400, path);
      assert.is(body.error.code, "BAD_REQUEST");
      assert.match(body.error.message, `${param}: malformed percent-encoding`);
    }
    const ok = await fetch(`http://127.0.0.1:${port}/batches/a%20b`);
    assert.equal(await ok.json(), { id: "a b" });
  } finally {
    await server.close();
  }
});

test.run();
