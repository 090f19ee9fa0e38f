/**
 * The encrypted keystore: one JSON file holding a sequencer's two secrets (the BLS sequencer
 * key and the ed25519 account seed), modelled on EIP-2335 (the Ethereum validator keystore)
 * and built only on node:crypto.
 *
 *   {
 *     "format": "baton-keystore", "version": 4,
 *     "description": "...", "uuid": "...", "path": "",
 *     "pubkey":  "<48-byte BLS public key, hex>",      public: `keys list` needs no password
 *     "account": "<32-byte ed25519 public key, hex>",
 *     "crypto": {
 *       "kdf":      {"function": "scrypt", "params": {"dklen": 64, "n": 262144, "r": 8, "p": 1, "salt": "<32 B>"}, "message": ""}
 *                 | {"function": "pbkdf2", "params": {"dklen": 64, "c": 262144, "prf": "hmac-sha256", "salt": "<32 B>"}, "message": ""},
 *       "checksum": {"function": "sha256", "params": {}, "message": "sha256(DK[32..64])"},
 *       "cipher":   {"function": "aes-256-gcm", "params": {"iv": "<12 B>", "tag": "<16 B>"}, "message": "<64 B ciphertext>"}
 *     }
 *   }
 *
 * Differences from EIP-2335, and why:
 * - the cipher is AES-256-GCM (authenticated) instead of AES-128-CTR; its key is DK[0..32] and
 *   its additional data binds the public fields (`pubkey`, `account`, `uuid`), so editing them
 *   is detected;
 * - the checksum is sha256(DK[32..64]), a password check that does not depend on the ciphertext:
 *   a checksum mismatch means a wrong password (or edited KDF parameters), while a checksum match
 *   followed by a GCM failure means the ciphertext, iv, tag or public fields were changed. So the
 *   two errors can be told apart, at no cost in brute-force resistance (both need the KDF).
 * - the plaintext is 64 bytes: BLS secret key (32) ‖ ed25519 seed (32).
 * Passwords are normalized as EIP-2335 says: NFKD, then C0, C1 and DEL control codes removed.
 */
