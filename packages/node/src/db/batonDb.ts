import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { Level } from "level";
import { DbError, DbErrorCode } from "./errors.js";
import { BatchRepository } from "./repositories/batch.js";
import { CanonicalIndexRepository } from "./repositories/canonical.js";
import { MetaRepository } from "./repositories/meta.js";
import { SlashingProtectionRepository } from "./repositories/slashingProtection.js";
import { StateRepository } from "./repositories/state.js";
import { TxIndexRepository } from "./repositories/txIndex.js";
import type { LevelBatchOp, LevelDb } from "./types.js";

/**
 * Data dirs open in this process. LevelDB's LOCK file only guards against other processes,
 * and a second open attempt in the same process releases that lock (LevelDB closes its
 * descriptor for the LOCK file, and POSIX drops the process's fcntl lock with it), so a
 * second open here is refused before it reaches LevelDB.
 */
const openDirs = new Set<string>();

function lockedError(dir: string, cause?: unknown): DbError {
  return new DbError({ code: DbErrorCode.LOCKED, dir }, `data dir ${dir} is in use by another process`, { cause });
}

function isLockedError(e: unknown): boolean {
  for (let err = e as { code?: unknown; cause?: unknown } | undefined, i = 0; err && i < 5; err = err.cause as typeof err, i++) {
    if (err.code === "LEVEL_LOCKED") return true;
  }
  return false;
}

/** The node's store: one level instance, one repository per entity. */
export class BatonDb {
  readonly batches: BatchRepository;
  readonly canonical: CanonicalIndexRepository;
  readonly states: StateRepository;
  readonly meta: MetaRepository;
  readonly slashing: SlashingProtectionRepository;
  readonly txIndex: TxIndexRepository;
  private closed = false;

  private constructor(
    private readonly db: LevelDb,
    readonly dir: string,
  ) {
    this.batches = new BatchRepository(db);
    this.canonical = new CanonicalIndexRepository(db);
    this.states = new StateRepository(db);
    this.meta = new MetaRepository(db);
    this.slashing = new SlashingProtectionRepository(db);
    this.txIndex = new TxIndexRepository(db);
  }

  /**
   * Opens (creating if needed) the store in `dir`. Throws `DbError(LOCKED)` with the message
   * "data dir <dir> is in use by another process" when another process holds it.
   */
  static async open(dir: string): Promise<BatonDb> {
    const abs = resolve(dir);
    if (openDirs.has(abs)) {
      throw new DbError({ code: DbErrorCode.LOCKED, dir }, `data dir ${dir} is in use: already open in this process`);
    }
    openDirs.add(abs);
    try {
      await mkdir(abs, { recursive: true });
      const db: LevelDb = new Level<Uint8Array, Uint8Array>(abs, { keyEncoding: "view", valueEncoding: "view" });
      try {
        await db.open();
      } catch (e) {
        if (isLockedError(e)) throw lockedError(dir, e);
        const reason = (e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message;
        throw new DbError({ code: DbErrorCode.OPEN_FAILED, dir }, `cannot open data dir ${dir}: ${reason}`, { cause: e });
      }
      return new BatonDb(db, abs);
    } catch (e) {
      openDirs.delete(abs);
      throw e;
    }
  }

  /**
   * Applies all ops in one LevelDB write batch: either all of them land or none (a crash
   * mid-way leaves the store as before). `sync: true` also fsyncs before returning.
   */
  async writeAtomic(ops: LevelBatchOp[], options: { sync?: boolean } = {}): Promise<void> {
    if (ops.length === 0) return;
    await this.db.batch(ops, { sync: options.sync ?? false });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Idempotent. Waits for pending operations, then releases the data dir. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.db.close();
    } finally {
      openDirs.delete(this.dir);
    }
  }
}
