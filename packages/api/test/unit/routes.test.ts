/** The route table and the error table agree with each other and with what fastify and OpenAPI need. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  API_ERRORS,
  API_EVENT_NAMES,
  API_ROUTES,
  ApiError,
  DEFAULT_BATCH_RANGE,
  EVENT_HEARTBEAT_MS,
  EVENT_REPLAY_SIZE,
  isRawBody,
  MAX_BATCH_RANGE,
  responseSchemas,
  statusOfCode,
  type RouteDef,
} from "../../src/index.js";

const test = suite("api: route and error tables");
const routes = Object.entries(API_ROUTES as Record<string, RouteDef>);

test("each method + path is defined once", () => {
  const keys = routes.map(([, r]) => `${r.method} ${r.url}`);
  assert.equal([...new Set(keys)].sort(), [...keys].sort());
});

test("every error a route lists is in the error table; each answer has a description", () => {
  for (const [id, route] of routes) {
    for (const code of route.errors) assert.ok(code in API_ERRORS, `${id}: ${code}`);
    const answers = responseSchemas(route) as Record<string, { description?: string }>;
    assert.ok(answers["200"], `${id}: no 200`);
    assert.ok(answers["500"]?.description?.includes("INTERNAL"), `${id}: 500 not documented`);
    for (const [status, answer] of Object.entries(answers)) {
      if (status !== "200" || isRawBody(route.ok)) assert.ok(answer.description, `${id} ${status}: no description`);
    }
  }
});

test("two codes with one status are both described under it", () => {
  const answers = responseSchemas(API_ROUTES.getBatch) as Record<string, { description: string }>;
  assert.match(answers["400"].description, "BAD_REQUEST");
  assert.match(answers["400"].description, "INVALID_PARAM");
});

test("a route that needs the API token lists UNAUTHORIZED (401); only POST /txs needs it", () => {
  for (const [id, route] of routes) {
    if (route.auth) assert.ok(route.errors.includes("UNAUTHORIZED"), `${id}: needs the token but does not list UNAUTHORIZED`);
    else assert.not.ok(route.errors.includes("UNAUTHORIZED"), `${id}: lists UNAUTHORIZED without needing the token`);
  }
  assert.equal(
    routes.filter(([, r]) => r.auth).map(([id]) => id),
    ["submitTxs"],
  );
  assert.is(API_ERRORS.UNAUTHORIZED.status, 401);
  assert.match((responseSchemas(API_ROUTES.submitTxs) as Record<string, { description: string }>)["401"].description, "UNAUTHORIZED");
});

test("GET /batches (range) and GET /events (replay, topics) describe their parameters and limits", () => {
  const range = API_ROUTES.getBatches;
  assert.is(range.url, "/batches");
  assert.equal(Object.keys((range.querystring as { properties: object }).properties).sort(), ["count", "from"]);
  assert.equal((range.querystring as { required?: string[] }).required, ["from"]);
  assert.match(range.summary, String(MAX_BATCH_RANGE));
  assert.match(range.summary, String(DEFAULT_BATCH_RANGE));
  const events = API_ROUTES.getEvents;
  assert.equal(Object.keys((events.querystring as { properties: object }).properties).sort(), ["lastEventId", "topics"]);
  assert.ok("last-event-id" in (events.headers as { properties: object }).properties);
  assert.ok(events.errors.includes("INVALID_PARAM"));
  for (const word of ["Last-Event-ID", "topics", ": ping", String(EVENT_REPLAY_SIZE), String(EVENT_HEARTBEAT_MS / 1000)]) assert.match(events.description, word);
  for (const name of API_EVENT_NAMES) assert.match(events.summary, name);
});

test("an error's status comes from the table; a code not in it is a 500", () => {
  assert.is(new ApiError("MEMPOOL_FULL", "full").status, 503);
  assert.is(new ApiError("MEMPOOL_SENDER_FULL", "cap").status, 429);
  assert.is(new ApiError("NOT_FOUND", "x").status, 404);
  assert.is(statusOfCode("SOMETHING_NEW"), 500);
  assert.is(new ApiError("HTTP_502", "from a client", 502).status, 502);
  for (const { status } of Object.values(API_ERRORS)) assert.ok(status >= 400 && status < 600);
});

test.run();
