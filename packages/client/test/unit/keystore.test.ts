import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { bytesEqual, toHex } from "@baton/core";
import { KeyFileError, KeystoreError, KeystoreErrorCode } from "../../src/errors.js";
import { KeyFileFormat, keysFromSeeds, loadKey, saveDevnetKeyFile, saveKeystore } from "../../src/keyFile.js";
import { decryptKeystore, encryptKeystore, isKeystoreJson, normalizePassword, type KeystoreJson } from "../../src/keystore.js";

const keys = keysFromSeeds(new Uint8Array(32).fill(7), new Uint8Array(32).fill(9));
const secrets = { blsSecretKey: keys.bls.secretKey, blsPublicKey: keys.bls.publicKey, edSeed: keys.ed25519.secretKey, edPublicKey: keys.ed25519.publicKey };
const PW = "correct horse battery staple";
// cheap KDF costs for tests only (the defaults are EIP-2335's 2^18)
const FAST = { kdfParams: { n: 1 << 10, r: 8, p: 1, c: 1 << 10 } };
const fixedRandom = (n: number) => new Uint8Array(n).fill(0x42);

const crypto = suite("keystore: encrypt / decrypt");

for (const kdf of ["scrypt", "pbkdf2"] as const) {
  crypto(`${kdf}: round trip gives the same keys`, async () => {
    const ks = await encryptKeystore(secrets, PW, { ...FAST, kdf });
    assert.is(ks.crypto.kdf.function, kdf);
    assert.is(ks.crypto.cipher.function, "aes-256-gcm");
    assert.is(ks.pubkey, toHex(keys.bls.publicKey).slice(2));
    assert.is(ks.account, toHex(keys.ed25519.publicKey).slice(2));
    const back = await decryptKeystore(JSON.parse(JSON.stringify(ks)), PW, "k.json");
    assert.ok(bytesEqual(back.blsSecretKey, keys.bls.secretKey));
    assert.ok(bytesEqual(back.edSeed, keys.ed25519.secretKey));
  });
}

crypto("the file holds no secret in the clear", async () => {
  const text = JSON.stringify(await encryptKeystore(secrets, PW, FAST));
  for (const secret of [keys.bls.secretKey, keys.ed25519.secretKey]) assert.not.ok(text.includes(Buffer.from(secret).toString("hex")));
});

crypto("deterministic with injected randomness and uuid", async () => {
  const a = await encryptKeystore(secrets, PW, { ...FAST, random: fixedRandom, uuid: "u" });
  const b = await encryptKeystore(secrets, PW, { ...FAST, random: fixedRandom, uuid: "u" });
  assert.equal(a, b);
  assert.is(a.crypto.kdf.params.salt, "42".repeat(32));
});

crypto("default costs are EIP-2335's", async () => {
  const { defaultKdfParams } = await import("../../src/keystore.js");
  assert.equal(defaultKdfParams, { scrypt: { n: 262144, r: 8, p: 1 }, pbkdf2: { c: 262144 } });
});

crypto("password normalization (EIP-2335): NFKD, control codes removed", () => {
  // the EIP-2335 test vector password: 𝔱𝔢𝔰𝔱𝔭𝔞𝔰𝔰𝔴𝔬𝔯𝔡🔑 → "testpassword🔑"
  assert.is(new TextDecoder().decode(normalizePassword("\u{1d531}\u{1d522}\u{1d530}\u{1d531}\u{1d52d}\u{1d51e}\u{1d530}\u{1d530}\u{1d534}\u{1d52c}\u{1d52f}\u{1d521}\u{1f511}")), "testpassword\u{1f511}");
  assert.is(new TextDecoder().decode(normalizePassword("pass\nword\u007f\u0085")), "password");
});

crypto("a short password is refused when creating", async () => {
  try {
    await encryptKeystore(secrets, "short", FAST);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, KeystoreError);
    assert.is((e as KeystoreError).code, KeystoreErrorCode.WEAK_PASSWORD);
  }
});

async function expectCode(json: unknown, password: string, code: KeystoreErrorCode, re: RegExp): Promise<void> {
  try {
    await decryptKeystore(json, password, "k.json");
    assert.unreachable("decrypted");
  } catch (e) {
    assert.instance(e, KeystoreError, (e as Error).message);
    assert.instance(e, KeyFileError);
    assert.is((e as KeystoreError).code, code, (e as Error).message);
    assert.match((e as Error).message, re);
  }
}

crypto("a wrong password is WRONG_PASSWORD", async () => {
  const ks = await encryptKeystore(secrets, PW, FAST);
  await expectCode(ks, "correct horse battery stapler", KeystoreErrorCode.WRONG_PASSWORD, /^keystore k\.json: wrong password/);
});

