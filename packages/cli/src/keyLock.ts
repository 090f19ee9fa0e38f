/**
 * One running node per sequencer key on a machine. Two nodes with one key would each sign
 * their leader slots from their own data dir, and the two batches of one slot are a proof of
 * equivocation that slashes the key. The data dir's slashing protection cannot see the other
 * node's signatures, so `baton start` also takes a lock named after the BLS public key, in
 * a machine-wide directory (BATON_KEY_LOCK_DIR, default <tmpdir>/baton-key-locks): a copy of
 * the key file under another path, or another data dir, is refused too.
 *
 * The lock is a file created with O_EXCL holding {pid, hostname, dataDir, keyFile, startedAt}.
 * A lock whose process is gone (a SIGKILLed node) is stale and taken over with a note.
 */
import { mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { unlinkSync, readFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "./args.js";

export const KEY_LOCK_DIR_ENV = "BATON_KEY_LOCK_DIR";

export interface KeyLockInfo {
  pid: number;
  hostname: string;
  dataDir: string;
  keyFile: string;
  startedAt: string;
}

export interface KeyLock {
  path: string;
  /** the stale lock this one replaced (its process was gone), if any */
  replaced: KeyLockInfo | null;
  release(): Promise<void>;
}

export class KeyInUseError extends UsageError {
  constructor(
    message: string,
    readonly holder: KeyLockInfo | null,
  ) {
    super(message);
    this.name = "KeyInUseError";
  }
}

export function keyLockDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[KEY_LOCK_DIR_ENV] || join(tmpdir(), "baton-key-locks");
}

/** True if a process with this pid exists (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function parseInfo(text: string): KeyLockInfo | null {
  try {
    const j = JSON.parse(text) as KeyLockInfo;
    return typeof j.pid === "number" && typeof j.hostname === "string" ? j : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock for `pubkeyHex` (0x + 96 hex chars). Throws KeyInUseError naming the holder
 * when a live process on this host, or any process on another host, holds it.
 */
export async function acquireKeyLock(
  pubkeyHex: string,
  info: { dataDir: string; keyFile: string },
  opts: { dir?: string; pid?: number; host?: string; isAlive?: (pid: number) => boolean } = {},
): Promise<KeyLock> {
  const dir = opts.dir ?? keyLockDir();
  const pid = opts.pid ?? process.pid;
  const host = opts.host ?? hostname();
  const isAlive = opts.isAlive ?? processAlive;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${pubkeyHex.replace(/^0x/, "").slice(0, 96)}.lock`);
  const mine: KeyLockInfo = { pid, hostname: host, dataDir: info.dataDir, keyFile: info.keyFile, startedAt: new Date().toISOString() };
  const text = JSON.stringify(mine) + "\n";
  let replaced: KeyLockInfo | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, text, { flag: "wx", mode: 0o600 });
      const release = async () => {
        process.off("exit", releaseSync);
        try {
          if (parseInfo(await readFile(path, "utf8"))?.pid === pid) await unlink(path);
        } catch {
          // already gone
        }
      };
      // last resort on a crash exit (not SIGKILL: that leaves a stale lock, taken over next time)
      const releaseSync = () => {
        try {
          if (parseInfo(readFileSync(path, "utf8"))?.pid === pid) unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.on("exit", releaseSync);
      return { path, replaced, release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let held: string;
    try {
      held = await readFile(path, "utf8");
    } catch {
      continue; // released meanwhile: try again
    }
    const holder = parseInfo(held);
    if (holder && holder.hostname !== host) {
      throw new KeyInUseError(
        `key ${pubkeyHex.slice(0, 18)}… is locked by a node on host ${holder.hostname} (pid ${holder.pid}, data dir ${holder.dataDir}); ` +
          `two nodes with one key would sign twice for one slot and be slashed. If that node is gone, delete ${path}`,
        holder,
      );
    }
    if (holder && holder.pid !== pid && isAlive(holder.pid)) {
      throw new KeyInUseError(
        `key ${pubkeyHex.slice(0, 18)}… is in use by another node (pid ${holder.pid}, data dir ${holder.dataDir}, key file ${holder.keyFile}, since ${holder.startedAt}): ` +
          `two nodes with one key would sign twice for one slot and be slashed; stop that node first (or delete ${path} if pid ${holder.pid} is not a baton node)`,
        holder,
      );
    }
    // stale (its process is gone) or unreadable: take it over, unless someone else just did
    try {
      if ((await readFile(path, "utf8")) === held) await unlink(path);
    } catch {
      // gone already
    }
    replaced = holder;
  }
  throw new KeyInUseError(`key ${pubkeyHex.slice(0, 18)}…: could not take the lock ${path} (another node is starting with this key?)`, null);
}
