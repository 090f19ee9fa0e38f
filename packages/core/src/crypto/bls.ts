/**
 * Sequencer keys: BLS12-381, public keys in G1 (48 B), signatures in G2 (96 B), Ethereum's
 * proof-of-possession ciphersuite. Two interchangeable backends that produce byte-identical
 * signatures: @chainsafe/blst (native, ~0.5 ms per op) when it loads, else @noble/curves
 * (pure JS, ~16-27 ms per op). Decoded public keys are cached.
 */
import { createRequire } from "node:module";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { sha256 } from "./hash.js";

export const BLS_DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/** One signature to check: `sig` by `pubkey` over `msg`. */
export interface BlsSignatureSet {
  pubkey: Uint8Array;
  msg: Uint8Array;
  sig: Uint8Array;
}

export interface BlsBackend {
  readonly name: "blst" | "noble";
  publicKey(secretKey: Uint8Array): Uint8Array;
  sign(secretKey: Uint8Array, msg: Uint8Array): Uint8Array;
  /** false for an invalid signature, and for malformed keys or signatures (never throws). */
  verify(pubkey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean;
  /**
   * true only if every set verifies (false if one is invalid or malformed; it does not say
   * which: bisect). blst checks them together with random weights, ~3.5x cheaper per
   * signature at 256 sets than one verify each (FACTS.md).
   */
  verifyMultiple(sets: BlsSignatureSet[]): boolean;
}

const noble = bls12_381.longSignatures;

export const nobleBackend: BlsBackend = {
  name: "noble",
  publicKey: (sk) => noble.getPublicKey(sk).toBytes(true),
  sign: (sk, msg) => noble.sign(noble.hash(msg, BLS_DST), sk).toBytes(true),
  verify(pk, msg, sig) {
    try {
      return noble.verify(sig, noble.hash(msg, BLS_DST), pk);
    } catch {
      return false;
    }
  },
  verifyMultiple(sets) {
    return sets.every((set) => nobleBackend.verify(set.pubkey, set.msg, set.sig));
  },
};

type Blst = typeof import("@chainsafe/blst");

function loadBlst(): BlsBackend | null {
  let blst: Blst;
  try {
    blst = createRequire(import.meta.url)("@chainsafe/blst") as Blst;
  } catch {
    return null;
  }
  const pkCache = new Map<string, InstanceType<Blst["PublicKey"]> | null>();
  const pk = (bytes: Uint8Array) => {
    const id = Buffer.from(bytes).toString("hex");
    let key = pkCache.get(id);
    if (key === undefined) {
      try {
        key = blst.PublicKey.fromBytes(bytes, true);
      } catch {
        key = null;
      }
      if (pkCache.size > 10_000) pkCache.clear();
      pkCache.set(id, key);
    }
    return key;
  };
  return {
    name: "blst",
    publicKey: (sk) => blst.SecretKey.fromBytes(sk).toPublicKey().toBytes(true),
    sign: (sk, msg) => blst.SecretKey.fromBytes(sk).sign(msg).toBytes(true),
    verify(pubkey, msg, sig) {
      const key = pk(pubkey);
      if (!key || sig.length !== 96) return false;
      try {
        return blst.verify(msg, key, blst.Signature.fromBytes(sig, true, true));
      } catch {
        return false;
      }
    },
    verifyMultiple(sets) {
      if (sets.length === 0) return true;
      const prepared: { msg: Uint8Array; pk: InstanceType<Blst["PublicKey"]>; sig: InstanceType<Blst["Signature"]> }[] = [];
      for (const set of sets) {
        const key = pk(set.pubkey);
        if (!key || set.sig.length !== 96) return false;
        try {
          prepared.push({ msg: set.msg, pk: key, sig: blst.Signature.fromBytes(set.sig, true, true) });
        } catch {
          return false;
        }
      }
      try {
        return blst.verifyMultipleAggregateSignatures(prepared);
      } catch {
        return false;
      }
    },
  };
}

let backend: BlsBackend = loadBlst() ?? nobleBackend;

export function getBlsBackend(): BlsBackend {
  return backend;
}
/** For tests and benchmarks: force a backend. */
export function setBlsBackend(b: BlsBackend): void {
  backend = b;
}

export interface BlsKeypair {
  secretKey: Uint8Array; // 32 bytes
  publicKey: Uint8Array; // 48 bytes, compressed G1
}

/** Derives a keypair from 32+ bytes of key material (EIP-2333 style keygen via noble). */
export function blsKeypairFromSeed(ikm: Uint8Array): BlsKeypair {
  if (ikm.length < 32) throw new Error(`BLS key material must be at least 32 bytes, got ${ikm.length}`);
  // noble's keygen takes exactly 48 bytes of seed; expand deterministically.
  const seed = new Uint8Array(48);
  seed.set(sha256(ikm, new Uint8Array([0])), 0);
  seed.set(sha256(ikm, new Uint8Array([1])).subarray(0, 16), 32);
  const { secretKey } = noble.keygen(seed);
  return { secretKey, publicKey: backend.publicKey(secretKey) };
}

export function blsSign(secretKey: Uint8Array, msg: Uint8Array): Uint8Array {
  return backend.sign(secretKey, msg);
}

export function blsVerify(pubkey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  return backend.verify(pubkey, msg, sig);
}

/** true only if every set verifies; see BlsBackend.verifyMultiple. */
export function blsVerifyMultiple(sets: BlsSignatureSet[]): boolean {
  return backend.verifyMultiple(sets);
}

/**
 * The index of the first set that does not verify, or -1 when all do: one multi-check, then
 * bisection (a bad set costs ~2 log2(n) multi-checks). Sets before the index are valid.
 */
export function firstInvalidSignatureSet(sets: BlsSignatureSet[]): number {
  if (blsVerifyMultiple(sets)) return -1;
  let from = 0;
  let to = sets.length; // the first invalid set is in [from, to)
  while (to - from > 1) {
    const middle = (from + to) >>> 1;
    if (blsVerifyMultiple(sets.slice(from, middle))) from = middle;
    else to = middle;
  }
  return from;
}
