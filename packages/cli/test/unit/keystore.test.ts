import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { toHex } from "@baton/core";
import {
  decryptKeystore,
  encryptKeystore,
  KeyFileFormat,
  keysFromSeeds,
  KeystoreError,
  KeystoreErrorCode,
  saveDevnetKeyFile,
  saveKeystore,
} from "@baton/client";
import { acquireKeyLock, KeyInUseError } from "../../src/keyLock.js";
import { isInDevnetDir, listKeyFiles } from "../../src/keys.js";
import { passwordFromFileText, passwordSource, readPassword } from "../../src/password.js";

const keys = keysFromSeeds(new Uint8Array(32).fill(7), new Uint8Array(32).fill(9));
const secrets = { blsSecretKey: keys.bls.secretKey, blsPublicKey: keys.bls.publicKey, edSeed: keys.ed25519.secretKey, edPublicKey: keys.ed25519.publicKey };
const PW = "correct horse battery staple";
// cheap KDF costs for tests only (the defaults are EIP-2335's 2^18)
const FAST = { kdfParams: { n: 1 << 10, r: 8, p: 1, c: 1 << 10 } };

const crypto = suite("keystore passwords");

crypto("a trailing newline of a password file is not part of the password", async () => {
  assert.is(passwordFromFileText("secret words\n"), "secret words");
  assert.is(passwordFromFileText("secret words\r\n"), "secret words");
  const ks = await encryptKeystore(secrets, "secret words", FAST);
  await decryptKeystore(ks, passwordFromFileText("secret words\n"), "k");
});

crypto.run();

const files = suite("key files: devnet directory, listing, password sources, key lock");
let dir = "";
files.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-keystore-"));
});
files.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

files("a plaintext key is in a devnet directory when devnet.json sits two levels up", async () => {
  const file = join(dir, "devnet", "node1", "key.json");
  await saveDevnetKeyFile(file, keys);
  assert.not.ok(await isInDevnetDir(file));
  await writeFile(join(dir, "devnet", "devnet.json"), "{}");
  assert.ok(await isInDevnetDir(file));
});

files("listKeyFiles: both formats with public keys; broken key files reported, other JSON ignored", async () => {
  const d = join(dir, "list");
  await saveKeystore(join(d, "a.json"), keys, PW, FAST);
  await saveDevnetKeyFile(join(d, "b.json"), keys);
  await writeFile(join(d, "c.json"), '{"hello": 1}');
  await writeFile(join(d, "d.json"), '{"version": 1, "bls": {}}');
  const { infos, skipped } = await listKeyFiles(d);
  assert.equal(infos.map((i) => [i.format, i.pubkey, i.account]), [
    [KeyFileFormat.keystore, toHex(keys.bls.publicKey), toHex(keys.ed25519.publicKey)],
    [KeyFileFormat.plaintextDevnet, toHex(keys.bls.publicKey), toHex(keys.ed25519.publicKey)],
  ]);
  // a broken key file is reported; JSON that is no key file at all is not
  assert.equal(skipped.map((x) => x.path), [join(d, "d.json")]);
});

files("password sources: flag file > BATON_KEYSTORE_PASSWORD_FILE > BATON_KEYSTORE_PASSWORD", async () => {
  const pwFile = join(dir, "pw.txt");
  await writeFile(pwFile, "from the file\n", { mode: 0o644 });
  const env = { BATON_KEYSTORE_PASSWORD: "from env", BATON_KEYSTORE_PASSWORD_FILE: pwFile };
  assert.equal(passwordSource({ path: "/x", from: "--password-file" }, env), { kind: "file", path: "/x", from: "--password-file" });
  assert.equal(passwordSource(undefined, env), { kind: "file", path: pwFile, from: "BATON_KEYSTORE_PASSWORD_FILE" });
  assert.equal(passwordSource(undefined, { BATON_KEYSTORE_PASSWORD: "x" }), { kind: "env", name: "BATON_KEYSTORE_PASSWORD" });
  assert.is(passwordSource(undefined, {}), null);
  const warnings: string[] = [];
  assert.is(await readPassword(passwordSource(undefined, env), env, (l) => warnings.push(l)), "from the file");
  assert.match(warnings.join(), /readable by other users/);
  assert.is(await readPassword({ kind: "env", name: "BATON_KEYSTORE_PASSWORD" }, env), "from env");
  try {
    await readPassword(null, {});
    assert.unreachable();
  } catch (e) {
    assert.is((e as KeystoreError).code, KeystoreErrorCode.NO_PASSWORD);
  }
});

files("key lock: a second holder is refused while the first lives; a dead holder's lock is taken over", async () => {
  const locks = join(dir, "locks");
  const pk = toHex(keys.bls.publicKey);
  const alive = new Set([1001]);
  const opts = (pid: number) => ({ dir: locks, pid, host: "h1", isAlive: (p: number) => alive.has(p) });
  const first = await acquireKeyLock(pk, { dataDir: "/d1", keyFile: "/k1" }, opts(1001));
  assert.is(first.replaced, null);
  try {
    await acquireKeyLock(pk, { dataDir: "/d2", keyFile: "/k2" }, opts(1002));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, KeyInUseError);
    assert.match((e as Error).message, /is in use by another node \(pid 1001, data dir \/d1, key file \/k1/);
  }
  // another host holding it: refused with the way out
  const other = await acquireKeyLock(toHex(new Uint8Array(48).fill(3)), { dataDir: "/x", keyFile: "/y" }, { ...opts(5), host: "h2" });
  try {
    await acquireKeyLock(toHex(new Uint8Array(48).fill(3)), { dataDir: "/x", keyFile: "/y" }, opts(6));
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /locked by a node on host h2/);
  }
  await other.release();
  // the holder dies (SIGKILL leaves the file): taken over
  alive.delete(1001);
  const second = await acquireKeyLock(pk, { dataDir: "/d2", keyFile: "/k2" }, opts(1002));
  assert.is(second.replaced?.pid, 1001);
  // release only removes our own lock
  await first.release();
  assert.match(await readFile(second.path, "utf8"), /"pid":1002/);
  await second.release();
  const third = await acquireKeyLock(pk, { dataDir: "/d3", keyFile: "/k3" }, opts(1003));
  assert.is(third.replaced, null);
  await third.release();
});
files.run();
