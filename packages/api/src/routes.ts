/**
 * Every route of the node's HTTP API, once: method, path, parameters and the schema of each
 * answer. The node registers a handler per route from this table (and cannot miss one: the
 * handler map is typed by it), the OpenAPI document is generated from it, and the client's
 * calls are typed by it.
 */
import Type, { type Static, type TSchema } from "typebox";
import { API_ERRORS, type ApiErrorCode } from "./errors.js";
import { EVENT_HEARTBEAT_MS, EVENT_REPLAY_SIZE } from "./events.js";
import {
  Account,
  Batch,
  BatchList,
  BatchRangeQuery,
  DEFAULT_BATCH_RANGE,
  MAX_BATCH_RANGE,
  EventsHeaders,
  EventsQuery,
  Health,
  BatchIdParams,
  EpochQuery,
  ErrorBody,
  MempoolInfo,
  NodeStatus,
  OpenApiDocument,
  PeerList,
  PubkeyParams,
  Schedule,
  SequencerList,
  SubmitTxsBody,
  SubmitTxsResult,
  Syncing,
  TxHashParams,
  TxStatus,
  Version,
} from "./schemas.js";

/** A body that is not JSON: described by its media type. */
export interface RawBody {
  mediaType: string;
  description: string;
}

export interface RouteDef {
  method: "GET" | "POST";
  url: string;
  summary: string;
  description?: string;
  tags: string[];
  params?: TSchema;
  querystring?: TSchema;
  /** request headers the route reads (documented and checked like parameters) */
  headers?: TSchema;
  body?: TSchema;
  /** the 200 answer: a JSON schema, or a raw media type */
  ok: TSchema | RawBody;
  /** other statuses that answer with the same body as 200 (not errors: GET /health's 206 and 503) */
  alsoOk?: Record<number, string>;
  /** the error codes this route answers with besides INTERNAL (each documented with its status) */
  errors: ApiErrorCode[];
  /** a write route: when the node has an API token it needs `Authorization: Bearer <token>` (else 401 UNAUTHORIZED) */
  auth?: "bearer";
}

const def = <R extends RouteDef>(route: R): R => route;

