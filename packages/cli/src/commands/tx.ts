/** `baton tx send|stake|unstake|rejoin`: build, sign and POST one tx to a node's API. */
import { resolve } from "node:path";
import { apiRequest, getAccount, getSequencers, getStatus, loadKeyFile, nextNonceOf, postTxs, type KeyFile } from "@baton/client";
import { bytesEqual, fromHex, toHex, type Tx } from "@baton/core";
import { amount, bool, int, optInt, optStr, str, url, UsageError, type FlagSpec, type FlagValues } from "../args.js";
import type { Command, Io } from "../command.js";
import { PASSWORD_ENV, PASSWORD_FILE_ENV, passwordSource, readPassword } from "../password.js";
import { rejoinTx, stakeTx, txHashHex, txToHex, unstakeTx, userTx, type TxParams } from "../txs.js";

const common: Record<string, FlagSpec> = {
  api: { type: "string", valueName: "url", help: "node API", default: "http://127.0.0.1:7001" },
  key: { type: "string", valueName: "file", help: "keystore (or plaintext devnet key file); its ed25519 account signs and pays", required: true },
  "password-file": { type: "string", valueName: "file", help: `keystore password file (or set ${PASSWORD_FILE_ENV} / ${PASSWORD_ENV})` },
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

async function send(io: Io, api: string, tx: Tx, what: string): Promise<string> {
  const { hashes } = await postTxs(api, [txToHex(tx)]);
  const hash = hashes[0] ?? txHashHex(tx);
  io.out(hash);
  io.err(`${what} tx sent: nonce ${tx.body.nonce}, fee ${tx.body.fee}`);
  return hash;
}

/** Loads --key, asking --password-file or the environment for a keystore's password. */
async function loadTxKey(values: FlagValues, io: Io): Promise<KeyFile> {
  const file = optStr(values, "password-file");
  const source = passwordSource(file ? { path: resolve(file), from: "--password-file" } : undefined, process.env);
  return loadKeyFile(str(values, "key"), { password: () => readPassword(source, process.env, io.err) });
}

/** Polls GET /txs/:hash until the tx is in a batch on the head chain; its slot. */
export async function waitIncluded(api: string, hash: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const t = await apiRequest<{ status: string; slot: number | null }>(api, "GET", `/txs/${hash}`);
      if ((t.status === "included" || t.status === "confirmed") && t.slot !== null) return t.slot;
    } catch {
      // 404 while it travels to the leader: ask again
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new UsageError(`--wait: tx ${hash} was not included within ${timeoutMs / 1000} s (see baton status)`);
}

/** Slots per epoch, from /status (a chain parameter: no race with the head moving on). */
async function slotsPerEpoch(api: string, _epoch: number): Promise<number> {
  const s = await apiRequest<{ slotsPerEpoch?: number; epoch: number }>(api, "GET", "/status");
  if (typeof s.slotsPerEpoch === "number") return s.slotsPerEpoch;
  const sch = await apiRequest<{ slots: unknown[] }>(api, "GET", `/schedule?epoch=${s.epoch}`);
  return sch.slots.length;
}

/**
 * A stake (or exit) made in epoch E counts in the committee computed at the next epoch
 * transition, the committee of epoch E+2 (core transition/epoch.ts): that is when a new
 * sequencer first leads, or when an exited one has left every committee.
 */
export const committeeEpochOf = (inclusionEpoch: number): number => inclusionEpoch + 2;

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
  after?: (io: Io, api: string, hash: string, k: KeyFile, v: FlagValues) => Promise<void>,
): Command {
  return {
    spec: { name: `tx ${name}`, summary, flags: { ...common, ...flags }, notes: ["Prints the tx hash on stdout."] },
    async run(values, io) {
      const api = url(values, "api");
      amount(values, "fee");
      optInt(values, "nonce", 0);
      optInt(values, "index", 0);
      const checked = check(values);
      const keys = await loadTxKey(values, io);
      const hash = await send(io, api, await build(checked, values, api, keys), name);
      await after?.(io, api, hash, keys, values);
      return 0;
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

/** After a stake: when does it lead? Printed from the current epoch, exactly with --wait. */
async function reportStake(io: Io, api: string, hash: string, k: KeyFile, v: FlagValues): Promise<void> {
  const status = await getStatus(api);
  if (!bool(v, "wait")) {
    io.err(
      `if it is included in this epoch (${status.epoch}), it counts in the committee of epoch ${committeeEpochOf(status.epoch)} and leads from then on; ` +
        `--wait waits for inclusion and prints the exact epoch`,
    );
    return;
  }
  const slot = await waitIncluded(api, hash, 120_000);
  const spe = await slotsPerEpoch(api, status.epoch);
  const epoch = Math.floor(slot / spe);
  const seq = (await getSequencers(api)).find((s) => bytesEqual(fromHex(s.pubkey), k.bls.publicKey));
  const from = committeeEpochOf(epoch);
  io.out(`included at slot ${slot} (epoch ${epoch}); sequencer #${seq?.index ?? "?"} stake ${seq?.stake ?? "?"}: leads from epoch ${from} (slot ${from * spe})`);
}

const waitSwitch: Record<string, FlagSpec> = { wait: { type: "boolean", help: "wait until the tx is in a batch, then print when it takes effect" } };

export const txStake = txCommand(
  "stake",
  "stake for the key file's BLS sequencer key (a new sequencer, or more stake)",
  { amount: { type: "string", valueName: "amount", help: "stake to add", required: true }, ...waitSwitch },
  (v) => amount(v, "amount", 1n),
  async (amt, v, api, k) => stakeTx(k.ed25519, k.bls, await txParams(v, api, k), amt),
  reportStake,
);

/** After an exit: out of the rotation at once (exited sequencers are skipped), stake back on the account. */
async function reportExit(io: Io, api: string, hash: string, _k: KeyFile, v: FlagValues): Promise<void> {
  if (!bool(v, "wait")) return;
  const slot = await waitIncluded(api, hash, 120_000);
  const status = await getStatus(api);
  const spe = await slotsPerEpoch(api, status.epoch);
  const epoch = Math.floor(slot / spe);
  io.out(
    `included at slot ${slot} (epoch ${epoch}): exited; its remaining slots go to the fallbacks at once, and from epoch ${committeeEpochOf(epoch)} it is in no committee`,
  );
}

export const txExit = txCommand(
  "exit",
  "withdraw all native stake: the sequencer leaves the rotation; paid after the unbonding period (pos token stakes: tx unstake --token)",
  { index: indexFlag, ...waitSwitch },
  () => null,
  async (_, v, api, k) => {
    const index = await sequencerIndex(v, api, k);
    const seq = (await getSequencers(api)).find((s) => s.index === index);
    if (!seq) throw new UsageError(`no sequencer ${index} on ${api}`);
    if (seq.status === "exited") throw new UsageError(`sequencer ${index} has already exited`);
    return unstakeTx(k.ed25519, await txParams(v, api, k), index, BigInt(seq.stake));
  },
  reportExit,
);

export const txUnstake = txCommand(
  "unstake",
  "withdraw stake: it leaves the weight at once and is paid after the unbonding period (slashable until then); below minStake the sequencer exits",
  {
    amount: { type: "string", valueName: "amount", help: "stake to withdraw", required: true },
    token: { type: "string", valueName: "n", help: "pos stake token to withdraw (0 = native, the default)" },
    index: indexFlag,
  },
  (v) => amount(v, "amount", 1n),
  async (amt, v, api, k) => {
    const index = await sequencerIndex(v, api, k);
    const token = v.token === undefined ? 0 : int(v, "token", 0, 7);
    return unstakeTx(k.ed25519, await txParams(v, api, k), index, amt, token);
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
