/**
 * How the chaos tool talks to node APIs. On loopback (processes, docker with published
 * ports) it is plain fetch; for nodes in network namespaces it goes through a helper process
 * inside the observer host (netnsProxy.ts), so the root namespace never sends to a test host.
 */
import { ApiError } from "@baton/client";
import type { LoadApi } from "../load.js";

export interface HttpAnswer {
  status: number;
  body: unknown;
}

export interface ChaosHttp {
  /** rejects when the node does not answer within `timeoutMs` */
  request(method: "GET" | "POST", url: string, body: unknown, timeoutMs: number): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/**
 * A promise with a ref'd deadline: fetch alone can hold no ref'd handle (a connection that a
 * proxy accepted but never answers), and the process would exit under it.
 */
export function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)));
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

export const fetchHttp: ChaosHttp = {
  async request(method, url, body, timeoutMs) {
    const run = async (): Promise<HttpAnswer> => {
      const res = await fetch(url, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: body === undefined ? undefined : { "content-type": "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed };
    };
    return withDeadline(run(), timeoutMs + 500, `${method} ${url}`);
  },
  async close() {},
};

/** GET returning the JSON body of a 2xx answer; null for a 404; throws otherwise. */
export async function getJson<T>(http: ChaosHttp, url: string, timeoutMs = 2_000): Promise<T | null> {
  const a = await http.request("GET", url, undefined, timeoutMs);
  if (a.status === 404) return null;
  if (a.status < 200 || a.status >= 300) throw new Error(`GET ${url}: ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
  return a.body as T;
}

/** The load generator's view of a node, over any ChaosHttp. */
export function loadApiOver(http: ChaosHttp): LoadApi {
  return {
    async postTxs(url, txs) {
      const a = await http.request("POST", `${url}/txs`, { txs }, 5_000);
      if (a.status >= 200 && a.status < 300) return a.body as { hashes: string[] };
      const err = (a.body as { error?: { code?: string; message?: string } })?.error;
      throw new ApiError(err?.code ?? "HTTP_ERROR", err?.message ?? `status ${a.status}`, a.status);
    },
    async getNonce(url, pubkey) {
      const acc = await getJson<{ nonce: number; nextNonce?: number }>(http, `${url}/accounts/${pubkey}`, 2_000);
      if (acc === null) return null;
      return typeof acc.nextNonce === "number" ? acc.nextNonce : acc.nonce;
    },
  };
}