export const API_ROUTES = {
  dashboard: def({
    method: "GET",
    url: "/",
    summary: "the live dashboard (an HTML page reading /status, /sequencers and /events)",
    tags: ["operator"],
    ok: { mediaType: "text/html", description: "the dashboard page" },
    errors: [],
  }),
  getStatus: def({
    method: "GET",
    url: "/status",
    summary: "the node's view: clock, head, confirmed batch, peers, sync, mempool",
    tags: ["chain"],
    ok: NodeStatus,
    errors: [],
  }),
  getHealth: def({
    method: "GET",
    url: "/health",
    summary: "whether the node follows the chain: 200 healthy, 206 syncing, 503 unhealthy (no peers, or the head too far behind the clock)",
    description:
      "For load balancers and container health checks. Unhealthy: no peer while other sequencers exist, or the head more than maxLagSlots (one epoch, at least 4) behind the clock. The body says why.",
    tags: ["operator"],
    ok: Health,
    alsoOk: { 206: "syncing: a range sync is importing batches this node lacked", 503: "unhealthy: `reasons` says why" },
    errors: [],
  }),
  getReady: def({
    method: "GET",
    url: "/readyz",
    summary: "readiness: 200 when /health is 200, else 503 (for orchestrators that read the status only)",
    tags: ["operator"],
    ok: Health,
    alsoOk: { 503: "not ready: syncing or unhealthy" },
    errors: [],
  }),
  getSyncing: def({
    method: "GET",
    url: "/syncing",
    summary: "sync state: head, clock, distance, the best head peers report, whether sync runs or the node is stalled",
    tags: ["chain"],
    ok: Syncing,
    errors: [],
  }),
  getVersion: def({
    method: "GET",
    url: "/version",
    summary: "the node's version and runtime",
    tags: ["operator"],
    ok: Version,
    errors: [],
  }),
  getSequencers: def({
    method: "GET",
    url: "/sequencers",
    summary: "every sequencer in the head state: stake, status, production and misses, unbonding stake",
    tags: ["chain"],
    ok: SequencerList,
    errors: [],
  }),
  getSchedule: def({
    method: "GET",
    url: "/schedule",
    summary: "the leader and fallbacks of each slot of an epoch (the current or the next)",
    tags: ["chain"],
    querystring: EpochQuery,
    ok: Schedule,
    errors: ["INVALID_PARAM", "EPOCH_NOT_AVAILABLE"],
  }),
  getBatches: def({
    method: "GET",
    url: "/batches",
    summary: `a range of the head chain's batches by height: ?from=<height>&count=<n> (n ≤ ${MAX_BATCH_RANGE}, default ${DEFAULT_BATCH_RANGE}), ascending`,
    description:
      "The batches at heights from, from+1, … on this node's head chain, stopping at the head (an empty list when from is above it). For tools that page through the chain and for the dashboard's backfill.",
    tags: ["chain"],
    querystring: BatchRangeQuery,
    ok: BatchList,
    errors: ["INVALID_PARAM"],
  }),
  getBatch: def({
    method: "GET",
    url: "/batches/:id",
    summary: "a batch by height (on the head chain) or by root (any imported batch)",
    tags: ["chain"],
    params: BatchIdParams,
    ok: Batch,
    errors: ["BAD_REQUEST", "INVALID_PARAM", "NOT_FOUND"],
  }),
  submitTxs: def({
    method: "POST",
    url: "/txs",
    summary: "submit signed txs to the mempool (and gossip)",
    description:
      "200 if at least one tx was accepted (the refused ones are listed in `errors`); if every tx was refused, the first refusal's code and status.",
    tags: ["txs"],
    auth: "bearer",
    body: SubmitTxsBody,
    ok: SubmitTxsResult,
    errors: [
      "UNAUTHORIZED",
      "EMPTY_BODY",
      "INVALID_JSON",
      "INVALID_TX",
      "BODY_TOO_LARGE",
      "MEMPOOL_FULL",
      "MEMPOOL_SENDER_FULL",
      "MEMPOOL_BAD_SIGNATURE",
      "MEMPOOL_FEE_TOO_LOW",
      "MEMPOOL_TOO_LARGE",
      "MEMPOOL_DUPLICATE_NONCE",
      "MEMPOOL_STALE_NONCE",
      "MEMPOOL_UNKNOWN_SENDER",
      "MEMPOOL_INSUFFICIENT_BALANCE",
      "MEMPOOL_NONCE_TOO_FAR",
    ],
  }),
  getTx: def({
    method: "GET",
    url: "/txs/:hash",
    summary: "where a tx is: pending in the mempool, included in the head chain, or confirmed",
    tags: ["txs"],
    params: TxHashParams,
    ok: TxStatus,
    errors: ["BAD_REQUEST", "INVALID_PARAM", "NOT_FOUND"],
  }),
  getAccount: def({
    method: "GET",
    url: "/accounts/:pubkey",
    summary: "an account's balance and nonce in the head state (exists: false if it has none)",
    tags: ["txs"],
    params: PubkeyParams,
    ok: Account,
    errors: ["BAD_REQUEST", "INVALID_PARAM"],
  }),
  getMempool: def({
    method: "GET",
    url: "/mempool",
    summary: "the number of pending txs",
    tags: ["txs"],
    ok: MempoolInfo,
    errors: [],
  }),
  getPeers: def({
    method: "GET",
    url: "/peers",
    summary: "connected libp2p peers",
    tags: ["operator"],
    ok: PeerList,
    errors: [],
  }),
  getEvents: def({
    method: "GET",
    url: "/events",
    summary: "server-sent events: batch, head, confirmed, miss, ejected, rejoined, exited; with ids, replay (Last-Event-ID) and topic filter",
    description: [
      "A text/event-stream. Each event has `id:` (a number that grows by one per event; it starts at the process's start time in unix ms, so ids keep growing across a restart),",
      "`event:` (the name) and `data:` (one JSON object; schemas: BatchEvent, BlockRef, MissEvent, StatusChangeEvent).",
      `The stream opens with \`: baton events\` and \`retry: 1000\`, and sends a \`: ping\` comment every ${EVENT_HEARTBEAT_MS / 1000} s (so proxies and clients see it is alive).`,
      `The node keeps the last ${EVENT_REPLAY_SIZE} events: a client that sends \`Last-Event-ID\` (EventSource does on reconnect; or \`?lastEventId=\`) first gets the kept events after that id, in order, then the live ones;`,
      "an id older than the oldest kept event, or not from this process, replays every kept event (`?lastEventId=0` asks for all of them).",
      "`?topics=batch,head` sends only those events (an unknown name is 400 INVALID_PARAM naming it).",
    ].join(" "),
    tags: ["chain"],
    querystring: EventsQuery,
    headers: EventsHeaders,
    ok: { mediaType: "text/event-stream", description: "the replayed events, then one event per chain event, as it happens" },
    errors: ["INVALID_PARAM"],
  }),
  getOpenApi: def({
    method: "GET",
    url: "/openapi.json",
    summary: "this document (OpenAPI 3.1)",
    tags: ["operator"],
    ok: OpenApiDocument,
    errors: [],
  }),
} as const satisfies Record<string, RouteDef>;

export type RouteId = keyof typeof API_ROUTES;
export type Route<K extends RouteId> = (typeof API_ROUTES)[K];

/** What a route answers with on success (a JSON body's type; a raw body is the handler's to write). */
export type RouteReply<K extends RouteId> = Route<K>["ok"] extends TSchema ? Static<Route<K>["ok"]> : undefined;
export type RouteParams<K extends RouteId> = Route<K> extends { params: infer P extends TSchema } ? Static<P> : Record<string, never>;
export type RouteQuery<K extends RouteId> = Route<K> extends { querystring: infer Q extends TSchema } ? Static<Q> : Record<string, never>;

export const isRawBody = (ok: TSchema | RawBody): ok is RawBody => typeof (ok as RawBody).mediaType === "string";

/** The answers of a route as fastify/OpenAPI response schemas: 200 and one entry per error status. */
export function responseSchemas(route: RouteDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  out["200"] = isRawBody(route.ok)
    ? { description: route.ok.description, content: { [route.ok.mediaType]: { schema: Type.String() } } }
    : route.ok;
  for (const [status, description] of Object.entries(route.alsoOk ?? {})) out[status] = { ...(route.ok as TSchema), description };
  for (const code of [...route.errors, "INTERNAL" as const]) {
    const { status, description } = API_ERRORS[code];
    const key = String(status);
    const prev = out[key] as { description: string } | undefined;
    const line = `${code}: ${description}`;
    out[key] = { ...ErrorBody, description: prev ? `${prev.description}; ${line}` : line };
  }
  return out;
}
