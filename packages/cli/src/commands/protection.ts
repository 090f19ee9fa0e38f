/**
 * `baton keys export-protection|import-protection` (issue 11): move a sequencer key's
 * slashing-protection record (the highest slot it signed) between data dirs and machines in
 * Baton's interchange file (@baton/node's protectionInterchange.ts: EIP-3076's shape adapted
 * to slots). Both open the node's store only while no node runs on it (a running node holds
 * its level lock: "stop the node first") and hold the keys' locks (keyLock.ts) meanwhile.
 * An import only raises a key's record (max of both), never lowers it, and refuses a file
 * or a data dir of another chain.
 */
import { existsSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createGenesisState, genesisRoot, toHex } from "@baton/core";
import type { BatonDb, InterchangeChain, KeyWatermark } from "@baton/node";
import { optStr, str, UsageError, type FlagSpec, type FlagValues } from "../args.js";
import type { Command, Io } from "../command.js";
import { readGenesisFile } from "../genesisFile.js";
import { acquireKeyLock, type KeyLock } from "../keyLock.js";

type NodeLib = typeof import("@baton/node");

const storeFlags: Record<string, FlagSpec> = {
  "data-dir": { type: "string", valueName: "dir", help: "the node's data dir (its store is <dir>/db); stop the node first", required: true },
  genesis: { type: "string", valueName: "file", help: "the chain's genesis file (a file or data dir of another chain is refused)", required: true },
};

/** The chain of a genesis file: its genesis root and chain id. */
async function chainOfGenesis(path: string): Promise<InterchangeChain> {
  const genesis = await readGenesisFile(path);
  return { genesisRoot: toHex(genesisRoot(genesis.config, createGenesisState(genesis))), chainId: genesis.config.chainId };
}

/** Opens `<dataDir>/db`; a running node's lock becomes "stop the node first". */
async function openStore(lib: NodeLib, dataDir: string, command: string, mustExist: boolean): Promise<BatonDb> {
  const storeDir = join(dataDir, "db");
  if (mustExist && !existsSync(join(storeDir, "CURRENT"))) {
    throw new UsageError(`--data-dir ${dataDir}: no node store there (${storeDir} holds no database); expected the data dir of a node that has run`);
  }
  try {
    return await lib.BatonDb.open(storeDir);
  } catch (e) {
    if (e instanceof lib.DbError && e.code === lib.DbErrorCode.LOCKED) {
      throw new UsageError(`--data-dir ${dataDir}: a node is running on it (its store ${storeDir} is locked): stop the node first, then run baton ${command} again`);
    }
    if (e instanceof lib.DbError) throw new UsageError(`--data-dir ${dataDir}: ${e.message}`);
    throw e;
  }
}

/** Refuses a data dir whose chain (its stored genesis root) is not the genesis file's. */
async function checkStoreChain(lib: NodeLib, db: BatonDb, chain: InterchangeChain, dataDir: string, genesisPath: string): Promise<void> {
  const stored = await db.meta.get(lib.MetaKey.genesisRoot);
  if (stored !== null && toHex(stored) !== chain.genesisRoot) {
    throw new UsageError(
      `--data-dir ${dataDir} belongs to another chain: its genesis root is ${toHex(stored)}, --genesis ${genesisPath} has ${chain.genesisRoot}; refusing it`,
    );
  }
}

/** Takes the key lock of every key (a node running with one of them is refused); resolves with "release them all". */
async function lockKeys(pubkeys: readonly string[], dataDir: string, command: string, io: Io): Promise<() => Promise<void>> {
  const locks: KeyLock[] = [];
  const releaseAll = async () => {
    for (const lock of locks.splice(0).reverse()) await lock.release();
  };
  try {
    for (const pubkey of pubkeys) {
      const lock = await acquireKeyLock(pubkey, { dataDir, keyFile: `(baton ${command})` });
      locks.push(lock);
      if (lock.replaced) io.err(`note: took over a stale key lock of pid ${lock.replaced.pid} (that process is gone)`);
    }
  } catch (e) {
    await releaseAll();
    throw e;
  }
  return releaseAll;
}

/** Runs `work` on the open store, with the keys locked, and closes everything after. */
async function withStore<R>(
  lib: NodeLib,
  target: { dataDir: string; genesisPath: string; chain: InterchangeChain; command: string; mustExist: boolean },
  keysOf: (db: BatonDb) => Promise<readonly string[]>,
  work: (db: BatonDb) => Promise<R>,
  io: Io,
): Promise<R> {
  const db = await openStore(lib, target.dataDir, target.command, target.mustExist);
  try {
    await checkStoreChain(lib, db, target.chain, target.dataDir, target.genesisPath);
    const release = await lockKeys(await keysOf(db), target.dataDir, target.command, io);
    try {
      return await work(db);
    } finally {
      await release();
    }
  } finally {
    await db.close();
  }
}

