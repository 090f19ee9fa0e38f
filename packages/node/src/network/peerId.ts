import {mkdir, readFile, writeFile} from "node:fs/promises";
import {dirname} from "node:path";
import {generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf} from "@libp2p/crypto/keys";
import type {PrivateKey} from "@libp2p/interface";

/**
 * Load the node's libp2p identity from `file` (protobuf-encoded private key), or create a
 * new Ed25519 key there (mode 0600, parent directories created) if the file does not exist.
 * A file that exists but does not decode to an Ed25519 key is an error: we never overwrite
 * an identity.
 */
export async function loadOrCreatePeerKey(file: string): Promise<PrivateKey> {
  const existing = await readKeyFile(file);
  if (existing !== null) return existing;

  const key = await generateKeyPair("Ed25519");
  await mkdir(dirname(file), {recursive: true});
  try {
    // "wx": fail if another process created the file meanwhile; then use theirs.
    await writeFile(file, privateKeyToProtobuf(key), {mode: 0o600, flag: "wx"});
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      const raced = await readKeyFile(file);
      if (raced !== null) return raced;
    }
    throw e;
  }
  return key;
}

async function readKeyFile(file: string): Promise<PrivateKey | null> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  let key: PrivateKey;
  try {
    key = privateKeyFromProtobuf(bytes);
  } catch (e) {
    throw new Error(`peer key file ${file} is not a protobuf-encoded libp2p private key`, {cause: e});
  }
  if (key.type !== "Ed25519") {
    throw new Error(`peer key file ${file} holds a ${key.type} key; expected Ed25519`);
  }
  return key;
}
