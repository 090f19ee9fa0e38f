/**
 * Who may use the API from where: CORS for the origins the operator allows (apiCorsOrigins;
 * none by default: no Access-Control-* headers, so browsers keep other sites' pages away),
 * and an optional bearer token on write routes (apiTokenFile; GET routes stay open).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyCorsOptions } from "@fastify/cors";
import { ApiError } from "@baton/api";
import type { FastifyReply, FastifyRequest } from "fastify";

export interface ApiAccess {
  /** origins (scheme://host[:port]) that get CORS headers, or ["*"] for any; empty/absent = none */
  corsOrigins?: string[];
  /** when set, write routes need `Authorization: Bearer <token>` */
  token?: string | null;
}

/** Request headers a page of an allowed origin may send (the token, JSON bodies, EventSource's reconnect). */
const ALLOWED_HEADERS = ["Authorization", "Content-Type", "Last-Event-ID"];

/** @fastify/cors options: allowed origins get the Access-Control-* headers and their preflight answered; others nothing. */
export function corsOptions(origins: string[]): FastifyCorsOptions {
  const any = origins.includes("*");
  const allowed = new Set(origins);
  return {
    // false for other origins: no CORS headers, and their preflight falls through to a 405
    origin: any ? "*" : (origin, cb) => cb(null, origin !== undefined && allowed.has(origin) ? origin : false),
    methods: ["GET", "HEAD", "POST"],
    allowedHeaders: ALLOWED_HEADERS,
    maxAge: 600,
    strictPreflight: false,
  };
}

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/**
 * An onRequest hook: 401 UNAUTHORIZED unless the request carries the token. The comparison is
 * of sha256 digests with timingSafeEqual: its time says nothing about the token or its length.
 */
export function requireToken(token: string): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const expected = digest(token);
  return async (req, reply) => {
    const header = req.headers.authorization;
    const m = typeof header === "string" ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    if (m && timingSafeEqual(digest(m[1]), expected)) return;
    void reply.header("www-authenticate", 'Bearer realm="baton"');
    throw new ApiError(
      "UNAUTHORIZED",
      m ? "authorization: the bearer token is not this node's API token" : `authorization: ${req.method} ${req.url.split("?")[0]} needs \`Authorization: Bearer <token>\` (this node has an API token)`,
    );
  };
}
