/**
 * The flags every `baton tx` subcommand takes, and the converters of the tx flags: each
 * refuses a bad value with a message naming the flag and the form expected.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fromHex } from "@baton/core";
import { UsageError, type FlagSpec, type FlagValues } from "../../args.js";
import { PASSWORD_ENV, PASSWORD_FILE_ENV } from "../../password.js";

export const API_TOKEN_FILE_ENV = "BATON_API_TOKEN_FILE";

export const commonFlags: Record<string, FlagSpec> = {
  api: { type: "string", valueName: "url", help: "node API", default: "http://127.0.0.1:7001" },
  key: { type: "string", valueName: "file", help: "keystore (or plaintext devnet key file); its ed25519 account signs and pays", required: true },
  "password-file": { type: "string", valueName: "file", help: `keystore password file (or set ${PASSWORD_FILE_ENV} / ${PASSWORD_ENV}); also opens --signer keystores` },
  fee: { type: "string", valueName: "amount", help: "fee", default: "1" },
  nonce: { type: "string", valueName: "n", help: "account nonce (default: asked from the node)" },
  wait: { type: "boolean", help: "wait until the tx is in a batch (GET /txs/:hash), then print where and what it did" },
  "api-token-file": { type: "string", valueName: "file", help: `the node's API token, when it has one (baton start --api-token-file; or set ${API_TOKEN_FILE_ENV})` },
};

/** The API token from --api-token-file or $BATON_API_TOKEN_FILE (its first line), or null. */
export async function apiTokenOf(values: FlagValues, env: NodeJS.ProcessEnv): Promise<string | null> {
  const flag = typeof values["api-token-file"] === "string" ? (values["api-token-file"] as string) : undefined;
  const path = flag ?? env[API_TOKEN_FILE_ENV];
  if (path === undefined || path === "") return null;
  const where = flag !== undefined ? "--api-token-file" : API_TOKEN_FILE_ENV;
  let text: string;
  try {
    text = await readFile(resolve(path), "utf8");
  } catch (e) {
    throw new UsageError(`${where}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected the file holding the node's API token`);
  }
  const token = text.split("\n")[0].trim();
  if (token === "") throw new UsageError(`${where}: ${path} is empty; expected the node's API token on its first line`);
  return token;
}

/** --index: the key file's own sequencer. */
export const ownIndexFlag: FlagSpec = { type: "string", valueName: "i", help: "sequencer index (default: looked up by the key's BLS key)" };
/** --sequencer: the sequencer a tx is about (delegate to, evict). */
export const targetFlag = (help: string): FlagSpec => ({ type: "string", valueName: "i", help, required: true });
/** --genesis: optional, checks that the chain runs the kind's mechanism (and more, per kind) before sending. */
export const genesisFlag = (what: string): FlagSpec => ({ type: "string", valueName: "file", help: `the chain's genesis file (optional): ${what}` });

const MAX_U64 = (1n << 64n) - 1n;

/** A non-negative integer amount below 2^64, at least `min`. */
export function amountFlag(values: FlagValues, name: string, min = 0n): bigint {
  const raw = values[name];
  const got = JSON.stringify(raw ?? null);
  if (typeof raw !== "string" || !/^[0-9]+$/.test(raw)) {
    throw new UsageError(`--${name}: expected a non-negative integer amount (digits only, below 2^64), got ${got}`);
  }
  const value = BigInt(raw);
  if (value > MAX_U64) throw new UsageError(`--${name}: expected an amount below 2^64 (18446744073709551616), got ${got}`);
  if (value < min) throw new UsageError(`--${name}: expected an amount of at least ${min}, got ${got}`);
  return value;
}

/** A non-negative integer in [min, max]. */
export function intFlag(values: FlagValues, name: string, min: number, max: number, what = "an integer"): number {
  const raw = values[name];
  const value = typeof raw === "string" && /^[0-9]{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name}: expected ${what} in [${min}, ${max}], got ${JSON.stringify(raw ?? null)}`);
  }
  return value;
}

export const optIntFlag = (values: FlagValues, name: string, min: number, max: number, what?: string): number | undefined =>
  values[name] === undefined ? undefined : intFlag(values, name, min, max, what);

/** A sequencer index (0 … 65535). */
export const indexFlagValue = (values: FlagValues, name: string): number => intFlag(values, name, 0, 65_535, "a sequencer index");

/** An ed25519 account key: 0x and 64 hex digits. */
export function accountKeyFlag(values: FlagValues, name: string): Uint8Array {
  const raw = values[name];
  if (typeof raw === "string" && /^(0x)?[0-9a-fA-F]{64}$/.test(raw)) return fromHex(raw.startsWith("0x") ? raw : `0x${raw}`, 32);
  throw new UsageError(
    `--${name}: expected an ed25519 account key, 0x and 64 hex digits (\`baton keys list\` shows it as "account"), got ${JSON.stringify(raw ?? null)}`,
  );
}

/** A list of files: the flag holds one path or a comma-separated list. */
export function fileListFlag(values: FlagValues, name: string): string[] {
  const raw = values[name];
  const files = typeof raw === "string" ? raw.split(",").map((part) => part.trim()) : [];
  if (files.length === 0 || files.some((file) => file === "")) {
    throw new UsageError(`--${name}: expected a key file or a comma-separated list of key files, got ${JSON.stringify(raw ?? null)}`);
  }
  return files.map((file) => resolve(file));
}
