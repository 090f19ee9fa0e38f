/** `baton keys new`: a fresh sequencer key (BLS) and its account key (ed25519). */
import { resolve } from "node:path";
import { toHex } from "@baton/core";
import { str, type CommandSpec } from "../args.js";
import type { Command } from "../command.js";
import { generateKeys, saveKeyFile } from "../keys.js";

const spec: CommandSpec = {
  name: "keys new",
  summary: "create a key file: a BLS sequencer key and its ed25519 account key",
  flags: {
    out: { type: "string", valueName: "file", help: "where to write the key file (mode 0600; never overwritten)", required: true },
  },
  notes: ["The file holds secret keys in plain hex: keep it private."],
};

export const keysNew: Command = {
  spec,
  async run(values, io) {
    const out = resolve(str(values, "out"));
    const keys = generateKeys();
    await saveKeyFile(out, keys);
    io.out(`wrote ${out}`);
    io.out(`sequencer (BLS) public key: ${toHex(keys.bls.publicKey)}`);
    io.out(`account (ed25519) public key: ${toHex(keys.ed25519.publicKey)}`);
    return 0;
  },
};
