/** Field validators shared by chain config, genesis and mechanism params: each names the field. */
import { ConfigError } from "../errors.js";
import { fromHex } from "../crypto/hex.js";

export function intField(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new ConfigError(field, `an integer in [${min}, ${max}]`, v);
  }
  return v;
}

/** Accepts a bigint, a safe integer number, or a decimal string. */
export function parseAmount(v: unknown, field: string, min = 0n): bigint {
  let out: bigint | undefined;
  if (typeof v === "bigint") out = v;
  else if (typeof v === "number" && Number.isSafeInteger(v)) out = BigInt(v);
  else if (typeof v === "string" && /^[0-9]{1,20}$/.test(v)) out = BigInt(v);
  if (out === undefined || out < min || out >= 1n << 64n) {
    throw new ConfigError(field, `an amount: a non-negative integer (number or decimal string) >= ${min} and < 2^64`, v);
  }
  return out;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

export function hexField(v: unknown, field: string, len: number): Uint8Array {
  if (v instanceof Uint8Array && v.length === len) return v;
  try {
    return fromHex(v as string, len);
  } catch {
    throw new ConfigError(field, `0x-prefixed hex of ${len} bytes`, v);
  }
}

/** An object whose keys are all in `known` (else the first unknown key is named). */
export function objectField(v: unknown, field: string, known: readonly string[]): Record<string, unknown> {
  if (!isObject(v)) throw new ConfigError(field, `an object with fields ${known.join(", ")}`, v);
  for (const k of Object.keys(v)) {
    if (!known.includes(k)) throw new ConfigError(`${field}.${k}`, `no such field (known: ${known.join(", ")})`, v[k]);
  }
  return v;
}

export function oneOfField<T extends string>(v: unknown, field: string, values: readonly T[]): T {
  if (typeof v !== "string" || !values.includes(v as T)) throw new ConfigError(field, `one of ${values.join(", ")}`, v);
  return v as T;
}
