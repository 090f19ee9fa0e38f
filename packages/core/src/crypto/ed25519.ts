/**
 * User tx keys: ed25519 through node:crypto (~10x faster than a JS implementation).
 * Deterministic and free of I/O; public keys are raw 32 bytes.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

const publicKeyCache = new Map<string, KeyObject | null>();
const PUBLIC_KEY_CACHE_MAX = 100_000;

function publicKeyObject(pubkey: Uint8Array): KeyObject | null {
  const id = Buffer.from(pubkey).toString("hex");
  let key = publicKeyCache.get(id);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pubkey]), format: "der", type: "spki" });
    } catch {
      key = null;
    }
    if (publicKeyCache.size >= PUBLIC_KEY_CACHE_MAX) publicKeyCache.clear();
    publicKeyCache.set(id, key);
  }
  return key;
}

export interface Ed25519Keypair {
  secretKey: Uint8Array; // 32-byte seed
  publicKey: Uint8Array; // 32 bytes
  keyObject: KeyObject;
}

export function ed25519FromSeed(seed: Uint8Array): Ed25519Keypair {
  if (seed.length !== 32) throw new Error(`ed25519 seed must be 32 bytes, got ${seed.length}`);
  const keyObject = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(keyObject).export({ format: "der", type: "spki" });
  return { secretKey: seed, publicKey: new Uint8Array(spki.subarray(SPKI_PREFIX.length)), keyObject };
}

export function ed25519Sign(key: Ed25519Keypair, msg: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, msg, key.keyObject));
}

export function ed25519Verify(pubkey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (pubkey.length !== 32 || sig.length !== 64) return false;
  const key = publicKeyObject(pubkey);
  if (!key) return false;
  try {
    return verify(null, msg, key, sig);
  } catch {
    return false;
  }
}
