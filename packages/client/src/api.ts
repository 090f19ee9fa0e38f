/**
 * A small client for a node's JSON API (used by `baton tx`, `baton status` and the devnet's
 * status line and load generator). The shapes are @baton/api's (the node serves the same
 * definitions). Errors of the API ({"error": {"code", "message"}}) become ApiError; an
 * unreachable node becomes ApiUnreachableError.
 */
import { ApiError, type Account, type NodeStatus, type SequencerInfo } from "@baton/api";

export type { Account, BlockRef, NodeStatus, Schedule, SequencerInfo, SubmitTxsResult, TxStatus } from "@baton/api";
export { ApiError } from "@baton/api";

/** An account as the client reads it (older nodes did not report nextNonce). */
export type AccountInfo = Pick<Account, "balance" | "nonce"> & Partial<Pick<Account, "nextNonce" | "exists">>;

/** The nonce a new tx from this account should use. */
export const nextNonceOf = (a: AccountInfo): number => (typeof a.nextNonce === "number" ? a.nextNonce : a.nonce);

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
  /** the node's API token (`baton start --api-token-file`), sent as `Authorization: Bearer`; POST /txs needs it when the node has one */
  token?: string | null;
}

export async function apiRequest<T>(base: string, method: "GET" | "POST", path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const url = base.replace(/\/+$/, "") + path;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      },
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
    throw new ApiError(err?.code ?? `HTTP_${res.status}`, `${method} ${path}: ${err?.message ?? (text.slice(0, 200) || res.statusText)}`, res.status);
  }
  if (json === undefined) throw new ApiError("BAD_RESPONSE", `${method} ${path}: expected JSON, got ${JSON.stringify(text.slice(0, 80))}`, res.status);
  return json as T;
}

export const getStatus = (base: string, opts?: RequestOptions) => apiRequest<NodeStatus>(base, "GET", "/status", undefined, opts);
export const getSequencers = (base: string, opts?: RequestOptions) =>
  apiRequest<SequencerInfo[]>(base, "GET", "/sequencers", undefined, opts);

/** The account's state, or null if the node has no account for this key. */
export async function getAccount(base: string, pubkeyHex: string, opts?: RequestOptions): Promise<AccountInfo | null> {
  try {
    const account = await apiRequest<AccountInfo>(base, "GET", `/accounts/${pubkeyHex}`, undefined, opts);
    return account.exists === false ? null : account;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** Posts signed txs (0x-hex SSZ) as {"txs": [...]}; returns the hashes the node acknowledged. */
export async function postTxs(base: string, txsHex: string[], opts?: RequestOptions): Promise<{ hashes: string[] }> {
  const res = await apiRequest<{ hashes?: unknown }>(base, "POST", "/txs", { txs: txsHex }, opts);
  if (!Array.isArray(res.hashes)) throw new ApiError("BAD_RESPONSE", "POST /txs: expected {hashes: [...]}", 200);
  return { hashes: res.hashes as string[] };
}
