/**
 * A small JSON HTTP server on node:http: routing, body limits, errors as
 * {"error": {"code", "message"}} with a 4xx status (5xx only for our own bugs).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Request {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body(): Promise<unknown>;
  raw: IncomingMessage;
}

export type Handler = (req: Request, res: ServerResponse) => Promise<unknown> | unknown;
interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

export class ApiServer {
  private readonly routes: Route[] = [];
  private server: Server | undefined;

  constructor(private readonly logger: Logger) {}

  route(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const pattern = new RegExp(
      "^" +
        path.replace(/:([a-zA-Z]+)/g, (_m, k: string) => {
          keys.push(k);
          return "([^/]+)";
        }) +
        "/?$",
    );
    this.routes.push({ method, pattern, keys, handler });
    return this;
  }

  async listen(host: string, port: number): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", (e: NodeJS.ErrnoException) =>
        reject(e.code === "EADDRINUSE" ? new Error(`api port ${port} on ${host} is already in use (set another with --api-port)`) : e),
      );
      server.listen(port, host, () => resolve());
    });
    const addr = server.address();
    return typeof addr === "object" && addr ? addr.port : port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(raw.url ?? "/", "http://localhost");
    const method = raw.method ?? "GET";
    try {
      let matchedPath = false;
      for (const r of this.routes) {
        const m = r.pattern.exec(url.pathname);
        if (!m) continue;
        matchedPath = true;
        if (r.method !== method) continue;
        const params: Record<string, string> = {};
        r.keys.forEach((k, i) => (params[k] = decodePathParam(k, m[i + 1])));
        const req: Request = { method, path: url.pathname, params, query: url.searchParams, body: () => readJson(raw), raw };
        const out = await r.handler(req, res);
        if (out !== undefined && !res.headersSent) send(res, 200, out);
        return;
      }
      if (matchedPath) throw new ApiError(405, "METHOD_NOT_ALLOWED", `${method} is not allowed on ${url.pathname}`);
      throw new ApiError(404, "NOT_FOUND", `no route ${method} ${url.pathname}`);
    } catch (e) {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (e instanceof ApiError) {
        send(res, e.status, { error: { code: e.code, message: e.message } });
      } else {
        this.logger.error({ err: (e as Error).message, stack: (e as Error).stack, path: url.pathname }, "api handler failed");
        send(res, 500, { error: { code: "INTERNAL", message: (e as Error).message } });
      }
    }
  }
}

/** A path segment, percent-decoded; malformed encoding (`/txs/%zz`) is the client's error, not a 500. */
function decodePathParam(key: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, "BAD_REQUEST", `${key}: malformed percent-encoding in ${JSON.stringify(raw.slice(0, 80))}`);
  }
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = toJson(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, "BODY_TOO_LARGE", `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.length === 0) throw new ApiError(400, "EMPTY_BODY", "expected a JSON body");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, "INVALID_JSON", `body is not valid JSON: ${(e as Error).message}`);
  }
}
