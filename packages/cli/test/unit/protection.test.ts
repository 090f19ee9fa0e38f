/**
 * `baton keys export-protection|import-protection` (issue 11): the subcommands are registered
 * and parse, missing flags are named, and in-process against real level stores: export, import
 * into a fresh data dir, never lowering, a data dir or file of another chain refused, a store
 * in use refused ("stop the node first"), a key in use by a running node refused.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { keysFromSeeds } from "@baton/client";
import { genesisToJson } from "@baton/core";
import { BatonDb, MetaKey } from "@baton/node";
import { parseFlags } from "../../src/args.js";
import { buildGenesis, genesisCommand, genesisParamsFromFlags } from "../../src/commands/genesis.js";
import { KEY_LOCK_DIR_ENV } from "../../src/keyLock.js";
import { COMMANDS, resolveCommand } from "../../src/main.js";
import { baton } from "./txFakeNode.js";

const KEY_A = `0x${"a1".repeat(48)}`;
const pubkey = (fill: number): Uint8Array => new Uint8Array(48).fill(fill);

const test = suite("keys export-protection / import-protection");
let dir = "";
let savedLockDir: string | undefined;

/** A genesis file for chain `chainId`: its path. */
async function writeGenesis(name: string, chainId: number): Promise<string> {
  const values = parseFlags(genesisCommand.spec, ["--out-dir", "x", "--sequencers", "1", "--chain-id", String(chainId)]).values;
  const genesis = buildGenesis(genesisParamsFromFlags(values, 1_700_000_000_000), [keysFromSeeds(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2))], []);
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(genesisToJson(genesis)));
  return path;
}

/** Runs `work` on the store of a data dir. */
async function withStore<R>(dataDir: string, work: (db: BatonDb) => Promise<R>): Promise<R> {
  const db = await BatonDb.open(join(dataDir, "db"));
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-protection-cli-"));
  savedLockDir = process.env[KEY_LOCK_DIR_ENV];
  process.env[KEY_LOCK_DIR_ENV] = join(dir, "key-locks");
});
test.after(async () => {
  if (savedLockDir === undefined) delete process.env[KEY_LOCK_DIR_ENV];
  else process.env[KEY_LOCK_DIR_ENV] = savedLockDir;
  await rm(dir, { recursive: true, force: true });
});

test("both subcommands are registered under keys and their flags parse", () => {
  const keys = COMMANDS.keys as Record<string, unknown>;
  assert.ok("export-protection" in keys && "import-protection" in keys);
  const exported = resolveCommand(["keys", "export-protection", "--data-dir", "d", "--genesis", "g.json", "--out", "p.json"]);
  assert.ok("command" in exported);
  if ("command" in exported) assert.equal(parseFlags(exported.command.spec, exported.rest).values, { "data-dir": "d", genesis: "g.json", out: "p.json" });
  const imported = resolveCommand(["keys", "import-protection", "--data-dir", "d", "--genesis", "g.json", "--file", "p.json"]);
  assert.ok("command" in imported);
  if ("command" in imported) assert.is(parseFlags(imported.command.spec, imported.rest).values.file, "p.json");
});

