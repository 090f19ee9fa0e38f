/**
 * The two forms POST /txs accepts for one tx:
 * - hex: "0x<SSZ bytes of Tx>"
 * - JSON: {"sender": "0x<32 B>", "nonce": 0, "fee": "1", "kind": 0, "payload": "0x..", "signature": "0x<64 B>"}
 * A body is {"tx": <one>}, {"txs": [<many>]}, one tx, or an array of txs.
 */
import { decodeTx, fromHex, parseAmount, toHex, TX_KIND_NAMES, type Tx } from "@baton/core";
import { ApiError } from "@baton/api";

const MAX_TXS_PER_REQUEST = 10_000;

function bad(field: string, expected: string): never {
  throw new ApiError("INVALID_TX", `${field}: expected ${expected}`);
}

function hexField(v: unknown, field: string, len?: number): Uint8Array {
  try {
    return fromHex(v as string, len);
  } catch {
    return bad(field, len ? `0x hex of ${len} bytes` : "0x hex");
  }
}

export function parseTxJson(v: unknown, field: string): Tx {
  if (typeof v === "string") {
    const bytes = hexField(v, field);
    try {
      return decodeTx(bytes);
    } catch (e) {
      return bad(field, `SSZ bytes of a Tx (${(e as Error).message})`);
    }
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return bad(field, "a hex string or a tx object");
  const o = v as Record<string, unknown>;
  const nonce = o.nonce;
  if (typeof nonce !== "number" || !Number.isSafeInteger(nonce) || nonce < 0) bad(`${field}.nonce`, "a non-negative integer");
  let fee: bigint;
  try {
    fee = parseAmount(o.fee, `${field}.fee`);
  } catch {
    return bad(`${field}.fee`, "an amount (integer or decimal string)");
  }
  const kindNames = Object.entries(TX_KIND_NAMES);
  const kind =
    typeof o.kind === "number" ? o.kind : o.kind === undefined ? 0 : Number(kindNames.find(([, n]) => n === o.kind)?.[0] ?? NaN);
  if (!TX_KIND_NAMES[kind]) bad(`${field}.kind`, `one of ${kindNames.map(([k, n]) => `${k} (${n})`).join(", ")}`);
  return {
    body: {
      sender: hexField(o.sender, `${field}.sender`, 32),
      nonce: nonce as number,
      fee,
      kind,
      payload: o.payload === undefined ? new Uint8Array() : hexField(o.payload, `${field}.payload`),
    },
    signature: hexField(o.signature, `${field}.signature`, 64),
  };
}

export function parseTxsBody(body: unknown): Tx[] {
  let items: unknown[];
  if (Array.isArray(body)) items = body;
  else if (typeof body === "object" && body !== null && "txs" in body) {
    const txs = (body as { txs: unknown }).txs;
    if (!Array.isArray(txs)) bad("txs", "an array of txs");
    items = txs;
  } else if (typeof body === "object" && body !== null && "tx" in body) items = [(body as { tx: unknown }).tx];
  else items = [body];
  if (items.length === 0) bad("txs", "at least one tx");
  if (items.length > MAX_TXS_PER_REQUEST) bad("txs", `at most ${MAX_TXS_PER_REQUEST} txs per request`);
  return items.map((t, i) => parseTxJson(t, `txs[${i}]`));
}

export function txToJson(tx: Tx) {
  return {
    sender: toHex(tx.body.sender),
    nonce: tx.body.nonce,
    fee: tx.body.fee.toString(),
    kind: TX_KIND_NAMES[tx.body.kind] ?? tx.body.kind,
    payload: toHex(tx.body.payload),
    signature: toHex(tx.signature),
  };
}
