/**
 * The node's HTTP server: fastify, with one handler per route of @baton/api's table. Fastify
 * checks parameters against the route's schemas, serializes answers with them, answers HEAD
 * for every GET, and @fastify/swagger turns the same table into the OpenAPI 3.1 document at
 * GET /openapi.json. Every error leaves as {"error": {"code", "message"}} with the status
 * of API_ERRORS (a 500 only for our own bugs, logged with the stack). Manners (apiAccess.ts):
 * CORS for the origins the operator allows, and the API token on write routes.
 */
import cors from "@fastify/cors";
import swagger from "@fastify/swagger";
import { API_ROUTES, ApiError, isRawBody, responseSchemas, type RouteDef, type RouteId } from "@baton/api";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { VERSION } from "../version.js";
import { corsOptions, requireToken, type ApiAccess } from "./apiAccess.js";

/** Request bodies over this are refused (413) before they are buffered in full. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** A client must send its whole request (headers and body) within this (slow clients are cut off). */
const REQUEST_TIMEOUT_MS = 10_000;

export interface HandlerRequest {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: unknown;
  /** the underlying fastify request (for a route that streams) */
  raw: FastifyRequest;
}

/**
 * One handler per route. A JSON route returns its answer (typed by the route's schema); a
 * raw route (HTML, metrics, the event stream) writes it to `reply` and returns nothing.
 */
export type RouteHandler<K extends RouteId> = (
  req: HandlerRequest,
  reply: FastifyReply,
) => (typeof API_ROUTES)[K]["ok"] extends { mediaType: string } ? void | Promise<void> : unknown;
export type Handlers = { [K in RouteId]: RouteHandler<K> };

