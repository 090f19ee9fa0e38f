/**
 * Key files: the only module that reads or writes them (the `baton` CLI and the devnet tools
 * both go through it). Two formats, told apart by content:
 *
 * - the encrypted keystore (keystore.ts; `baton keys new`, `baton keys import`): what an
 *   operator runs a node with. Written with mode 0600, never overwritten.
 * - the plaintext devnet key file, version 1, hex, mode 0600:
 *     {"version":1, "bls":{"secretKey","publicKey"}, "ed25519":{"seed","publicKey"}}
 *   Written only by the devnet launcher and `baton genesis` (throwaway local networks).
 *   `baton start` accepts it only inside a devnet directory, or with --insecure-plaintext-key.
 *
 * The BLS key is the sequencer key (signs batches); the ed25519 key is its account
 * (controls stake, pays fees, signs txs).
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
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
import { KeyFileError, KeyFileErrorCode, KeystoreError, KeystoreErrorCode } from "./errors.js";
import {
  decryptKeystore,
  encryptKeystore,
  isKeystoreJson,
  parseKeystoreJson,
  type EncryptOptions,
  type KeystoreJson,
} from "./keystore.js";

/** Version of the plaintext devnet key file. */
export const KEY_FILE_VERSION = 1;

export interface KeyFile {
  bls: BlsKeypair;
  ed25519: Ed25519Keypair;
}

export enum KeyFileFormat {
  keystore = "keystore",
  plaintextDevnet = "plaintext-devnet",
}

/** Fresh keys from the OS random source. */
export function generateKeys(random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n))): KeyFile {
  return keysFromSeeds(random(32), random(32));
}

/** Deterministic keys (devnet, tests): a BLS key from `blsIkm`, an ed25519 key from `edSeed`. */
export function keysFromSeeds(blsIkm: Uint8Array, edSeed: Uint8Array): KeyFile {
  return { bls: blsKeypairFromSeed(blsIkm), ed25519: ed25519FromSeed(edSeed) };
}

// ---- the plaintext devnet key file ----

export function keyFileToJson(k: KeyFile): Record<string, unknown> {
  return {
    version: KEY_FILE_VERSION,
    bls: { secretKey: toHex(k.bls.secretKey), publicKey: toHex(k.bls.publicKey) },
    ed25519: { seed: toHex(k.ed25519.secretKey), publicKey: toHex(k.ed25519.publicKey) },
  };
}

/** Parses and checks a plaintext key file's JSON; `source` names it in errors. */
export function keyFileFromJson(json: unknown, source: string): KeyFile {
  const bad = (field: string, expected: string) => new KeyFileError(KeyFileErrorCode.INVALID_FIELD, `key file ${source}: ${field}: expected ${expected}`);
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

async function writeNewFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, text, { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      throw new KeyFileError(KeyFileErrorCode.EXISTS, `key file ${path} already exists: refusing to overwrite a key`);
    }
    throw e;
  }
}

/** Writes a PLAINTEXT devnet key file (mode 0600); refuses to overwrite. For devnets and tests only. */
export async function saveDevnetKeyFile(path: string, k: KeyFile): Promise<void> {
  await writeNewFile(path, JSON.stringify(keyFileToJson(k), null, 2) + "\n");
}

/**
 * The devnet launcher's and `baton genesis`'s writer (kept under this name for them): a
 * plaintext devnet key file. Operators' keys are written by saveKeystore.
 */
export const saveKeyFile = saveDevnetKeyFile;

// ---- the encrypted keystore ----

/** Encrypts `k` under `password` and writes it (mode 0600); refuses to overwrite. */
export async function saveKeystore(path: string, k: KeyFile, password: string, opts: EncryptOptions = {}): Promise<KeystoreJson> {
  const json = await encryptKeystore(
    { blsSecretKey: k.bls.secretKey, blsPublicKey: k.bls.publicKey, edSeed: k.ed25519.secretKey, edPublicKey: k.ed25519.publicKey },
    password,
    opts,
  );
  await writeNewFile(path, JSON.stringify(json, null, 2) + "\n");
  return json;
}

// ---- loading either format ----

export interface LoadOptions {
  /** asked only when the file is a keystore */
  password?: () => Promise<string>;
}

export interface LoadedKey {
  keys: KeyFile;
  format: KeyFileFormat;
}

/** A key file's JSON, either format; KeyFileError (UNREADABLE, NOT_JSON) names the file. */
export async function readKeyFileJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new KeyFileError(KeyFileErrorCode.UNREADABLE, `key file ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new KeyFileError(KeyFileErrorCode.NOT_JSON, `key file ${path}: not valid JSON`);
  }
}

/** Loads a keystore (decrypted with `opts.password()`) or a plaintext devnet key file. */
export async function loadKey(path: string, opts: LoadOptions = {}): Promise<LoadedKey> {
  const json = await readKeyFileJson(path);
  if (!isKeystoreJson(json)) return { keys: keyFileFromJson(json, path), format: KeyFileFormat.plaintextDevnet };
  parseKeystoreJson(json, path); // structure errors before asking for a password
  if (!opts.password) throw new KeystoreError(KeystoreErrorCode.NO_PASSWORD, `key file ${path} is an encrypted keystore and no password source was given`);
  const s = await decryptKeystore(json, await opts.password(), path);
  return {
    keys: { bls: { secretKey: s.blsSecretKey, publicKey: s.blsPublicKey }, ed25519: ed25519FromSeed(s.edSeed) },
    format: KeyFileFormat.keystore,
  };
}

/** loadKey(), keys only. */
export async function loadKeyFile(path: string, opts: LoadOptions = {}): Promise<KeyFile> {
  return (await loadKey(path, opts)).keys;
}

/** What `baton keys list` shows: public keys only, no password needed. */
export interface KeyFileInfo {
  path: string;
  format: KeyFileFormat;
  pubkey: string;
  account: string;
  kdf: string | null;
  description: string;
}

export async function readKeyFileInfo(path: string): Promise<KeyFileInfo> {
  const json = await readKeyFileJson(path);
  if (isKeystoreJson(json)) {
    const ks = parseKeystoreJson(json, path);
    return { path, format: KeyFileFormat.keystore, pubkey: "0x" + ks.pubkey, account: "0x" + ks.account, kdf: ks.crypto.kdf.function, description: ks.description };
  }
  const k = keyFileFromJson(json, path);
  return { path, format: KeyFileFormat.plaintextDevnet, pubkey: toHex(k.bls.publicKey), account: toHex(k.ed25519.publicKey), kdf: null, description: "" };
}
