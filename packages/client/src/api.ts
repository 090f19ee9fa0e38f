/**
 * A small client for a node's JSON API (used by `baton tx`, `baton status` and the devnet's
 * status line and load generator). Errors of the API ({"error": {"code", "message"}})
 * become ApiError; an unreachable node becomes ApiUnreachableError.
 */

export interface BlockRef {
  height: number;
  slot: number;
  root: string;
}

export interface NodeStatus {
  chainId: number;
  slot: number;
  epoch: number;
  head: BlockRef;
  confirmed: BlockRef;
  peers: number;
  syncing: boolean;
}

export interface SequencerInfo {
  index: number;
  pubkey: string;
  stake: string | number;
  status: "active" | "ejected" | "exited" | string;
  produced: number;
  misses: number;
  consecutiveMisses: number;
}

export interface AccountInfo {
  balance: string | number;
  /** nonce in the head state */
  nonce: number;
  /** next free nonce counting the node's pending txs, when the node reports it */
  nextNonce?: number;
}

/** The nonce a new tx from this account should use. */
export const nextNonceOf = (a: AccountInfo): number => (typeof a.nextNonce === "number" ? a.nextNonce : a.nonce);

/** The node answered with an error status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** No answer (connection refused, timeout). */
export class ApiUnreachableError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`${url}: no answer (${describeFetchError(cause)})`);
    this.name = "ApiUnreachableError";
  }
}

function describeFetchError(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError") return "timed out";
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
}

export interface RequestOptions {
  timeoutMs?: number;
}

export async function apiRequest<T>(base: string, method: "GET" | "POST", path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const url = base.replace(/\/+$/, "") + path;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
    });
  } catch (e) {
    throw new ApiUnreachableError(url, e);
  }
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    // fall through: reported below
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, `${method} ${path}: ${err?.message ?? (text.slice(0, 200) || res.statusText)}`);
  }
  if (json === undefined) throw new ApiError(res.status, "BAD_RESPONSE", `${method} ${path}: expected JSON, got ${JSON.stringify(text.slice(0, 80))}`);
  return json as T;
}

export const getStatus = (base: string, opts?: RequestOptions) => apiRequest<NodeStatus>(base, "GET", "/status", undefined, opts);
export const getSequencers = (base: string, opts?: RequestOptions) =>
  apiRequest<SequencerInfo[]>(base, "GET", "/sequencers", undefined, opts);

/** The account's state, or null if the node does not know it (404). */
export async function getAccount(base: string, pubkeyHex: string, opts?: RequestOptions): Promise<AccountInfo | null> {
  try {
    return await apiRequest<AccountInfo>(base, "GET", `/accounts/${pubkeyHex}`, undefined, opts);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** Posts signed txs (0x-hex SSZ) as {"txs": [...]}; returns the hashes the node acknowledged. */
export async function postTxs(base: string, txsHex: string[], opts?: RequestOptions): Promise<{ hashes: string[] }> {
  const res = await apiRequest<{ hashes?: unknown }>(base, "POST", "/txs", { txs: txsHex }, opts);
  if (!Array.isArray(res.hashes)) throw new ApiError(200, "BAD_RESPONSE", "POST /txs: expected {hashes: [...]}");
  return { hashes: res.hashes as string[] };
}
