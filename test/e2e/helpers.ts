/** Small helpers for cluster tests: JSON over HTTP, and waiting on a condition with a deadline. */
export async function getJson<T = any>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  const body = await res.json();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return body as T;
}

export async function postJson<T = any>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method: "POST", body: JSON.stringify(body), signal: AbortSignal.timeout(5_000) });
  const out = await res.json();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(out)}`);
  return out as T;
}

/** Polls `check` until it returns a non-undefined value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined | false>, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastErr = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? ` (last error: ${(lastErr as Error).message})` : ""}`);
}

export interface Status {
  slot: number;
  epoch: number;
  head: { height: number; slot: number; root: string };
  confirmed: { height: number; slot: number; root: string };
  peers: number;
  syncing: boolean;
}
export interface SequencerInfo {
  index: number;
  pubkey: string;
  stake: string;
  status: "active" | "ejected" | "exited";
  produced: number;
  misses: number;
  consecutiveMisses: number;
}

/** uvu swallows an error thrown in a before() hook (the suite just shows 0 passed): print it. */
export function reportSetupErrors(fn: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await fn();
    } catch (e) {
      console.error(`    [setup failed] ${(e as Error)?.stack ?? String(e)}`);
      throw e;
    }
  };
}