type Mutation = [string, (k: KeystoreJson) => void, KeystoreErrorCode, RegExp];
const flip = (hex: string, at = 0) => hex.slice(0, at) + (hex[at] === "0" ? "1" : "0") + hex.slice(at + 1);
const tampered: Mutation[] = [
  ["ciphertext", (k) => (k.crypto.cipher.message = flip(k.crypto.cipher.message, 10)), KeystoreErrorCode.TAMPERED, /the file was modified/],
  ["tag", (k) => (k.crypto.cipher.params.tag = flip(k.crypto.cipher.params.tag)), KeystoreErrorCode.TAMPERED, /the file was modified/],
  ["iv", (k) => (k.crypto.cipher.params.iv = flip(k.crypto.cipher.params.iv)), KeystoreErrorCode.TAMPERED, /the file was modified/],
  ["pubkey", (k) => (k.pubkey = toHex(keysFromSeeds(new Uint8Array(32).fill(1), new Uint8Array(32)).bls.publicKey).slice(2)), KeystoreErrorCode.TAMPERED, /the file was modified/],
  ["account", (k) => (k.account = flip(k.account)), KeystoreErrorCode.TAMPERED, /the file was modified/],
  ["uuid", (k) => (k.uuid = "another"), KeystoreErrorCode.TAMPERED, /the file was modified/],
  ["salt", (k) => (k.crypto.kdf.params.salt = flip(k.crypto.kdf.params.salt)), KeystoreErrorCode.WRONG_PASSWORD, /kdf parameters were changed/],
  ["checksum", (k) => (k.crypto.checksum.message = flip(k.crypto.checksum.message)), KeystoreErrorCode.WRONG_PASSWORD, /wrong password/],
  ["cipher name", (k) => ((k.crypto.cipher as { function: string }).function = "aes-128-ctr"), KeystoreErrorCode.MALFORMED, /crypto\.cipher\.function: expected "aes-256-gcm"/],
  ["truncated ciphertext", (k) => (k.crypto.cipher.message = k.crypto.cipher.message.slice(2)), KeystoreErrorCode.MALFORMED, /crypto\.cipher\.message: expected hex of 64 bytes/],
  ["scrypt n not a power of 2", (k) => ((k.crypto.kdf.params as { n: number }).n = 1000), KeystoreErrorCode.MALFORMED, /crypto\.kdf\.params\.n: expected a power of 2/],
  ["huge scrypt memory", (k) => ((k.crypto.kdf.params as { n: number; r: number }).r = 32, ((k.crypto.kdf.params as { n: number }).n = 1 << 22)), KeystoreErrorCode.MALFORMED, /under 2 GiB/],
  ["version", (k) => ((k as { version: number }).version = 3), KeystoreErrorCode.MALFORMED, /version: expected 4/],
];
for (const [what, mutate, code, re] of tampered) {
  crypto(`tampered ${what}: ${code}`, async () => {
    const ks = JSON.parse(JSON.stringify(await encryptKeystore(secrets, PW, { ...FAST, kdf: "scrypt" }))) as KeystoreJson;
    mutate(ks);
    await expectCode(ks, PW, code, re);
  });
}

crypto("keystore vs plaintext devnet format", () => {
  assert.ok(isKeystoreJson({ format: "baton-keystore" }));
  assert.ok(isKeystoreJson({ crypto: {} }));
  assert.not.ok(isKeystoreJson({ version: 1, bls: {}, ed25519: {} }));
});
crypto.run();

const files = suite("keystore: files");
let dir = "";
files.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-keystore-"));
});
files.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

files("saveKeystore: mode 0600, never overwritten, loads back with the password", async () => {
  const file = join(dir, "ks", "keystore.json");
  await saveKeystore(file, keys, PW, FAST);
  assert.is((await stat(file)).mode & 0o777, 0o600);
  const loaded = await loadKey(file, { password: async () => PW });
  assert.is(loaded.format, KeyFileFormat.keystore);
  assert.ok(bytesEqual(loaded.keys.bls.secretKey, keys.bls.secretKey));
  assert.ok(bytesEqual(loaded.keys.ed25519.publicKey, keys.ed25519.publicKey));
  try {
    await saveKeystore(file, keys, PW, FAST);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /already exists: refusing to overwrite/);
  }
  try {
    await loadKey(file);
    assert.unreachable();
  } catch (e) {
    assert.is((e as KeystoreError).code, KeystoreErrorCode.NO_PASSWORD);
    assert.match((e as Error).message, /is an encrypted keystore and no password source was given/);
  }
});

files("plaintext devnet key files still load (no password asked)", async () => {
  const file = join(dir, "devnet", "node1", "key.json");
  await saveDevnetKeyFile(file, keys);
  let asked = false;
  const loaded = await loadKey(file, { password: async () => ((asked = true), PW) });
  assert.is(loaded.format, KeyFileFormat.plaintextDevnet);
  assert.not.ok(asked);
});

files.run();
