/**
 * The CLI's side of key files: where a key may be used from and what a directory holds. Reading,
 * writing and decrypting key files is `@baton/client`'s (keyFile.ts, keystore.ts), shared with
 * the devnet tools.
 */
import { readdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { isKeystoreJson, readKeyFileInfo, readKeyFileJson, type KeyFileInfo } from "@baton/client";
import { UsageError } from "./args.js";

/** The *.json files of a directory that are key files (others are skipped), sorted by name. */
export async function listKeyFiles(dir: string): Promise<{ infos: KeyFileInfo[]; skipped: { path: string; reason: string }[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".json")).sort();
  } catch (e) {
    throw new UsageError(`--dir ${dir}: cannot list it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const infos: KeyFileInfo[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const n of names) {
    const path = join(dir, n);
    try {
      infos.push(await readKeyFileInfo(path));
    } catch (e) {
      // JSON that is no key file at all (a genesis, a config) is not worth a line
      const json = await readKeyFileJson(path).catch(() => null);
      const looksLikeKey = isKeystoreJson(json) || (typeof json === "object" && json !== null && "bls" in json);
      if (looksLikeKey) skipped.push({ path, reason: (e as Error).message });
    }
  }
  return { infos, skipped };
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

/**
 * The devnet manifest a plaintext key may sit under: <devnet>/node<i>/key.json beside
 * <devnet>/devnet.json (@baton/devnet's layout.ts, MANIFEST_FILE).
 */
export const DEVNET_MANIFEST_FILE = "devnet.json";

/** True if the key file lies in a devnet directory (where plaintext keys are expected). */
export async function isInDevnetDir(keyPath: string): Promise<boolean> {
  return fileExists(join(dirname(dirname(keyPath)), DEVNET_MANIFEST_FILE));
}
