/**
 * Slashing-protection interchange through the real store (issue 11): records written by the
 * repository in a level dir are exported, imported into a fresh dir, and the producer's check
 * (`claimSlot`) there refuses every slot at or below the imported one; an older file imported
 * into a dir with a newer record keeps the newer.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { BatonDb, DbError, DbErrorCode } from "../../src/db/index.js";
import {
  buildInterchange,
  checkInterchangeChain,
  formatInterchange,
  MergeOutcome,
  parseInterchangeText,
} from "../../src/db/protectionInterchange.js";

const CHAIN = { genesisRoot: `0x${"5e".repeat(32)}`, chainId: 31337 };
const pubkey = (fill: number): Uint8Array => new Uint8Array(48).fill(fill);
const pubkeyHex = (fill: number): string => `0x${fill.toString(16).padStart(2, "0").repeat(48)}`;

const test = suite("slashing protection interchange (level store)");
let root = "";

test.before.each(() => {
  root = mkdtempSync(join(tmpdir(), "baton-protection-test-"));
});
test.after.each(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Opens a store, runs `work`, closes it. */
async function withDb<R>(dir: string, work: (db: BatonDb) => Promise<R>): Promise<R> {
  const db = await BatonDb.open(dir);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

async function assertRefused(claim: Promise<unknown>, what: string): Promise<void> {
  try {
    await claim;
  } catch (e) {
    assert.instance(e, DbError);
    assert.is((e as DbError).code, DbErrorCode.SLASHING_PROTECTION, what);
    return;
  }
  assert.unreachable(`${what}: expected a slashing-protection refusal`);
}

/** The file of a store's records. */
const exportText = (dir: string): Promise<string> =>
  withDb(dir, async (db) => formatInterchange(buildInterchange(CHAIN, await db.slashing.exportWatermarks())));

test("export from one dir, import into a fresh one: the producer's check refuses every slot up to the watermark", async () => {
  const oldDir = join(root, "old");
  await withDb(oldDir, async (db) => {
    for (const slot of [3, 40, 120]) await db.slashing.claimSlot(pubkey(0xa1), slot);
    await db.slashing.claimSlot(pubkey(0xb2), 77);
    await db.meta.put("unrelated", new Uint8Array(4)); // other buckets are not records
  });
  const text = await exportText(oldDir);
  const parsed = parseInterchangeText(text);
  checkInterchangeChain(parsed, CHAIN);
  assert.equal(parsed.watermarks, [{ pubkey: pubkeyHex(0xa1), slot: 120 }, { pubkey: pubkeyHex(0xb2), slot: 77 }]);

  const newDir = join(root, "new");
  const changes = await withDb(newDir, (db) => db.slashing.importWatermarks(parsed.watermarks));
  assert.equal(changes.map((change) => change.outcome), [MergeOutcome.added, MergeOutcome.added]);

  // reopened (as a node would): the record survived, and the producer-side check holds
  await withDb(newDir, async (db) => {
    assert.is(await db.slashing.getLastSignedSlot(pubkey(0xa1)), 120);
    for (const slot of [0, 119, 120]) await assertRefused(db.slashing.claimSlot(pubkey(0xa1), slot), `key a1 slot ${slot}`);
    for (const slot of [50, 77]) await assertRefused(db.slashing.claimSlot(pubkey(0xb2), slot), `key b2 slot ${slot}`);
    await db.slashing.claimSlot(pubkey(0xa1), 121);
    await db.slashing.claimSlot(pubkey(0xb2), 78);
    await db.slashing.claimSlot(pubkey(0xc3), 1); // a key the file does not list: no record, may sign
  });
  assert.equal(parseInterchangeText(await exportText(newDir)).watermarks.map((mark) => mark.slot), [121, 78, 1]);
});

test("an older file into a dir with a newer record keeps the newer; a newer file raises it", async () => {
  const dir = join(root, "node");
  const older = formatInterchange(buildInterchange(CHAIN, [{ pubkey: pubkeyHex(0xa1), slot: 250 }, { pubkey: pubkeyHex(0xb2), slot: 10 }]));
  await withDb(dir, async (db) => {
    await db.slashing.claimSlot(pubkey(0xa1), 300);
    await db.slashing.claimSlot(pubkey(0xb2), 10);
  });
  const changes = await withDb(dir, (db) => db.slashing.importWatermarks(parseInterchangeText(older).watermarks));
  assert.equal(
    changes.map((change) => [change.outcome, change.existing, change.result]),
    [
      [MergeOutcome.kept, 300, 300],
      [MergeOutcome.unchanged, 10, 10],
    ],
  );
  await withDb(dir, async (db) => {
    assert.is(await db.slashing.getLastSignedSlot(pubkey(0xa1)), 300);
    await assertRefused(db.slashing.claimSlot(pubkey(0xa1), 299), "slot between the file's and the record's");
    const raised = await db.slashing.importWatermarks([{ pubkey: pubkeyHex(0xa1), slot: 400 }]);
    assert.equal([raised[0].outcome, raised[0].existing, raised[0].result], [MergeOutcome.raised, 300, 400]);
    await assertRefused(db.slashing.claimSlot(pubkey(0xa1), 400), "the raised watermark");
  });
});

test("an import waits for a claim in flight and never lowers what it recorded", async () => {
  await withDb(join(root, "busy"), async (db) => {
    const claim = db.slashing.claimSlot(pubkey(0xa1), 500);
    const imported = db.slashing.importWatermarks([{ pubkey: pubkeyHex(0xa1), slot: 450 }]);
    await claim;
    assert.equal((await imported).map((change) => [change.outcome, change.result]), [[MergeOutcome.kept, 500]]);
    assert.is(await db.slashing.getLastSignedSlot(pubkey(0xa1)), 500);
  });
});

test.run();
