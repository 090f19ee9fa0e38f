/**
 * The observer's hands inside the test-host network: run in the observer namespace
 * (`ip netns exec hN node dist/chaos/backends/netnsProxy.js`, compiled by `pnpm build`), it reads one JSON request per line
 * on stdin ({id, method, url, body?, timeoutMs}), does the HTTP request from there, and
 * writes one JSON answer per line on stdout ({id, status, body} or {id, error}). So the
 * chaos runner in the root namespace never sends a packet to a test host itself.
 * It exits when stdin closes (the runner stopped or died).
 */
import { createInterface } from "node:readline";

export interface ProxyRequest {
  id: number;
  method: "GET" | "POST";
  url: string;
  body?: unknown;
  timeoutMs: number;
}
export type ProxyAnswer = { id: number; status: number; body: unknown } | { id: number; error: string };

/** Only the test hosts' own addresses: this helper refuses any other destination. */
export const ALLOWED_URL = /^http:\/\/10\.78\.0\.[0-9]{1,3}:[0-9]{1,5}\//;

async function answer(req: ProxyRequest): Promise<ProxyAnswer> {
  if (!ALLOWED_URL.test(req.url)) return { id: req.id, error: `refused: ${req.url} is not a test host` };
  try {
    const res = await fetch(req.url, {
      method: req.method,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      headers: req.body === undefined ? undefined : { "content-type": "application/json" },
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { id: req.id, status: res.status, body };
  } catch (e) {
    const err = e as { name?: string; message?: string; cause?: { code?: string } };
    return { id: req.id, error: err.name === "TimeoutError" ? "timed out" : (err.cause?.code ?? err.message ?? String(e)) };
  }
}

function main(): void {
  const rl = createInterface({ input: process.stdin });
  rl.on("line", (line) => {
    let req: ProxyRequest;
    try {
      req = JSON.parse(line) as ProxyRequest;
    } catch {
      return;
    }
    void answer(req).then((a) => process.stdout.write(JSON.stringify(a) + "\n"));
  });
  rl.on("close", () => process.exit(0));
  // keep running while stdin is open
  setInterval(() => undefined, 60_000);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) main();
