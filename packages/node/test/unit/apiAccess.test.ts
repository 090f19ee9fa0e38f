/** API manners (apiAccess.ts): CORS only for allowed origins (or `*`), none by default; the bearer token on POST /txs only. */
import { API_ROUTES, ApiError } from "@baton/api";
import pino from "pino";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ApiServer, type Handlers } from "../../src/api/server.js";
import type { ApiAccess } from "../../src/api/apiAccess.js";

const test = suite("api: CORS and the API token");

const handlers = {
  ...Object.fromEntries(
    Object.keys(API_ROUTES).map((id) => [
      id,
      () => {
        throw new ApiError("NOT_FOUND", "stub");
      },
    ]),
  ),
  getMempool: () => ({ size: 3 }),
  submitTxs: () => ({ hashes: [] }),
} as unknown as Handlers;

async function withServer(access: ApiAccess, fn: (base: string) => Promise<void>): Promise<void> {
  const server = new ApiServer(pino({ level: "silent" }), handlers, access);
  const port = await server.listen("127.0.0.1", 0);
  try {
    await fn(`http://127.0.0.1:${port}`);
  } finally {
    await server.close();
  }
}

const preflight = (base: string, origin: string, path = "/txs") =>
  fetch(`${base}${path}`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
  });

test("default: no CORS headers, and a preflight is refused (405)", async () => {
  await withServer({}, async (base) => {
    const get = await fetch(`${base}/mempool`, { headers: { origin: "https://app.example" } });
    assert.is(get.status, 200);
    assert.is(get.headers.get("access-control-allow-origin"), null);
    const pre = await preflight(base, "https://app.example");
    assert.is(pre.status, 405);
    assert.is(pre.headers.get("access-control-allow-origin"), null);
    assert.match(((await pre.json()) as { error: { message: string } }).error.message, "CORS is off");
  });
});

test("a list of origins: those get the headers and their preflight answered; others nothing", async () => {
  await withServer({ corsOrigins: ["https://app.example", "http://localhost:3000"] }, async (base) => {
    const pre = await preflight(base, "http://localhost:3000");
    assert.is(pre.status, 204);
    assert.is(pre.headers.get("access-control-allow-origin"), "http://localhost:3000");
    assert.match(pre.headers.get("access-control-allow-methods") ?? "", "POST");
    assert.match(pre.headers.get("access-control-allow-headers") ?? "", "Authorization");
    assert.match(pre.headers.get("access-control-allow-headers") ?? "", "Last-Event-ID");
    assert.match(pre.headers.get("vary") ?? "", "Origin");
    const get = await fetch(`${base}/mempool`, { headers: { origin: "https://app.example" } });
    assert.is(get.headers.get("access-control-allow-origin"), "https://app.example");
    const refused = await preflight(base, "https://evil.example");
    assert.is(refused.status, 405);
    assert.is(refused.headers.get("access-control-allow-origin"), null);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, "origin https://evil.example is not allowed");
    const other = await fetch(`${base}/mempool`, { headers: { origin: "https://evil.example" } });
    assert.is(other.status, 200);
    assert.is(other.headers.get("access-control-allow-origin"), null);
    // errors carry the headers too (a page can read the error)
    const missing = await fetch(`${base}/nosuch`, { headers: { origin: "https://app.example" } });
    assert.is(missing.status, 404);
    assert.is(missing.headers.get("access-control-allow-origin"), "https://app.example");
  });
});

test("`*`: any origin", async () => {
  await withServer({ corsOrigins: ["*"] }, async (base) => {
    const pre = await preflight(base, "https://anyone.example");
    assert.is(pre.status, 204);
    assert.is(pre.headers.get("access-control-allow-origin"), "*");
    assert.is((await fetch(`${base}/mempool`, { headers: { origin: "null" } })).headers.get("access-control-allow-origin"), "*");
  });
});

test("token: POST /txs needs `Authorization: Bearer <token>` (401 UNAUTHORIZED otherwise); GET routes stay open", async () => {
  await withServer({ token: "s3cret-token", corsOrigins: ["https://app.example"] }, async (base) => {
    const post = (headers: Record<string, string>) => fetch(`${base}/txs`, { method: "POST", body: "[]", headers });
    for (const [headers, message] of [
      [{}, "needs `Authorization: Bearer <token>`"],
      [{ authorization: "Bearer wrong" }, "not this node's API token"],
      [{ authorization: "Bearer s3cret-token-and-more" }, "not this node's API token"],
      [{ authorization: "Basic s3cret-token" }, "needs `Authorization: Bearer <token>`"],
    ] as [Record<string, string>, string][]) {
      const res = await post({ ...headers, origin: "https://app.example" });
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.is(res.status, 401, JSON.stringify(headers));
      assert.is(body.error.code, "UNAUTHORIZED");
      assert.match(body.error.message, message);
      assert.is(res.headers.get("www-authenticate"), 'Bearer realm="baton"');
      assert.is(res.headers.get("access-control-allow-origin"), "https://app.example", "a page can read the 401");
    }
    const ok = await post({ authorization: "Bearer s3cret-token" });
    assert.is(ok.status, 200);
    assert.is((await post({ authorization: "bearer   s3cret-token" })).status, 200, "the scheme is case-insensitive");
    assert.is((await fetch(`${base}/mempool`)).status, 200);
    // the preflight of POST /txs needs no token (browsers never send one with it)
    assert.is((await preflight(base, "https://app.example")).status, 204);
  });
});

test("no token set: POST /txs is open", async () => {
  await withServer({ token: null }, async (base) => {
    assert.is((await fetch(`${base}/txs`, { method: "POST", body: "[]" })).status, 200);
  });
});

test.run();
