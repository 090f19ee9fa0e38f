/** `baton genesis`: key files for N sequencers (and M funded accounts) plus genesis.json. */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  ConfigError,
  createChainConfig,
  devnetPreset,
  genesisToJson,
  MECHANISM_NAMES,
  parseGenesis,
  type ChainConfig,
  type ChainConfigInput,
  type Ed25519Keypair,
  type Genesis,
  type MechanismName,
} from "@baton/core";
import { generateKeys, saveKeyFile, type KeyFile } from "@baton/client";
import { amount, genesisTime, int, oneOf, str, UsageError, type CommandSpec, type FlagValues } from "../args.js";
import { chainFlag, chainInt } from "../chainFlags.js";
import type { Command } from "../command.js";
import { fileExists } from "../keys.js";

const spec: CommandSpec = {
  name: "genesis",
  summary: "generate sequencer keys, funded accounts and a genesis file",
  flags: {
    sequencers: { type: "string", valueName: "N", help: "number of genesis sequencers", required: true },
    "out-dir": { type: "string", valueName: "dir", help: "where to write seq-<i>.json, account-<j>.json, genesis.json", required: true },
    "slot-ms": chainFlag("slotMs", "slot length", "ms"),
    "slots-per-epoch": chainFlag("slotsPerEpoch", "slots per epoch"),
    "misses-to-eject": chainFlag("missesToEject", "consecutive misses that eject a sequencer"),
    "committee-size": chainFlag("committeeSize", "committee members per epoch (0 = all)"),
    mechanism: { type: "string", valueName: MECHANISM_NAMES.join("|"), help: "leader selection mechanism", default: devnetPreset.mechanism },
    "mechanism-params": { type: "string", valueName: "json", help: 'the mechanism\'s genesis mechanismParams, e.g. \'{"winners":2,"priceRule":"first"}\'' },
    stake: { type: "string", valueName: "amount", help: "stake of each genesis sequencer", default: "100000" },
    "chain-id": chainFlag("chainId", "chain id", "id"),
    "genesis-time": { type: "string", valueName: "ms|+5s", help: "slot 0 start: unix ms, or a delay from now", default: "+10s" },
    accounts: { type: "string", valueName: "M", help: "extra funded accounts (key files account-<j>.json)", default: "0" },
    balance: { type: "string", valueName: "amount", help: "balance of each account (sequencer accounts included)", default: "1000000000000" },
  },
  notes: ["Each sequencer's ed25519 account is funded too, so it can pay for stake/rejoin txs."],
};

export interface GenesisParams {
  sequencers: number;
  accounts: number;
  config: ChainConfigInput;
  stake: bigint;
  balance: bigint;
}

export function genesisParamsFromFlags(values: FlagValues, now: number): GenesisParams {
  return {
    sequencers: int(values, "sequencers", 1, 1024),
    accounts: int(values, "accounts", 0, 100_000),
    stake: amount(values, "stake", 1n),
    balance: amount(values, "balance"),
    config: {
      chainId: chainInt(values, "chain-id", "chainId"),
      genesisTime: genesisTime(values, "genesis-time", now),
      slotMs: chainInt(values, "slot-ms", "slotMs"),
      slotsPerEpoch: chainInt(values, "slots-per-epoch", "slotsPerEpoch"),
      missesToEject: chainInt(values, "misses-to-eject", "missesToEject"),
      committeeSize: chainInt(values, "committee-size", "committeeSize"),
      mechanism: oneOf(values, "mechanism", MECHANISM_NAMES) as MechanismName,
      ...(values["mechanism-params"] !== undefined ? { mechanismParams: mechanismParamsFlag(values) } : {}),
    },
  };
}

function mechanismParamsFlag(values: FlagValues): unknown {
  try {
    return JSON.parse(str(values, "mechanism-params")) as unknown;
  } catch {
    throw new UsageError(`--mechanism-params: expected a JSON object, got ${JSON.stringify(values["mechanism-params"])}`);
  }
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());

/** Builds (and re-parses, as a node would) the genesis; a bad value names the flag. */
export function buildGenesis(p: GenesisParams, sequencerKeys: KeyFile[], accountKeys: Ed25519Keypair[]): Genesis {
  let config: ChainConfig;
  try {
    config = createChainConfig(p.config);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`--${kebab(e.type.field)}: ${e.message}`);
    throw e;
  }
  const genesis: Genesis = {
    config,
    sequencers: sequencerKeys.map((k) => ({ pubkey: k.bls.publicKey, account: k.ed25519.publicKey, stake: p.stake })),
    accounts: [...sequencerKeys.map((k) => k.ed25519), ...accountKeys].map((k) => ({ pubkey: k.publicKey, balance: p.balance })),
  };
  try {
    return parseGenesis(JSON.parse(JSON.stringify(genesisToJson(genesis))));
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`genesis would be invalid: ${e.message}`);
    throw e;
  }
}

export const sequencerKeyFileName = (i: number) => `seq-${i}.json`;
export const accountKeyFileName = (j: number) => `account-${j}.json`;

export const genesisCommand: Command = {
  spec,
  async run(values, io) {
    const p = genesisParamsFromFlags(values, io.now());
    const dir = resolve(str(values, "out-dir"));
    const files = [
      "genesis.json",
      ...Array.from({ length: p.sequencers }, (_, i) => sequencerKeyFileName(i + 1)),
      ...Array.from({ length: p.accounts }, (_, j) => accountKeyFileName(j + 1)),
    ];
    for (const f of files) {
      if (await fileExists(join(dir, f))) throw new UsageError(`--out-dir: ${join(dir, f)} already exists; choose an empty directory`);
    }
    const seqKeys = Array.from({ length: p.sequencers }, () => generateKeys());
    const accKeys = Array.from({ length: p.accounts }, () => generateKeys());
    const genesis = buildGenesis(p, seqKeys, accKeys.map((k) => k.ed25519));
    await mkdir(dir, { recursive: true });
    for (const [i, k] of seqKeys.entries()) await saveKeyFile(join(dir, sequencerKeyFileName(i + 1)), k);
    for (const [j, k] of accKeys.entries()) await saveKeyFile(join(dir, accountKeyFileName(j + 1)), k);
    await writeFile(join(dir, "genesis.json"), JSON.stringify(genesisToJson(genesis), null, 2) + "\n");
    io.out(`wrote ${join(dir, "genesis.json")}: chain ${genesis.config.chainId}, ${p.sequencers} sequencers, ${genesis.accounts.length} funded accounts`);
    io.out(`genesis time ${new Date(genesis.config.genesisTime).toISOString()} (${genesis.config.genesisTime})`);
    io.out(`key files: ${dir}/seq-1..${p.sequencers}.json${p.accounts ? `, account-1..${p.accounts}.json` : ""}`);
    return 0;
  },
};
