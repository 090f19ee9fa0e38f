/**
 * The roots of a tx, computed once per tx object. A node hashes every tx's body several times
 * on its way (the hash for the mempool key, the signing root to verify it, the hash again for
 * the tx root when building or applying a batch, and again for the store's tx index): the
 * profiler showed SSZ hashing costing about as much as the ed25519 verification itself
 * (`baton bench`, docs/performance.md). The body root is the shared part: the tx hash is
 * sha256(bodyRoot ‖ signatureRoot) and the signing root is sha256(bodyRoot ‖ domain).
 *
 * Cached by object identity (WeakMap, freed with the tx). Txs are values: a tx object must not
 * be changed after it was hashed (the same rule as states, see state/draft.ts).
 */
import { digest64 } from "@chainsafe/persistent-merkle-tree";
import { ed25519Verify } from "../crypto/ed25519.js";
import { toHex } from "../crypto/hex.js";
import { computeDomain, verifyTxSignature } from "../signing.js";
import { txHash } from "../types/encoding.js";
import { DomainType } from "../types/enums.js";
import * as ssz from "../types/ssz.js";

interface Roots {
  body: Uint8Array;
  hash?: Uint8Array;
  hex?: string;
}

const cache = new WeakMap<ssz.Tx, Roots>();

const fieldNames = (t: { fieldsEntries: { fieldName: string }[] }) => t.fieldsEntries.map((f) => f.fieldName).join(",");
/**
 * The shortcuts below hold for these exact container shapes; if a type changes, fall back
 * to hashing the whole value (still cached per object).
 */
const SHAPES_KNOWN =
  fieldNames(ssz.Tx as unknown as { fieldsEntries: { fieldName: string }[] }) === "body,signature" &&
  fieldNames(ssz.SigningData as unknown as { fieldsEntries: { fieldName: string }[] }) === "objectRoot,domain" &&
  ssz.Tx.fields.signature === ssz.Bytes64;

function rootsOf(tx: ssz.Tx): Roots {
  let r = cache.get(tx);
  if (r === undefined) {
    r = { body: ssz.TxBody.hashTreeRoot(tx.body) };
    cache.set(tx, r);
  }
  return r;
}

/** = txHash(tx), computed once per tx object. */
export function txHashOf(tx: ssz.Tx): Uint8Array {
  const r = rootsOf(tx);
  if (r.hash === undefined) {
    const sig = tx.signature;
    r.hash =
      SHAPES_KNOWN && sig.length === 64 ? digest64(r.body, digest64(sig.subarray(0, 32), sig.subarray(32, 64))) : txHash(tx);
  }
  return r.hash;
}

/** = toHex(txHash(tx)) (0x, lower case), computed once per tx object. */
export function txHashHexOf(tx: ssz.Tx): string {
  const r = rootsOf(tx);
  r.hex ??= toHex(txHashOf(tx));
  return r.hex;
}

/**
 * Lets `tx` share the roots already computed for `known` when the two are equal value for
 * value (an imported batch's tx and the same tx this node holds in its mempool): a follower
 * then hashes each tx once, not once per copy. Returns whether `tx` now has roots.
 */
export function adoptTxRoots(tx: ssz.Tx, known: ssz.Tx): boolean {
  if (tx === known || cache.has(tx)) return true;
  const roots = cache.get(known);
  if (roots === undefined || !ssz.Tx.equals(tx, known)) return false;
  cache.set(tx, roots);
  return true;
}

/** = verifyTxSignature(chainId, tx), reusing the tx's cached body root. */
export function verifyTxSignatureOf(chainId: number, tx: ssz.Tx): boolean {
  if (!SHAPES_KNOWN) return verifyTxSignature(chainId, tx);
  const signingRoot = digest64(rootsOf(tx).body, computeDomain(chainId, DomainType.tx));
  return ed25519Verify(tx.body.sender, signingRoot, tx.signature);
}

