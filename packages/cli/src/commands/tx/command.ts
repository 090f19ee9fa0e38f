/**
 * One `baton tx <kind>` subcommand: its flags are checked before any file or network access,
 * then the key is loaded, the node asked (chain id, the sender's account: an unknown or
 * unfunded one is refused before anything is sent), the tx built, signed and POSTed; with
 * --wait the command polls until the tx is in a batch and prints where, and what it did.
 */
import { resolve } from "node:path";
import { getStatus, loadKeyFile, type KeyFile, type NodeStatus } from "@baton/client";
import type { Genesis, MechanismName, Tx } from "@baton/core";
import { bool, optStr, str, url, UsageError, type FlagSpec, type FlagValues } from "../../args.js";
import type { Command, Io } from "../../command.js";
import { readGenesisFile } from "../../genesisFile.js";
import { passwordSource, readPassword } from "../../password.js";
import type { TxParams } from "../../txs.js";
import { amountFlag, apiTokenOf, commonFlags, optIntFlag } from "./flags.js";
import { fundedParams, send, waitIncluded, type WaitOptions } from "./node.js";

/** What a subcommand's build and report get: the flags, the key, the node's status, the fee. */
export interface TxRun {
  api: string;
  io: Io;
  values: FlagValues;
  keys: KeyFile;
  status: NodeStatus;
  fee: bigint;
  /** chain id and nonce; refuses an account the chain does not know, or one that cannot pay the fee + `spend` */
  params(spend?: bigint): Promise<TxParams>;
}

export interface BuiltTx {
  tx: Tx;
  /** --wait's limits for this tx (default: 120 s) */
  wait?: Partial<Pick<WaitOptions, "timeoutMs" | "lateReason">>;
  /** undoes what build wrote (a bid's salt file) when the node refuses the tx */
  undo?: () => Promise<void>;
}

export interface Inclusion {
  hash: string;
  slot: number;
  epoch: number;
}

export interface TxCommandDef<Checked> {
  /** the subcommand: `tx <name>` */
  name: string;
  summary: string;
  flags: Record<string, FlagSpec>;
  notes?: string[];
  /** validates the flags (no I/O) and returns what build needs */
  check(values: FlagValues): Checked;
  build(checked: Checked, run: TxRun): Promise<BuiltTx>;
  /** the rules of the kind a leader may refuse it for (the mempool checks only nonce, fee and signature) */
  refusalHint: string;
  /** with --wait: what the tx did, after "included at slot S (epoch E); " */
  report?(run: TxRun, included: Inclusion, checked: Checked): Promise<string>;
  /** without --wait: a note on when it takes effect */
  noWait?(run: TxRun, checked: Checked): Promise<void>;
}

const DEFAULT_WAIT_MS = 120_000;

/** Loads --key, asking --password-file or the environment for a keystore's password. */
export async function loadTxKey(values: FlagValues, io: Io, path = str(values, "key")): Promise<KeyFile> {
  const file = optStr(values, "password-file");
  const source = passwordSource(file ? { path: resolve(file), from: "--password-file" } : undefined, process.env);
  return loadKeyFile(resolve(path), { password: () => readPassword(source, process.env, io.err) });
}

/**
 * The genesis file given as --genesis (or undefined): it must be this chain's, and, when the
 * kind belongs to one mechanism, run that mechanism.
 */
export async function chainGenesis(run: TxRun, kind: string, mechanism?: MechanismName): Promise<Genesis | undefined> {
  const path = optStr(run.values, "genesis");
  if (path === undefined) return undefined;
  const genesis = await readGenesisFile(resolve(path));
  const { chainId } = genesis.config;
  if (chainId !== run.status.chainId) throw new UsageError(`--genesis: ${path} is the genesis of chain ${chainId}; ${run.api} runs chain ${run.status.chainId}`);
  if (mechanism !== undefined && genesis.config.mechanism !== mechanism) {
    throw new UsageError(`--genesis: this chain runs ${genesis.config.mechanism}; ${kind} txs belong to the ${mechanism} mechanism and would be refused`);
  }
  return genesis;
}

export function txCommand<Checked>(def: TxCommandDef<Checked>): Command {
  return {
    spec: { name: `tx ${def.name}`, summary: def.summary, flags: { ...commonFlags, ...def.flags }, notes: [...(def.notes ?? []), "Prints the tx hash on stdout."] },
    async run(values, io) {
      const api = url(values, "api");
      const fee = amountFlag(values, "fee");
      const nonce = optIntFlag(values, "nonce", 0, Number.MAX_SAFE_INTEGER, "a nonce");
      const checked = def.check(values);
      const token = await apiTokenOf(values, process.env);
      const keys = await loadTxKey(values, io);
      const status = await getStatus(api);
      const run: TxRun = { api, io, values, keys, status, fee, params: (spend = 0n) => fundedParams(api, keys, status, fee, spend, nonce) };
      const built = await def.build(checked, run);
      let hash: string;
      try {
        hash = await send(io, api, built.tx, def.name, token);
      } catch (error) {
        await built.undo?.();
        throw error;
      }
      if (!bool(values, "wait")) {
        await def.noWait?.(run, checked);
        return 0;
      }
      const slot = await waitIncluded(api, hash, { timeoutMs: DEFAULT_WAIT_MS, ...built.wait, refusalHint: def.refusalHint });
      const included = { hash, slot, epoch: Math.floor(slot / status.slotsPerEpoch) };
      const what = (await def.report?.(run, included, checked)) ?? "";
      io.out(`included at slot ${slot} (epoch ${included.epoch})${what === "" ? "" : `; ${what}`}`);
      return 0;
    },
  };
}

/**
 * A stake (or exit) made in epoch E counts in the committee computed at the next epoch
 * transition, the committee of epoch E+2 (core transition/epoch.ts): that is when a new
 * sequencer first leads, or when an exited one has left every committee.
 */
export const committeeEpochOf = (inclusionEpoch: number): number => inclusionEpoch + 2;
