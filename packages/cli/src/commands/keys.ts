/**
 * `baton keys new|list|import`: encrypted keystores (@baton/client's keystore.ts) holding a BLS sequencer key
 * and its ed25519 account key. The password comes from --password-file or the environment
 * (BATON_KEYSTORE_PASSWORD_FILE / BATON_KEYSTORE_PASSWORD), never from a flag's value.
 */
import { resolve } from "node:path";
import { generateKeys, KDF_NAMES, KeyFileFormat, loadKey, saveKeystore, type KdfName, type KeyFile } from "@baton/client";
import { toHex } from "@baton/core";
import { bool, int, oneOf, optStr, str, UsageError, type FlagSpec, type FlagValues } from "../args.js";
import type { Command, Io } from "../command.js";
import { listKeyFiles } from "../keys.js";
import { loadDevnet } from "../devnetTools.js";
import { PASSWORD_ENV, PASSWORD_FILE_ENV, passwordSource, readPassword } from "../password.js";

const passwordFlags: Record<string, FlagSpec> = {
  "password-file": { type: "string", valueName: "file", help: `file holding the new keystore's password (or set ${PASSWORD_FILE_ENV} / ${PASSWORD_ENV})` },
  kdf: { type: "string", valueName: KDF_NAMES.join("|"), help: "key derivation function (EIP-2335's costs)", default: "scrypt" },
};

async function newPassword(values: FlagValues, io: Io): Promise<string> {
  const file = optStr(values, "password-file");
  return readPassword(passwordSource(file ? { path: resolve(file), from: "--password-file" } : undefined, process.env), process.env, io.err);
}

async function writeKeystore(values: FlagValues, io: Io, keys: KeyFile, what: string): Promise<void> {
  const out = resolve(str(values, "out"));
  const kdf = oneOf(values, "kdf", KDF_NAMES) as KdfName;
  const password = await newPassword(values, io);
  await saveKeystore(out, keys, password, { kdf });
  io.out(`wrote ${out} (encrypted keystore, ${kdf} + aes-256-gcm, mode 0600)${what}`);
  io.out(`sequencer (BLS) public key: ${toHex(keys.bls.publicKey)}`);
  io.out(`account (ed25519) public key: ${toHex(keys.ed25519.publicKey)}`);
}

export const keysNew: Command = {
  spec: {
    name: "keys new",
    summary: "create an encrypted keystore: a BLS sequencer key and its ed25519 account key",
    flags: { out: { type: "string", valueName: "file", help: "where to write the keystore (mode 0600; never overwritten)", required: true }, ...passwordFlags },
    notes: ["Back up the keystore and its password: without both the key is lost."],
  },
  async run(values, io) {
    await writeKeystore(values, io, generateKeys(), "");
    return 0;
  },
};

export const keysList: Command = {
  spec: {
    name: "keys list",
    summary: "list the key files of a directory with their public keys (no password needed)",
    flags: { dir: { type: "string", valueName: "dir", help: "directory to list", default: "." } },
  },
  async run(values, io) {
    const dir = resolve(str(values, "dir"));
    const { infos, skipped } = await listKeyFiles(dir);
    if (infos.length === 0) io.err(`no key files in ${dir}`);
    for (const k of infos) {
      const kind = k.format === KeyFileFormat.keystore ? `keystore (${k.kdf})` : "PLAINTEXT devnet key";
      io.out(`${k.path}\n  ${kind}\n  sequencer ${k.pubkey}\n  account   ${k.account}`);
    }
    for (const s of skipped) io.err(`skipped ${s.path}: ${s.reason}`);
    return 0;
  },
};

export const keysImport: Command = {
  spec: {
    name: "keys import",
    summary: "make an encrypted keystore from a plaintext key file or a devnet's funded account",
    flags: {
      out: { type: "string", valueName: "file", help: "where to write the keystore (mode 0600; never overwritten)", required: true },
      from: { type: "string", valueName: "file", help: "a plaintext key file (baton genesis seq-<i>.json / account-<j>.json, a devnet node's key.json)" },
      "new-sequencer-key": { type: "boolean", help: "with --from: keep its account key, generate a fresh BLS sequencer key" },
      devnet: { type: "string", valueName: "dir", help: "a devnet directory (baton devnet --dir): take one of its funded load accounts, with a fresh BLS key" },
      "devnet-account": { type: "string", valueName: "j", help: "with --devnet: which funded account (1-based)" },
      ...passwordFlags,
    },
    notes: ["Give --from or --devnet. The plaintext file is left as it is: delete it once the keystore is backed up."],
  },
  async run(values, io) {
    const from = optStr(values, "from");
    const devnet = optStr(values, "devnet");
    if ((from === undefined) === (devnet === undefined)) throw new UsageError("keys import: give one of --from <file> or --devnet <dir>");
    let keys: KeyFile;
    let what: string;
    if (from !== undefined) {
      const loaded = await loadKey(resolve(from));
      if (loaded.format !== KeyFileFormat.plaintextDevnet) throw new UsageError(`--from: ${from} is already an encrypted keystore`);
      keys = bool(values, "new-sequencer-key") ? { bls: generateKeys().bls, ed25519: loaded.keys.ed25519 } : loaded.keys;
      what = `, from ${resolve(from)}${bool(values, "new-sequencer-key") ? " (account only; new sequencer key)" : ""}`;
    } else {
      if (values["devnet-account"] === undefined) throw new UsageError("--devnet-account is required with --devnet: which funded account (1-based)");
      const j = int(values, "devnet-account", 1);
      const { readDevnet } = await loadDevnet("keys import --devnet");
      const dir = resolve(devnet!);
      const existing = await readDevnet(dir).catch((e: Error) => {
        throw new UsageError(`--devnet ${dir}: ${e.message}`);
      });
      if (!existing) throw new UsageError(`--devnet ${dir}: no devnet there (no devnet.json)`);
      if (j > existing.loadAccounts.length) throw new UsageError(`--devnet-account: expected an integer in [1, ${existing.loadAccounts.length}], got "${j}"`);
      keys = { bls: generateKeys().bls, ed25519: existing.loadAccounts[j - 1] };
      what = `, devnet ${dir} funded account ${j} with a new sequencer key`;
    }
    await writeKeystore(values, io, keys, what);
    return 0;
  },
};