/** Writes `text` to `path` through a temporary file and a rename (never a half-written file). */
async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text, { mode: 0o644 });
    await rename(temporary, path);
  } catch (e) {
    await rm(temporary, { force: true });
    throw new UsageError(`--out ${path}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** The paths of the two store flags, resolved. */
function storePaths(values: FlagValues): { dataDir: string; genesisPath: string } {
  return { dataDir: resolve(str(values, "data-dir")), genesisPath: resolve(str(values, "genesis")) };
}

/** `0xb88d238e5c7467ad… slot 120, …` */
function describeMarks(lib: NodeLib, marks: readonly KeyWatermark[]): string {
  return marks.map((mark) => `${lib.shortPubkey(mark.pubkey)} slot ${mark.slot}`).join(", ");
}

export const keysExportProtection: Command = {
  spec: {
    name: "keys export-protection",
    summary: "write a data dir's slashing-protection record (highest slot signed per key) as a JSON file",
    flags: {
      ...storeFlags,
      out: { type: "string", valueName: "file", help: "where to write the file (replaced if it exists); default: stdout" },
    },
    notes: [
      "The node on --data-dir must be stopped. Format: docs/operators.md, section 8",
      '({"metadata": {"interchange_format_version": "baton-1", "genesis_root", "chain_id"}, "data": [{"pubkey", "signed_batches": [{"slot"}]}]}).',
    ],
  },
  async run(values, io) {
    const { dataDir, genesisPath } = storePaths(values);
    const out = optStr(values, "out");
    const chain = await chainOfGenesis(genesisPath);
    const lib = await import("@baton/node");
    const target = { dataDir, genesisPath, chain, command: "keys export-protection", mustExist: true };
    let marks: KeyWatermark[] = [];
    const keysOf = async (db: BatonDb) => {
      marks = await db.slashing.exportWatermarks();
      return marks.map((mark) => mark.pubkey);
    };
    const text = await withStore(lib, target, keysOf, async () => lib.formatInterchange(lib.buildInterchange(chain, marks)), io);
    if (out !== undefined) await writeFileAtomic(resolve(out), text);
    else io.out(text.trimEnd());
    const what = marks.length === 0 ? "no key has signed a batch from this data dir" : describeMarks(lib, marks);
    io.err(`export-protection: ${marks.length} key${marks.length === 1 ? "" : "s"} of chain ${chain.chainId} from ${dataDir} to ${out === undefined ? "stdout" : resolve(out)}: ${what}`);
    return 0;
  },
};

/** Reads and validates an interchange file for `chain`; every problem is a UsageError naming --file and the field. */
async function readInterchangeFile(lib: NodeLib, path: string, chain: InterchangeChain): Promise<KeyWatermark[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new UsageError(`--file ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const parsed = lib.parseInterchangeText(text);
    lib.checkInterchangeChain(parsed, chain);
    return parsed.watermarks;
  } catch (e) {
    if (e instanceof lib.InterchangeError) throw new UsageError(`--file ${path}: ${e.message}`);
    throw e;
  }
}

export const keysImportProtection: Command = {
  spec: {
    name: "keys import-protection",
    summary: "raise a data dir's slashing-protection record from a file of export-protection (never lowers it)",
    flags: {
      ...storeFlags,
      file: { type: "string", valueName: "file", help: "the file baton keys export-protection wrote", required: true },
    },
    notes: [
      "The node on --data-dir must be stopped; a fresh data dir is fine (its store is created).",
      "Per key the record becomes the higher of the two slots: a lower slot in the file leaves the record as it is.",
    ],
  },
  async run(values, io) {
    const { dataDir, genesisPath } = storePaths(values);
    const file = resolve(str(values, "file"));
    const chain = await chainOfGenesis(genesisPath);
    const lib = await import("@baton/node");
    const marks = await readInterchangeFile(lib, file, chain);
    const target = { dataDir, genesisPath, chain, command: "keys import-protection", mustExist: false };
    const keysOf = async () => marks.map((mark) => mark.pubkey);
    const changes = await withStore(lib, target, keysOf, (db) => db.slashing.importWatermarks(marks), io);
    const what = changes.length === 0 ? "the file lists no signed batch" : changes.map((change) => lib.describeChange(change)).join(", ");
    io.err(`import-protection: ${changes.length} key${changes.length === 1 ? "" : "s"} of chain ${chain.chainId} into ${dataDir}: ${what}`);
    return 0;
  },
};
