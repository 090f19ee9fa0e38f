/**
 * The slashing-protection interchange file (issue 11), pure: round trip, a bad field is named
 * with the form expected, a file of another chain is refused, and the merge rule only raises.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  buildInterchange,
  checkInterchangeChain,
  describeChange,
  formatInterchange,
  INTERCHANGE_FORMAT_VERSION,
  InterchangeError,
  InterchangeErrorCode,
  MergeOutcome,
  mergeWatermark,
  mergeWatermarks,
  parseInterchange,
  parseInterchangeText,
  type InterchangeFile,
} from "../../src/db/protectionInterchange.js";

const CHAIN = { genesisRoot: `0x${"ab".repeat(32)}`, chainId: 31337 };
const KEY_A = `0x${"a1".repeat(48)}`;
const KEY_B = `0x${"b2".repeat(48)}`;

const sample = (): InterchangeFile => buildInterchange(CHAIN, [{ pubkey: KEY_B, slot: 77 }, { pubkey: KEY_A, slot: 120 }]);

/** The InterchangeError `run` throws. */
function errorOf(run: () => unknown): InterchangeError {
  try {
    run();
  } catch (e) {
    assert.instance(e, InterchangeError);
    return e as InterchangeError;
  }
  return assert.unreachable("expected an InterchangeError") as never;
}

/** `sample()` changed by `edit`, then parsed: the error. */
const errorOfEdit = (edit: (file: Record<string, any>) => void): InterchangeError => {
  const file = JSON.parse(JSON.stringify(sample()));
  edit(file);
  return errorOf(() => parseInterchange(file));
};

const test = suite("protection interchange");

test("round trip: build, format, parse give the same chain and watermarks, keys sorted", () => {
  const text = formatInterchange(sample());
  assert.ok(text.endsWith("}\n"));
  const json = JSON.parse(text);
  assert.equal(json.metadata, { interchange_format_version: INTERCHANGE_FORMAT_VERSION, genesis_root: CHAIN.genesisRoot, chain_id: "31337" });
  assert.equal(json.data[0], { pubkey: KEY_A, signed_batches: [{ slot: "120" }] });
  const parsed = parseInterchangeText(text);
  assert.equal(parsed, { ...CHAIN, watermarks: [{ pubkey: KEY_A, slot: 120 }, { pubkey: KEY_B, slot: 77 }] });
  assert.equal(parseInterchange(buildInterchange(CHAIN, [])), { ...CHAIN, watermarks: [] });
});

test("parse: hex is lowercased, the highest of several batches and of a key listed twice counts, signing roots are accepted", () => {
  const file = {
    metadata: { interchange_format_version: "baton-1", genesis_root: CHAIN.genesisRoot.toUpperCase().replace("0X", "0x"), chain_id: "31337" },
    data: [
      { pubkey: KEY_A.toUpperCase().replace("0X", "0x"), signed_batches: [{ slot: "5" }, { slot: "90", signing_root: `0x${"cd".repeat(32)}` }, { slot: "12" }] },
      { pubkey: KEY_A, signed_batches: [{ slot: "40" }] },
      { pubkey: KEY_B, signed_batches: [] },
    ],
    extra: "ignored",
  };
  assert.equal(parseInterchange(file), { ...CHAIN, watermarks: [{ pubkey: KEY_A, slot: 90 }] });
});