const refusals: [string, string[], RegExp][] = [
  ["export without --data-dir", ["keys", "export-protection", "--genesis", "g.json"], /^baton: --data-dir is required: the node's data dir .*\(see baton keys export-protection --help\)$/],
  ["export without --genesis", ["keys", "export-protection", "--data-dir", "d"], /^baton: --genesis is required: the chain's genesis file/],
  ["import without --file", ["keys", "import-protection", "--data-dir", "d", "--genesis", "g.json"], /^baton: --file is required: the file baton keys export-protection wrote/],
  ["import without --data-dir", ["keys", "import-protection", "--genesis", "g.json", "--file", "p.json"], /^baton: --data-dir is required/],
  ["an unknown flag", ["keys", "export-protection", "--data-dir", "d", "--genesis", "g.json", "--file", "p.json"], /^baton: unknown flag --file for baton keys export-protection/],
  ["a genesis file that is not there", ["keys", "export-protection", "--data-dir", "d", "--genesis", "/nonexistent/g.json"], /^baton: genesis file \/nonexistent\/g.json: cannot read it \(ENOENT\)$/],
];

for (const [what, argv, message] of refusals) {
  test(`refused with a clear error: ${what}`, async () => {
    const result = await baton(argv);
    assert.is(result.code, 2, result.err);
    assert.match(result.err, message);
  });
}

test("export, import into a fresh data dir, and again: the record only goes up", async () => {
  const genesis = await writeGenesis("genesis.json", 31337);
  const oldDir = join(dir, "old");
  await withStore(oldDir, async (db) => {
    await db.slashing.claimSlot(pubkey(0xa1), 120);
    await db.slashing.claimSlot(pubkey(0xb2), 77);
  });
  const out = join(dir, "protection.json");
  const exported = await baton(["keys", "export-protection", "--data-dir", oldDir, "--genesis", genesis, "--out", out]);
  assert.is(exported.code, 0, exported.err);
  assert.is(exported.out, "");
  assert.match(exported.err, /^export-protection: 2 keys of chain 31337 from .*\/old to .*protection.json: 0xa1a1a1a1a1a1a1a1… slot 120, 0xb2b2b2b2b2b2b2b2… slot 77$/);
  const file = JSON.parse(await readFile(out, "utf8"));
  assert.is(file.metadata.interchange_format_version, "baton-1");
  assert.equal(file.data[0], { pubkey: KEY_A, signed_batches: [{ slot: "120" }] });
  const toStdout = await baton(["keys", "export-protection", "--data-dir", oldDir, "--genesis", genesis]);
  assert.equal(JSON.parse(toStdout.out), file);

  const newDir = join(dir, "new");
  const imported = await baton(["keys", "import-protection", "--data-dir", newDir, "--genesis", genesis, "--file", out]);
  assert.is(imported.code, 0, imported.err);
  assert.match(imported.err, /^import-protection: 2 keys of chain 31337 into .*\/new: 0xa1a1a1a1a1a1a1a1… slot 120 \(new\), 0xb2b2b2b2b2b2b2b2… slot 77 \(new\)$/);
  await withStore(newDir, async (db) => {
    assert.is(await db.slashing.getLastSignedSlot(pubkey(0xa1)), 120);
    await db.slashing.claimSlot(pubkey(0xa1), 130);
  });
  const again = await baton(["keys", "import-protection", "--data-dir", newDir, "--genesis", genesis, "--file", out]);
  assert.is(again.code, 0, again.err);
  assert.match(again.err, /0xa1a1a1a1a1a1a1a1… slot 130 \(kept: the file's 120 is lower, never lowered\), 0xb2b2b2b2b2b2b2b2… slot 77 \(unchanged\)$/);
  await withStore(newDir, async (db) => assert.is(await db.slashing.getLastSignedSlot(pubkey(0xa1)), 130));
});

test("a store in use is refused: stop the node first", async () => {
  const genesis = await writeGenesis("genesis-busy.json", 31337);
  const busy = join(dir, "busy");
  await withStore(busy, async () => {
    const result = await baton(["keys", "export-protection", "--data-dir", busy, "--genesis", genesis]);
    assert.is(result.code, 2);
    assert.match(result.err, /^baton: --data-dir .*\/busy: a node is running on it \(its store .*\/busy\/db is locked\): stop the node first, then run baton keys export-protection again$/);
  });
});

test("a data dir with no store, a data dir or a file of another chain, and a bad file are refused", async () => {
  const genesis = await writeGenesis("genesis-a.json", 31337);
  const otherGenesis = await writeGenesis("genesis-b.json", 5);
  const none = await baton(["keys", "export-protection", "--data-dir", join(dir, "nothing"), "--genesis", genesis]);
  assert.match(none.err, /^baton: --data-dir .*\/nothing: no node store there/);
  const chainDir = join(dir, "chain-b");
  await withStore(chainDir, (db) => db.meta.put(MetaKey.genesisRoot, new Uint8Array(32).fill(9)));
  const wrongDir = await baton(["keys", "export-protection", "--data-dir", chainDir, "--genesis", genesis]);
  assert.is(wrongDir.code, 2);
  assert.match(wrongDir.err, /belongs to another chain: its genesis root is 0x0909.*refusing it$/);

  const out = join(dir, "a.json");
  await withStore(join(dir, "a"), (db) => db.slashing.claimSlot(pubkey(0xa1), 3));
  assert.is((await baton(["keys", "export-protection", "--data-dir", join(dir, "a"), "--genesis", genesis, "--out", out])).code, 0);
  const unwritable = await baton(["keys", "export-protection", "--data-dir", join(dir, "a"), "--genesis", genesis, "--out", "/nonexistent/p.json"]);
  assert.match(unwritable.err, /^baton: --out \/nonexistent\/p.json: cannot write it \(ENOENT\)$/);
  const wrongFile = await baton(["keys", "import-protection", "--data-dir", join(dir, "b"), "--genesis", otherGenesis, "--file", out]);
  assert.is(wrongFile.code, 2);
  assert.match(wrongFile.err, /^baton: --file .*a.json: metadata.genesis_root: the file is for another chain/);
  await writeFile(join(dir, "bad.json"), JSON.stringify({ metadata: { interchange_format_version: "baton-1" }, data: [] }));
  const bad = await baton(["keys", "import-protection", "--data-dir", join(dir, "b"), "--genesis", genesis, "--file", join(dir, "bad.json")]);
  assert.match(bad.err, /^baton: --file .*bad.json: metadata.genesis_root: expected the chain's genesis root: 0x and 64 hex digits \(32 bytes\), got nothing$/);
});

test("a key in use by a running node (its key lock) is refused", async () => {
  const genesis = await writeGenesis("genesis-lock.json", 31337);
  const out = join(dir, "lock.json");
  await withStore(join(dir, "lock-old"), (db) => db.slashing.claimSlot(pubkey(0xa1), 9));
  assert.is((await baton(["keys", "export-protection", "--data-dir", join(dir, "lock-old"), "--genesis", genesis, "--out", out])).code, 0);
  const lockFile = join(dir, "key-locks", `${"a1".repeat(48)}.lock`);
  const holder = { pid: process.ppid, hostname: hostname(), dataDir: "/srv/other", keyFile: "/srv/key.json", startedAt: new Date(0).toISOString() };
  await writeFile(lockFile, JSON.stringify(holder));
  try {
    const result = await baton(["keys", "import-protection", "--data-dir", join(dir, "lock-new"), "--genesis", genesis, "--file", out]);
    assert.is(result.code, 2);
    assert.match(result.err, /^baton: key 0xa1a1a1a1a1a1a1a1… is in use by another node \(pid \d+, data dir \/srv\/other.*stop that node first/);
  } finally {
    await rm(lockFile, { force: true });
  }
});

test.run();