import { createCipheriv, createDecipheriv, createHash, pbkdf2, randomBytes, randomUUID, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { bytesEqual, ed25519FromSeed, getBlsBackend } from "@baton/core";
import { KeystoreError, KeystoreErrorCode } from "./errors.js";

export const KEYSTORE_FORMAT = "baton-keystore";
export const KEYSTORE_VERSION = 4;
const DKLEN = 64;
const PLAINTEXT_BYTES = 64;

export type KdfName = "scrypt" | "pbkdf2";
export const KDF_NAMES: readonly KdfName[] = ["scrypt", "pbkdf2"];

export interface ScryptParams {
  dklen: number;
  n: number;
  r: number;
  p: number;
  salt: string;
}
export interface Pbkdf2Params {
  dklen: number;
  c: number;
  prf: "hmac-sha256";
  salt: string;
}

export interface KeystoreJson {
  format: typeof KEYSTORE_FORMAT;
  version: typeof KEYSTORE_VERSION;
  description: string;
  uuid: string;
  path: string;
  pubkey: string;
  account: string;
  crypto: {
    kdf: { function: "scrypt"; params: ScryptParams; message: "" } | { function: "pbkdf2"; params: Pbkdf2Params; message: "" };
    checksum: { function: "sha256"; params: Record<string, never>; message: string };
    cipher: { function: "aes-256-gcm"; params: { iv: string; tag: string }; message: string };
  };
}

/** What a keystore holds, as raw bytes. */
export interface KeystoreSecrets {
  blsSecretKey: Uint8Array;
  blsPublicKey: Uint8Array;
  edSeed: Uint8Array;
  edPublicKey: Uint8Array;
}

/** EIP-2335's defaults (n = c = 2^18): ~0.6 s (scrypt) / ~0.1 s (pbkdf2) per unlock on this project's machines. */
export const defaultKdfParams = {
  scrypt: { n: 1 << 18, r: 8, p: 1 },
  pbkdf2: { c: 1 << 18 },
};

export const MIN_PASSWORD_LENGTH = 8;

/** EIP-2335 password normalization: NFKD, then remove C0 (0x00-0x1F), DEL (0x7F) and C1 (0x80-0x9F). */
export function normalizePassword(password: string): Uint8Array {
  // eslint-disable-next-line no-control-regex
  const cleaned = password.normalize("NFKD").replace(/[\u0000-\u001f\u007f-\u009f]/g, "");
  return new TextEncoder().encode(cleaned);
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
function unhex(v: unknown, len: number | null, field: string, source: string): Buffer {
  const s = typeof v === "string" ? v.replace(/^0x/, "") : null;
  if (s === null || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s) || (len !== null && s.length !== len * 2)) {
    throw malformed(source, field, len === null ? "hex bytes" : `hex of ${len} bytes`);
  }
  return Buffer.from(s, "hex");
}
const malformed = (source: string, field: string, expected: string) =>
  new KeystoreError(KeystoreErrorCode.MALFORMED, `keystore ${source}: ${field}: expected ${expected}`);

function additionalData(pubkey: string, account: string, uuid: string): Buffer {
  return Buffer.from(`${KEYSTORE_FORMAT}:${pubkey.toLowerCase()}:${account.toLowerCase()}:${uuid}`, "utf8");
}

const scryptAsync = promisify(scrypt) as (pw: Uint8Array, salt: Uint8Array, len: number, opts: object) => Promise<Buffer>;
const pbkdf2Async = promisify(pbkdf2);

async function deriveKey(kdf: KeystoreJson["crypto"]["kdf"], password: Uint8Array): Promise<Buffer> {
  const salt = Buffer.from(kdf.params.salt, "hex");
  if (kdf.function === "scrypt") {
    const { n, r, p, dklen } = kdf.params;
    return scryptAsync(password, salt, dklen, { N: n, r, p, maxmem: 128 * n * r * p + 16 * 1024 * 1024 });
  }
  return pbkdf2Async(password, salt, kdf.params.c, kdf.params.dklen, "sha256");
}

export interface EncryptOptions {
  kdf?: KdfName;
  /** override the cost (tests use small values; never lower them for a real key) */
  kdfParams?: { n?: number; r?: number; p?: number; c?: number };
  description?: string;
  /** injected for deterministic tests */
  random?: (n: number) => Uint8Array;
  uuid?: string;
}

/** Encrypts the secrets under `password` (a string, normalized here). */
export async function encryptKeystore(secrets: KeystoreSecrets, password: string, opts: EncryptOptions = {}): Promise<KeystoreJson> {
  const pw = normalizePassword(password);
  if ([...new TextDecoder().decode(pw)].length < MIN_PASSWORD_LENGTH) {
    throw new KeystoreError(KeystoreErrorCode.WEAK_PASSWORD, `the keystore password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const random = opts.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const salt = hex(random(32));
  const kdfName = opts.kdf ?? "scrypt";
  const kdf: KeystoreJson["crypto"]["kdf"] =
    kdfName === "scrypt"
      ? {
          function: "scrypt",
          params: {
            dklen: DKLEN,
            n: opts.kdfParams?.n ?? defaultKdfParams.scrypt.n,
            r: opts.kdfParams?.r ?? defaultKdfParams.scrypt.r,
            p: opts.kdfParams?.p ?? defaultKdfParams.scrypt.p,
            salt,
          },
          message: "",
        }
      : { function: "pbkdf2", params: { dklen: DKLEN, c: opts.kdfParams?.c ?? defaultKdfParams.pbkdf2.c, prf: "hmac-sha256", salt }, message: "" };
  validateKdf(kdf, "(new)");
  const dk = await deriveKey(kdf, pw);
  const iv = random(12);
  const pubkey = hex(secrets.blsPublicKey);
  const account = hex(secrets.edPublicKey);
  const uuid = opts.uuid ?? randomUUID();
  const cipher = createCipheriv("aes-256-gcm", dk.subarray(0, 32), iv);
  cipher.setAAD(additionalData(pubkey, account, uuid));
  const plaintext = Buffer.concat([secrets.blsSecretKey, secrets.edSeed]);
  const message = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  plaintext.fill(0);
  return {
    format: KEYSTORE_FORMAT,
    version: KEYSTORE_VERSION,
    description: opts.description ?? "baton sequencer key (BLS) and account key (ed25519)",
    uuid,
    path: "",
    pubkey,
    account,
    crypto: {
      kdf,
      checksum: { function: "sha256", params: {}, message: hex(createHash("sha256").update(dk.subarray(32, 64)).digest()) },
      cipher: { function: "aes-256-gcm", params: { iv: hex(iv), tag: hex(cipher.getAuthTag()) }, message: hex(message) },
    },
  };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** True if `json` looks like a keystore (as opposed to a plaintext devnet key file). */
export function isKeystoreJson(json: unknown): boolean {
  return isObj(json) && (json.format === KEYSTORE_FORMAT || isObj(json.crypto));
}

const isPow2 = (n: number) => Number.isSafeInteger(n) && n > 1 && (n & (n - 1)) === 0;

function validateKdf(kdf: KeystoreJson["crypto"]["kdf"], source: string): void {
  const p = kdf.params as unknown as Record<string, unknown>;
  const int = (field: string, min: number, max: number): number => {
    const v = p[field];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) throw malformed(source, `crypto.kdf.params.${field}`, `an integer in [${min}, ${max}]`);
    return v;
  };
  if (int("dklen", DKLEN, DKLEN) !== DKLEN) throw malformed(source, "crypto.kdf.params.dklen", `${DKLEN}`);
  if (kdf.function === "scrypt") {
    const n = int("n", 2, 1 << 22);
    if (!isPow2(n)) throw malformed(source, "crypto.kdf.params.n", "a power of 2");
    const r = int("r", 1, 32);
    const pp = int("p", 1, 16);
    if (128 * n * r * pp > 2 ** 31) throw malformed(source, "crypto.kdf.params", "scrypt memory (128·n·r·p) under 2 GiB");
  } else {
    int("c", 1, 10_000_000);
    if (p.prf !== "hmac-sha256") throw malformed(source, "crypto.kdf.params.prf", '"hmac-sha256"');
  }
  unhex(p.salt, null, "crypto.kdf.params.salt", source);
  if (typeof p.salt !== "string" || p.salt.replace(/^0x/, "").length < 32) throw malformed(source, "crypto.kdf.params.salt", "hex of at least 16 bytes");
}

/** Checks the structure of a keystore (no password needed); `source` names it in errors. */
export function parseKeystoreJson(json: unknown, source: string): KeystoreJson {
  if (!isObj(json)) throw malformed(source, "(file)", "a JSON object");
  if (json.format !== KEYSTORE_FORMAT) throw malformed(source, "format", `"${KEYSTORE_FORMAT}"`);
  if (json.version !== KEYSTORE_VERSION) throw malformed(source, "version", `${KEYSTORE_VERSION}`);
  const pubkey = unhex(json.pubkey, 48, "pubkey", source);
  const account = unhex(json.account, 32, "account", source);
  if (typeof json.uuid !== "string" || json.uuid === "") throw malformed(source, "uuid", "a non-empty string");
  const c = json.crypto;
  if (!isObj(c) || !isObj(c.kdf) || !isObj(c.checksum) || !isObj(c.cipher)) throw malformed(source, "crypto", "an object with kdf, checksum and cipher");
  if (c.kdf.function !== "scrypt" && c.kdf.function !== "pbkdf2") throw malformed(source, "crypto.kdf.function", '"scrypt" or "pbkdf2"');
  if (!isObj(c.kdf.params)) throw malformed(source, "crypto.kdf.params", "an object");
  const kdf = c.kdf as KeystoreJson["crypto"]["kdf"];
  validateKdf(kdf, source);
  if (c.checksum.function !== "sha256") throw malformed(source, "crypto.checksum.function", '"sha256"');
  const checksum = unhex(c.checksum.message, 32, "crypto.checksum.message", source);
  if (c.cipher.function !== "aes-256-gcm") throw malformed(source, "crypto.cipher.function", '"aes-256-gcm"');
  const cp = isObj(c.cipher.params) ? c.cipher.params : {};
  const iv = unhex(cp.iv, 12, "crypto.cipher.params.iv", source);
  const tag = unhex(cp.tag, 16, "crypto.cipher.params.tag", source);
  const message = unhex(c.cipher.message, PLAINTEXT_BYTES, "crypto.cipher.message", source);
  const salt = unhex(kdf.params.salt, null, "crypto.kdf.params.salt", source);
  return {
    format: KEYSTORE_FORMAT,
    version: KEYSTORE_VERSION,
    description: typeof json.description === "string" ? json.description : "",
    uuid: json.uuid,
    path: typeof json.path === "string" ? json.path : "",
    pubkey: hex(pubkey),
    account: hex(account),
    crypto: {
      kdf: { ...kdf, params: { ...kdf.params, salt: hex(salt) } } as KeystoreJson["crypto"]["kdf"],
      checksum: { function: "sha256", params: {}, message: hex(checksum) },
      cipher: { function: "aes-256-gcm", params: { iv: hex(iv), tag: hex(tag) }, message: hex(message) },
    },
  };
}

/**
 * Decrypts a keystore. Throws KeystoreError: WRONG_PASSWORD (checksum mismatch), TAMPERED
 * (GCM authentication failed, or the public keys do not match the secrets), MALFORMED.
 */
export async function decryptKeystore(json: unknown, password: string, source: string): Promise<KeystoreSecrets> {
  const ks = parseKeystoreJson(json, source);
  const dk = await deriveKey(ks.crypto.kdf, normalizePassword(password));
  const checksum = createHash("sha256").update(dk.subarray(32, 64)).digest();
  if (!timingSafeEqual(checksum, Buffer.from(ks.crypto.checksum.message, "hex"))) {
    throw new KeystoreError(
      KeystoreErrorCode.WRONG_PASSWORD,
      `keystore ${source}: wrong password (the password check failed; if the password is right, the file's kdf parameters were changed)`,
    );
  }
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", dk.subarray(0, 32), Buffer.from(ks.crypto.cipher.params.iv, "hex"));
    decipher.setAAD(additionalData(ks.pubkey, ks.account, ks.uuid));
    decipher.setAuthTag(Buffer.from(ks.crypto.cipher.params.tag, "hex"));
    plaintext = Buffer.concat([decipher.update(Buffer.from(ks.crypto.cipher.message, "hex")), decipher.final()]);
  } catch {
    throw new KeystoreError(
      KeystoreErrorCode.TAMPERED,
      `keystore ${source}: the file was modified (authentication failed: the ciphertext, iv, tag, pubkey, account or uuid changed); restore it from a backup`,
    );
  }
  const blsSecretKey = new Uint8Array(plaintext.subarray(0, 32));
  const edSeed = new Uint8Array(plaintext.subarray(32, 64));
  plaintext.fill(0);
  let blsPublicKey: Uint8Array;
  try {
    blsPublicKey = getBlsBackend().publicKey(blsSecretKey);
  } catch {
    throw new KeystoreError(KeystoreErrorCode.TAMPERED, `keystore ${source}: the decrypted BLS secret key is invalid`);
  }
  const edPublicKey = ed25519FromSeed(edSeed).publicKey;
  if (!bytesEqual(blsPublicKey, Buffer.from(ks.pubkey, "hex")) || !bytesEqual(edPublicKey, Buffer.from(ks.account, "hex"))) {
    throw new KeystoreError(KeystoreErrorCode.TAMPERED, `keystore ${source}: pubkey or account does not match the encrypted secrets`);
  }
  return { blsSecretKey, blsPublicKey, edSeed, edPublicKey };
}