const fieldErrors: [string, (file: Record<string, any>) => void, string, RegExp][] = [
  ["no metadata", (file) => delete file.metadata, "metadata", /^metadata: expected an object \{interchange_format_version, genesis_root, chain_id\}, got nothing$/],
  ["an EIP-3076 version", (file) => (file.metadata.interchange_format_version = "5"), "metadata.interchange_format_version", /expected "baton-1" \(an Ethereum EIP-3076 file\?.*got "5"$/],
  ["a short genesis root", (file) => (file.metadata.genesis_root = "0x1234"), "metadata.genesis_root", /^metadata.genesis_root: expected the chain's genesis root: 0x and 64 hex digits \(32 bytes\), got "0x1234"$/],
  ["a numeric chain id", (file) => (file.metadata.chain_id = 31337), "metadata.chain_id", /^metadata.chain_id: expected a decimal string such as "1234" \(at most 2\^53 - 1\), got 31337$/],
  ["data that is no array", (file) => (file.data = {}), "data", /^data: expected an array of \{pubkey, signed_batches\}, got \{\}$/],
  ["a short pubkey", (file) => (file.data[1].pubkey = `0x${"b2".repeat(32)}`), "data[1].pubkey", /^data\[1\]\.pubkey: expected a BLS public key: 0x and 96 hex digits \(48 bytes\)/],
  ["a pubkey without 0x", (file) => (file.data[0].pubkey = "a1".repeat(48)), "data[0].pubkey", /0x and 96 hex digits/],
  ["EIP-3076's signed_blocks", (file) => (file.data[0] = { pubkey: KEY_A, signed_blocks: [] }), "data[0].signed_batches", /signed_batches, not EIP-3076's signed_blocks/],
  ["a numeric slot", (file) => (file.data[0].signed_batches[0].slot = 120), "data[0].signed_batches[0].slot", /^data\[0\]\.signed_batches\[0\]\.slot: expected a decimal string such as "1234"/],
  ["a negative slot", (file) => (file.data[0].signed_batches[0].slot = "-1"), "data[0].signed_batches[0].slot", /got "-1"$/],
  ["a slot with a leading zero", (file) => (file.data[0].signed_batches[0].slot = "0120"), "data[0].signed_batches[0].slot", /got "0120"$/],
  ["a slot above 2^53", (file) => (file.data[0].signed_batches[0].slot = "9007199254740993"), "data[0].signed_batches[0].slot", /at most 2\^53 - 1/],
  ["a batch that is no object", (file) => (file.data[0].signed_batches[0] = "120"), "data[0].signed_batches[0]", /expected an object \{slot, signing_root\?\}, got "120"$/],
  ["a bad signing root", (file) => (file.data[0].signed_batches[0].signing_root = "0xzz"), "data[0].signed_batches[0].signing_root", /a signing root: 0x and 64 hex digits/],
];

for (const [what, edit, field, message] of fieldErrors) {
  test(`a bad field is named with the form expected: ${what}`, () => {
    const error = errorOfEdit(edit);
    assert.is(error.code, InterchangeErrorCode.INVALID_FIELD);
    assert.is(error.type.field, field);
    assert.match(error.message, message);
  });
}

test("text that is no JSON object is refused", () => {
  assert.match(errorOf(() => parseInterchangeText("{not json")).message, /^not valid JSON/);
  assert.match(errorOf(() => parseInterchangeText("[]")).message, /^\(file\): expected a JSON object \{metadata, data\}, got \[\]$/);
});

test("a file of another genesis or another chain id is refused", () => {
  const parsed = parseInterchange(sample());
  checkInterchangeChain(parsed, CHAIN);
  checkInterchangeChain(parsed, { ...CHAIN, genesisRoot: CHAIN.genesisRoot.toUpperCase().replace("0X", "0x") });
  const otherGenesis = errorOf(() => checkInterchangeChain(parsed, { ...CHAIN, genesisRoot: `0x${"cd".repeat(32)}` }));
  assert.is(otherGenesis.code, InterchangeErrorCode.WRONG_CHAIN);
  assert.is(otherGenesis.type.field, "metadata.genesis_root");
  assert.match(otherGenesis.message, /the file is for another chain \(genesis root 0xabab.*, this chain's is 0xcdcd.*\); refusing it$/);
  const otherId = errorOf(() => checkInterchangeChain(parsed, { ...CHAIN, chainId: 1 }));
  assert.is(otherId.type.field, "metadata.chain_id");
  assert.match(otherId.message, /the file is for chain 31337, this chain is 1/);
});

test("merge: a lower imported slot never lowers the record (kept, reported)", () => {
  const change = mergeWatermark(KEY_A, 300, 250);
  assert.equal(change, { pubkey: KEY_A, existing: 300, imported: 250, result: 300, outcome: MergeOutcome.kept });
  assert.match(describeChange(change), /slot 300 \(kept: the file's 250 is lower, never lowered\)$/);
});

test("merge: a higher imported slot raises the record; a new key is added; the same slot is unchanged", () => {
  assert.equal(mergeWatermark(KEY_A, 100, 120), { pubkey: KEY_A, existing: 100, imported: 120, result: 120, outcome: MergeOutcome.raised });
  assert.equal(mergeWatermark(KEY_A, null, 0), { pubkey: KEY_A, existing: null, imported: 0, result: 0, outcome: MergeOutcome.added });
  assert.is(mergeWatermark(KEY_A, 7, 7).outcome, MergeOutcome.unchanged);
  const changes = mergeWatermarks(new Map([[KEY_A, 500], [KEY_B, 10]]), [{ pubkey: KEY_A, slot: 400 }, { pubkey: KEY_B, slot: 11 }]);
  assert.equal(changes.map((change) => [change.outcome, change.result]), [[MergeOutcome.kept, 500], [MergeOutcome.raised, 11]]);
  for (let existing = 0; existing < 20; existing++) {
    for (let imported = 0; imported < 20; imported++) assert.is(mergeWatermark(KEY_A, existing, imported).result, Math.max(existing, imported));
  }
  assert.match(describeChange(mergeWatermark(KEY_A, 100, 120)), /^0xa1a1a1a1a1a1a1a1… slot 120 \(raised from 100\)$/);
});

test("build refuses a record it could not write back", () => {
  assert.throws(() => buildInterchange(CHAIN, [{ pubkey: "0x12", slot: 1 }]), /pubkey: expected a BLS public key/);
  assert.throws(() => buildInterchange(CHAIN, [{ pubkey: KEY_A, slot: -1 }]), /expected a non-negative safe integer/);
});

test.run();
