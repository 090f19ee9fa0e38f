/** `baton tx send|stake|unstake|rejoin`: build, sign and POST one tx to a node's API. */
import { bytesEqual, fromHex, toHex, type Tx } from "@baton/core";
import { amount, optInt, optStr, str, url, UsageError, type CommandSpec, type FlagSpec, type FlagValues } from "../args.js";
import { getAccount, getSequencers, getStatus, nextNonceOf, postTxs } from "../api.js";
import type { Command, Io } from "../command.js";
import { loadKeyFile, type KeyFile } from "../keys.js";
import { rejoinTx, stakeTx, txHashHex, txToHex, unstakeTx, userTx, type TxParams } from "../txs.js";

const common: Record<string, FlagSpec> = {
  api: { type: "string", valueName: "url", help: "node API", default: "http://127.0.0.1:7001" },
  key: { type: "string", valueName: "file", help: "key file; its ed25519 account signs and pays", required: true },
  fee: { type: "string", valueName: "amount", help: "fee", default: "1" },
  nonce: { type: "string", valueName: "n", help: "account nonce (default: asked from the node)" },
};
const indexFlag: FlagSpec = { type: "string", valueName: "i", help: "sequencer index (default: looked up by the key's BLS key)" };

/** Chain id from /status and nonce from /accounts/:pubkey (unless --nonce). */
async function txParams(values: FlagValues, api: string, keys: KeyFile): Promise<TxParams> {
  const fee = amount(values, "fee");
  const given = optInt(values, "nonce", 0);
  const status = await getStatus(api);
  if (given !== undefined) return { chainId: status.chainId, nonce: given, fee };
  const account = await getAccount(api, toHex(keys.ed25519.publicKey));
  if (account === null) {
    throw new UsageError(`account ${toHex(keys.ed25519.publicKey)} is unknown to ${api} (unfunded?); pass --nonce to send anyway`);
  }
  return { chainId: status.chainId, nonce: nextNonceOf(account), fee };
}

async function sequencerIndex(values: FlagValues, api: string, keys: KeyFile): Promise<number> {
  const given = optInt(values, "index", 0);
  if (given !== undefined) return given;
  const seqs = await getSequencers(api);
  const found = seqs.find((s) => bytesEqual(fromHex(s.pubkey), keys.bls.publicKey));
  if (!found) throw new UsageError(`--key: BLS key ${toHex(keys.bls.publicKey).slice(0, 18)}… is not a sequencer on ${api}; pass --index`);
  return found.index;
}

function payloadFromFlags(values: FlagValues): Uint8Array {
  const hex = optStr(values, "payload");
  const text = optStr(values, "text");
  if (hex !== undefined && text !== undefined) throw new UsageError("--payload and --text: give one, not both");
  if (text !== undefined) return new TextEncoder().encode(text);
  if (hex === undefined) return new Uint8Array(0);
  try {
    return fromHex(hex);
  } catch {
    throw new UsageError(`--payload: expected hex bytes (0x...), got ${JSON.stringify(hex.slice(0, 20))}`);
  }
}

async function send(io: Io, api: string, tx: Tx, what: string): Promise<number> {
  const { hashes } = await postTxs(api, [txToHex(tx)]);
  const hash = hashes[0] ?? txHashHex(tx);
  io.out(hash);
  io.err(`${what} tx sent: nonce ${tx.body.nonce}, fee ${tx.body.fee}`);
  return 0;
}

/**
 * A tx subcommand: `check` validates its flags (before any file or network access) and
 * returns what `build` needs; `build` asks the node for chain id, nonce, index.
 */
function txCommand<P>(
  name: string,
  summary: string,
  flags: Record<string, FlagSpec>,
  check: (v: FlagValues) => P,
  build: (p: P, v: FlagValues, api: string, k: KeyFile) => Promise<Tx>,
): Command {
  return {
    spec: { name: `tx ${name}`, summary, flags: { ...common, ...flags }, notes: ["Prints the tx hash on stdout."] },
    async run(values, io) {
      const api = url(values, "api");
      amount(values, "fee");
      optInt(values, "nonce", 0);
      optInt(values, "index", 0);
      const checked = check(values);
      const keys = await loadKeyFile(str(values, "key"));
      return send(io, api, await build(checked, values, api, keys), name);
    },
  };
}

export const txSend = txCommand(
  "send",
  "send a user tx with an opaque payload",
  {
    payload: { type: "string", valueName: "hex", help: "payload bytes as hex" },
    text: { type: "string", valueName: "string", help: "payload as UTF-8 text" },
  },
  payloadFromFlags,
  async (payload, v, api, k) => userTx(k.ed25519, await txParams(v, api, k), payload),
);

export const txStake = txCommand(
  "stake",
  "stake for the key file's BLS sequencer key (a new sequencer, or more stake)",
  { amount: { type: "string", valueName: "amount", help: "stake to add", required: true } },
  (v) => amount(v, "amount", 1n),
  async (amt, v, api, k) => stakeTx(k.ed25519, k.bls, await txParams(v, api, k), amt),
);

export const txUnstake = txCommand(
  "unstake",
  "withdraw stake (only while out of the current committee)",
  { amount: { type: "string", valueName: "amount", help: "stake to withdraw", required: true }, index: indexFlag },
  (v) => amount(v, "amount", 1n),
  async (amt, v, api, k) => {
    const index = await sequencerIndex(v, api, k);
    return unstakeTx(k.ed25519, await txParams(v, api, k), index, amt);
  },
);

export const txRejoin = txCommand(
  "rejoin",
  "bring an ejected sequencer back into the rotation (from the next epoch)",
  { index: indexFlag },
  () => null,
  async (_, v, api, k) => {
    const index = await sequencerIndex(v, api, k);
    return rejoinTx(k.ed25519, await txParams(v, api, k), index);
  },
);
