/**
 * Range sync's import (chain/rangeImport.ts) over a real level store: a chunk's BLS
 * signatures are checked together, and a bad one among them is still found: the batches
 * before it are imported, the bad one and those after it are not.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BatchError, BatchErrorCode, buildBatch, encodeSignedBatch, getEffectiveLeader, headerRoot, makeUserTx, processSlots, signBatchHeader, type SignedBatch, type State } from "@baton/core";
import { blsKey, makeTestChain, resign } from "@baton/core/testing";
import { pino } from "pino";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Chain } from "../../src/chain/index.js";
import { BatonDb } from "../../src/db/index.js";
import { Mempool } from "../../src/mempool/index.js";

const test = suite("chain: range import with signatures checked together");
const fixture = makeTestChain({ sequencers: 4, users: 2, config: { slotsPerEpoch: 8, genesisTime: 0 } });
const config = fixture.config;
const LENGTH = 150; // more than two of range import's parts (RANGE_PART = 64)

/** A valid chain of LENGTH batches from genesis, one per slot. */
function buildChain(): SignedBatch[] {
  const batches: SignedBatch[] = [];
  let state: State = fixture.state;
  let parentRoot = fixture.root;
  for (let slot = 1; slot <= LENGTH; slot++) {
    const proposerIndex = getEffectiveLeader(processSlots(state, slot, config), config, slot);
    const built = buildBatch(state, config, { slot, proposerIndex, parentRoot, candidateTxs: [], blsKey: fixture.seqKeys[proposerIndex] });
    batches.push(built.batch);
    state = built.state;
    parentRoot = headerRoot(built.batch.header);
  }
  return batches;
}
const batches = buildChain();
const items = (list: SignedBatch[]) => list.map((batch) => ({ batch, bytes: encodeSignedBatch(batch) }));

let dir = "";
let db: BatonDb;
let chain: Chain;

test.before.each(async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-range-"));
  db = await BatonDb.open(join(dir, "db"));
  const mempool = new Mempool({ chainId: config.chainId, maxSize: 100, minFee: config.minFee, maxPayloadBytes: config.maxPayloadBytes }, { metrics: null });
  chain = await Chain.init(fixture.genesis, { db, mempool, metrics: null, logger: pino({ level: "silent" }) });
});
test.after.each(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a valid range is imported whole; importing it again imports nothing and still connects", async () => {
  const result = await chain.importRange(items(batches), "sync");
  assert.equal(result, { imported: LENGTH, connected: true });
  assert.is(chain.getHead().height, LENGTH);
  assert.equal(await chain.importRange(items(batches.slice(LENGTH - 2)), "sync"), { imported: 0, connected: true });
});

for (const bad of [17, 100]) test(`a header signed by another key at height ${bad + 1} (part ${Math.floor(bad / 64) + 1}): the batches before it are imported, it and the rest refused (BAD_SIGNATURE)`, async () => {
  const forged = [...batches];
  // the same header, signed by a key that is not the proposer's
  forged[bad] = { ...batches[bad], signature: signBatchHeader(batches[bad].header, blsKey("mallory")) };
  try {
    await chain.importRange(items(forged), "sync");
    assert.unreachable("a forged signature was accepted");
  } catch (e) {
    if (!(e instanceof BatchError)) throw e;
    assert.is(e.code, BatchErrorCode.BAD_SIGNATURE);
    assert.match(e.message, `height ${bad + 1}`);
  }
  assert.is(chain.getHead().height, bad, "the batches before the bad one are in");
});


test("a tx with a forged signature inside a range is still caught (INVALID_TX): tx signatures are checked in sync too", async () => {
  // a batch with one user tx, then the same batch with the tx's signature forged (tx root and header re-signed to match)
  const slot = 1;
  const proposerIndex = getEffectiveLeader(processSlots(fixture.state, slot, config), config, slot);
  const tx = makeUserTx(config.chainId, fixture.users[0], { nonce: 0, fee: 1n, payload: new Uint8Array([1]) });
  const built = buildBatch(fixture.state, config, { slot, proposerIndex, parentRoot: fixture.root, candidateTxs: [tx], blsKey: fixture.seqKeys[proposerIndex] });
  assert.is(built.batch.txs.length, 1);
  const forgedTx = { ...tx, signature: new Uint8Array(64).fill(9) };
  const forged = resign(built.batch, fixture.seqKeys[proposerIndex], {}, [forgedTx]);
  try {
    await chain.importRange(items([forged]), "sync");
    assert.unreachable("a forged tx signature was accepted");
  } catch (e) {
    if (!(e instanceof BatchError)) throw e;
    assert.is(e.code, BatchErrorCode.INVALID_TX);
  }
  assert.is(chain.getHead().height, 0);
});

test("a range that does not connect (its first parent unknown) imports nothing and says so", async () => {
  const result = await chain.importRange(items(batches.slice(5, 15)), "sync");
  assert.equal(result, { imported: 0, connected: false });
  assert.is(chain.getHead().height, 0);
});

test.run();