/** JSON with bigints as decimal strings (for the event stream, which fastify does not serialize). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v));
}

export class ApiServer {
  private readonly app: FastifyInstance;
  private readonly ready: Promise<void>;

  constructor(
    private readonly logger: Logger,
    handlers: Handlers,
    private readonly access: ApiAccess = {},
  ) {
    this.app = Fastify({
      logger: false,
      bodyLimit: MAX_BODY_BYTES,
      requestTimeout: REQUEST_TIMEOUT_MS,
      routerOptions: { ignoreTrailingSlash: true },
      // a parameter is checked as the schema says, never coerced or filled in
      ajv: { customOptions: { coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: false } },
      frameworkErrors: (error, _req, reply) => this.sendError(reply, toApiError(error)),
    });
    this.ready = this.setup(handlers);
  }

  private async setup(handlers: Handlers): Promise<void> {
    const app = this.app;
    await app.register(swagger, {
      openapi: {
        openapi: "3.1.0",
        info: {
          title: "Baton node API",
          version: VERSION,
          description:
            "The HTTP API of a Baton sequencer node (docs/api.md). HEAD works on every GET route. CORS (OPTIONS preflight, Access-Control-* headers) only for the origins the operator allows (apiCorsOrigins); POST /txs needs `Authorization: Bearer <token>` when the operator set an API token (apiTokenFile).",
        },
        components: {
          securitySchemes: {
            apiToken: { type: "http", scheme: "bearer", description: "the node's API token (apiTokenFile); only checked when the operator set one" },
          },
        },
        tags: [
          { name: "chain", description: "the chain as this node sees it" },
          { name: "txs", description: "submit and follow txs, read accounts" },
          { name: "operator", description: "the operator's views: dashboard, peers, metrics" },
        ],
      },
    });
    const corsOn = (this.access.corsOrigins ?? []).length > 0;
    if (corsOn) await app.register(cors, corsOptions(this.access.corsOrigins ?? []));
    // every body is read as text and parsed as JSON here, whatever its content-type (curl -d, fetch without a header)
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "string" }, (_req, text, done) => {
      if (text === "") return done(new ApiError("EMPTY_BODY", "expected a JSON body"), undefined);
      try {
        done(null, JSON.parse(text as string));
      } catch (e) {
        done(new ApiError("INVALID_JSON", `body is not valid JSON: ${(e as Error).message}`), undefined);
      }
    });
    app.setErrorHandler((error, _req, reply) => this.sendError(reply, toApiError(error)));
    app.setNotFoundHandler((req, reply) => {
      const path = req.url.split("?")[0];
      const other = ROUTE_PATTERNS.find((r) => r.pattern.test(path));
      const origin = req.headers.origin;
      const e =
        req.method === "OPTIONS" && other
          ? new ApiError("METHOD_NOT_ALLOWED", `OPTIONS ${path}: ${corsOn ? `origin ${origin ?? "(none)"} is not allowed` : "CORS is off"} on this node (apiCorsOrigins)`)
          : other
            ? new ApiError("METHOD_NOT_ALLOWED", `${req.method} is not allowed on ${path} (only ${other.method})`)
            : new ApiError("NOT_FOUND", `no route ${req.method} ${path}`);
      this.sendError(reply, e);
    });
    for (const id of Object.keys(API_ROUTES) as RouteId[]) this.addRoute(API_ROUTES[id], handlers[id] as RouteHandler<RouteId>, id);
  }

  private addRoute(route: RouteDef, handler: RouteHandler<RouteId>, id: RouteId): void {
    this.app.route({
      method: route.method,
      url: route.url,
      schema: {
        operationId: id,
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: route.tags,
        ...(route.params ? { params: route.params } : {}),
        ...(route.querystring ? { querystring: route.querystring } : {}),
        ...(route.headers ? { headers: route.headers } : {}),
        ...(route.auth ? { security: [{ apiToken: [] }] } : {}),
        ...(route.body ? { body: route.body } : {}),
        response: responseSchemas(route),
      },
      // POST /txs: the schema documents the body; txJson.ts checks it and names the field that is wrong
      ...(route.body ? { validatorCompiler: () => () => true } : {}),
      // checked before the body is read: a client without the token never gets a big body parsed
      ...(route.auth && this.access.token ? { onRequest: requireToken(this.access.token) } : {}),
      handler: async (req, reply) => {
        const out = await handler(
          { params: req.params as Record<string, string>, query: req.query as Record<string, string>, body: req.body, raw: req },
          reply,
        );
        if (isRawBody(route.ok)) return reply;
        return out;
      },
    });
  }

  /** The OpenAPI 3.1 document of this server (what GET /openapi.json answers). */
  async openApiDocument(): Promise<Record<string, unknown>> {
    await this.ready;
    await this.app.ready();
    return this.app.swagger() as unknown as Record<string, unknown>;
  }

  async listen(host: string, port: number): Promise<number> {
    await this.ready;
    try {
      await this.app.listen({ host, port });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EADDRINUSE") throw new Error(`api port ${port} on ${host} is already in use (set another with --api-port)`);
      throw e;
    }
    const addr = this.app.server.address();
    return typeof addr === "object" && addr ? addr.port : port;
  }

  async close(): Promise<void> {
    this.app.server.closeAllConnections?.();
    await this.app.close();
  }

  private sendError(reply: FastifyReply, e: ApiError): void {
    if (e.status >= 500) this.logger.error({ err: e.message, stack: e.stack, path: reply.request.url }, "api handler failed");
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.end();
      return;
    }
    void reply.code(e.status).type("application/json").send({ error: { code: e.code, message: e.message } });
  }
}

/** A route's path as a regex, to tell "no such route" (404) from "not with this method" (405). */
const ROUTE_PATTERNS = Object.values(API_ROUTES as Record<string, RouteDef>).map((r) => ({
  method: r.method,
  pattern: new RegExp(`^${r.url.replace(/:[a-zA-Z]+/g, "[^/]+")}/?$`),
}));

/** Any error a handler or fastify raises, as the API's error (unknown ones are ours: INTERNAL). */
function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const fe = error as FastifyError & { validationContext?: string };
  if (fe.validation) {
    const first = fe.validation[0];
    const field = `${first.instancePath.replace(/^\//, "").replace(/\//g, ".") || (first.params as { missingProperty?: string }).missingProperty || fe.validationContext}`;
    return new ApiError("INVALID_PARAM", `${field}: ${first.message ?? "invalid"}`);
  }
  switch (fe.code) {
    case "FST_ERR_BAD_URL":
      return new ApiError("BAD_REQUEST", `path: malformed percent-encoding (${fe.message})`);
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ApiError("BODY_TOO_LARGE", `request body over ${MAX_BODY_BYTES} bytes`);
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new ApiError("EMPTY_BODY", "expected a JSON body");
  }
  const err = error instanceof Error ? error : new Error(String(error));
  const internal = new ApiError("INTERNAL", err.message);
  internal.stack = err.stack;
  return internal;
}
