/**
 * Key files: the only module that reads or writes them (an encrypted keystore will replace
 * the format here, behind the same load/save functions).
 *
 * Version 1 is plain JSON, hex encoded, mode 0600:
 *   {"version":1, "bls":{"secretKey","publicKey"}, "ed25519":{"seed","publicKey"}}
 * The BLS key is the sequencer key (signs batches); the ed25519 key is its account
 * (controls stake, pays fees, signs txs).
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import {
  blsKeypairFromSeed,
  bytesEqual,
  ed25519FromSeed,
  fromHex,
  getBlsBackend,
  toHex,
  type BlsKeypair,
  type Ed25519Keypair,
} from "@baton/core";
import { UsageError } from "./args.js";

export const KEY_FILE_VERSION = 1;

export interface KeyFile {
  bls: BlsKeypair;
  ed25519: Ed25519Keypair;
}

/** Fresh keys from the OS random source. */
export function generateKeys(random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n))): KeyFile {
  return keysFromSeeds(random(32), random(32));
}

/** Deterministic keys (devnet, tests): a BLS key from `blsIkm`, an ed25519 key from `edSeed`. */
export function keysFromSeeds(blsIkm: Uint8Array, edSeed: Uint8Array): KeyFile {
  return { bls: blsKeypairFromSeed(blsIkm), ed25519: ed25519FromSeed(edSeed) };
}

export function keyFileToJson(k: KeyFile): Record<string, unknown> {
  return {
    version: KEY_FILE_VERSION,
    bls: { secretKey: toHex(k.bls.secretKey), publicKey: toHex(k.bls.publicKey) },
    ed25519: { seed: toHex(k.ed25519.secretKey), publicKey: toHex(k.ed25519.publicKey) },
  };
}

/** Parses and checks a key file's JSON; `source` names it in errors. */
export function keyFileFromJson(json: unknown, source: string): KeyFile {
  const bad = (field: string, expected: string) => new UsageError(`key file ${source}: ${field}: expected ${expected}`);
  const obj = (v: unknown): Record<string, unknown> | null =>
    typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  const root = obj(json);
  if (!root) throw bad("(file)", "a JSON object");
  if (root.version !== KEY_FILE_VERSION) throw bad("version", `${KEY_FILE_VERSION}`);
  const hex = (o: Record<string, unknown> | null, section: string, field: string, len: number): Uint8Array => {
    try {
      return fromHex((o ?? {})[field] as string, len);
    } catch {
      throw bad(`${section}.${field}`, `0x-prefixed hex of ${len} bytes`);
    }
  };
  const b = obj(root.bls);
  const e = obj(root.ed25519);
  const blsSecret = hex(b, "bls", "secretKey", 32);
  const blsPublic = hex(b, "bls", "publicKey", 48);
  const edSeed = hex(e, "ed25519", "seed", 32);
  const edPublic = hex(e, "ed25519", "publicKey", 32);

  let derived: Uint8Array;
  try {
    derived = getBlsBackend().publicKey(blsSecret);
  } catch {
    throw bad("bls.secretKey", "a valid BLS12-381 secret key");
  }
  if (!bytesEqual(derived, blsPublic)) throw bad("bls.publicKey", "the public key of bls.secretKey");
  const ed25519 = ed25519FromSeed(edSeed);
  if (!bytesEqual(ed25519.publicKey, edPublic)) throw bad("ed25519.publicKey", "the public key of ed25519.seed");
  return { bls: { secretKey: blsSecret, publicKey: blsPublic }, ed25519 };
}

/** Writes a key file with mode 0600; refuses to overwrite an existing file. */
export async function saveKeyFile(path: string, k: KeyFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, JSON.stringify(keyFileToJson(k), null, 2) + "\n", { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      throw new UsageError(`key file ${path} already exists: refusing to overwrite a key`);
    }
    throw e;
  }
}

export async function loadKeyFile(path: string): Promise<KeyFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new UsageError(`key file ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`key file ${path}: not valid JSON`);
  }
  return keyFileFromJson(json, path);
}

/** True if the file can be read by group or others (a warning for the user, not an error). */
export async function keyFileTooOpen(path: string): Promise<boolean> {
  const s = await stat(path);
  return (s.mode & 0o077) !== 0;
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
