/** Path parameters: a malformed percent-encoding is a 400, never a 500 (issue 12); a good one is decoded. */
import { API_ROUTES, ApiError } from "@baton/api";
import pino from "pino";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ApiServer, type Handlers } from "../../src/api/server.js";

const test = suite("api: path parameters");

/** Every route answers NOT_FOUND naming what it was asked for (the test reads the decoded parameter back). */
const handlers = Object.fromEntries(
  Object.keys(API_ROUTES).map((id) => [
    id,
    (req: { params: Record<string, string> }) => {
      throw new ApiError("NOT_FOUND", `asked for ${JSON.stringify(req.params)}`);
    },
  ]),
) as unknown as Handlers;

test("GET /batches/%, /accounts/%E0%A4%A, /txs/%zz → 400 BAD_REQUEST; a good one still works", async () => {
  const server = new ApiServer(pino({ level: "silent" }), handlers);
  const port = await server.listen("127.0.0.1", 0);
  try {
    for (const path of ["/batches/%", "/accounts/%E0%A4%A", "/txs/%zz"]) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.is(res.status, 400, path);
      assert.is(body.error.code, "BAD_REQUEST");
      assert.match(body.error.message, "malformed percent-encoding");
    }
    const ok = await fetch(`http://127.0.0.1:${port}/batches/a%20b`);
    assert.is(ok.status, 404);
    assert.match(((await ok.json()) as { error: { message: string } }).error.message, '{"id":"a b"}');
  } finally {
    await server.close();
  }
});

test.run();
