import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { bytesEqual, toHex } from "@baton/core";
import { KeyFileError, KeyFileErrorCode } from "../../src/errors.js";
import { generateKeys, keyFileFromJson, keyFileToJson, keysFromSeeds, loadKeyFile, saveKeyFile } from "../../src/keyFile.js";

const seeded = () => keysFromSeeds(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2));

const json = suite("keys: file format");

json("JSON round trip keeps every key", () => {
  const k = seeded();
  const back = keyFileFromJson(JSON.parse(JSON.stringify(keyFileToJson(k))), "mem");
  assert.ok(bytesEqual(back.bls.secretKey, k.bls.secretKey));
  assert.ok(bytesEqual(back.bls.publicKey, k.bls.publicKey));
  assert.ok(bytesEqual(back.ed25519.secretKey, k.ed25519.secretKey));
  assert.ok(bytesEqual(back.ed25519.publicKey, k.ed25519.publicKey));
});

json("the documented layout", () => {
  const j = keyFileToJson(seeded()) as { version: number; bls: Record<string, string>; ed25519: Record<string, string> };
  assert.is(j.version, 1);
  assert.equal(Object.keys(j.bls).sort(), ["publicKey", "secretKey"]);
  assert.equal(Object.keys(j.ed25519).sort(), ["publicKey", "seed"]);
  assert.match(j.bls.publicKey, /^0x[0-9a-f]{96}$/);
  assert.match(j.ed25519.seed, /^0x[0-9a-f]{64}$/);
});

json("generated keys differ", () => {
  assert.is.not(toHex(generateKeys().bls.publicKey), toHex(generateKeys().bls.publicKey));
});

const good = () => keyFileToJson(seeded()) as Record<string, Record<string, string> | number>;
const bad: [string, (j: ReturnType<typeof good>) => unknown, RegExp][] = [
  ["not an object", () => [], /\(file\): expected a JSON object/],
  ["wrong version", (j) => ({ ...j, version: 2 }), /version: expected 1/],
  ["short secret", (j) => ({ ...j, bls: { ...(j.bls as object), secretKey: "0x1234" } }), /bls\.secretKey: expected 0x-prefixed hex of 32 bytes/],
  ["missing ed25519", (j) => ({ ...j, ed25519: undefined }), /ed25519\.seed: expected/],
  ["mismatched BLS public key", (j) => ({ ...j, bls: { ...(j.bls as object), publicKey: toHex(new Uint8Array(48).fill(0xc0)) } }), /bls\.publicKey: expected the public key of bls\.secretKey/],
  ["mismatched ed25519 public key", (j) => ({ ...j, ed25519: { ...(j.ed25519 as object), publicKey: toHex(new Uint8Array(32)) } }), /ed25519\.publicKey: expected the public key/],
];
for (const [name, mutate, re] of bad) {
  json(`rejects: ${name}`, () => {
    assert.throws(() => keyFileFromJson(mutate(good()), "k.json"), (e: Error) => e instanceof KeyFileError && e.code === KeyFileErrorCode.INVALID_FIELD && /^key file k\.json: /.test(e.message) && re.test(e.message));
  });
}
json.run();

const disk = suite("keys: save and load");
let dir = "";
disk.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-keys-"));
});
disk.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

disk("saved with mode 0600 and loads back", async () => {
  const file = join(dir, "sub", "k.json");
  const k = seeded();
  await saveKeyFile(file, k);
  assert.is((await stat(file)).mode & 0o777, 0o600);
  const back = await loadKeyFile(file);
  assert.ok(bytesEqual(back.bls.publicKey, k.bls.publicKey));
  assert.ok(bytesEqual(back.ed25519.publicKey, k.ed25519.publicKey));
});

disk("refuses to overwrite", async () => {
  const file = join(dir, "once.json");
  await saveKeyFile(file, seeded());
  const before = await readFile(file, "utf8");
  try {
    await saveKeyFile(file, generateKeys());
    assert.unreachable();
  } catch (e) {
    assert.instance(e, KeyFileError);
    assert.is((e as KeyFileError).code, KeyFileErrorCode.EXISTS);
    assert.match((e as Error).message, /already exists: refusing to overwrite/);
  }
  assert.is(await readFile(file, "utf8"), before);
});

disk("a file that is not JSON names the file", async () => {
  const file = join(dir, "junk.json");
  await writeFile(file, "not json");
  try {
    await loadKeyFile(file);
    assert.unreachable();
  } catch (e) {
    assert.is((e as KeyFileError).code, KeyFileErrorCode.NOT_JSON);
    assert.is((e as Error).message, `key file ${file}: not valid JSON`);
  }
});
disk.run();
