/**
 * Genesis: a JSON file with the chain parameters, the sequencers (BLS key, controlling
 * ed25519 account, stake) and the funded accounts. Loading names the first wrong field
 * and what was expected.
 */
import { ConfigError } from "../errors.js";
import { fromHex, toHex } from "../crypto/hex.js";
import { sha256, uint64Bytes } from "../crypto/hash.js";
import { SequencerStatus } from "../types/enums.js";
import * as ssz from "../types/ssz.js";
import { headerRoot, stateRoot, txRoot } from "../types/encoding.js";
import { computeEpochCommittee } from "../schedule/committee.js";
import { devnetPreset, parseAmount, validateChainConfig, type ChainConfig, type MechanismName } from "./chainConfig.js";

export interface GenesisSequencer {
  pubkey: Uint8Array; // BLS, 48 bytes
  account: Uint8Array; // ed25519, 32 bytes
  stake: bigint;
}
export interface GenesisAccount {
  pubkey: Uint8Array;
  balance: bigint;
}
export interface Genesis {
  config: ChainConfig;
  sequencers: GenesisSequencer[];
  accounts: GenesisAccount[];
}

const CONFIG_KEYS = [
  "chainId",
  "genesisTime",
  "slotMs",
  "slotsPerEpoch",
  "committeeSize",
  "missesToEject",
  "leakRateBps",
  "minStake",
  "slashFractionBps",
  "minFee",
  "maxBatchTxs",
  "maxPayloadBytes",
  "clockDisparityMs",
  "mechanism",
] as const;
const TOP_KEYS = new Set<string>([...CONFIG_KEYS, "sequencers", "accounts"]);

function hexField(v: unknown, field: string, len: number): Uint8Array {
  try {
    return fromHex(v as string, len);
  } catch {
    throw new ConfigError(field, `0x-prefixed hex of ${len} bytes`, v);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses and validates a genesis object (already JSON.parsed). */
export function parseGenesis(json: unknown): Genesis {
  if (!isObject(json)) throw new ConfigError("genesis", "a JSON object", json);
  for (const k of Object.keys(json)) {
    if (!TOP_KEYS.has(k)) throw new ConfigError(k, `no such genesis field (known: ${[...TOP_KEYS].join(", ")})`, json[k]);
  }
  const c: Record<string, unknown> = { ...devnetPreset, ...json };
  if (json.genesisTime === undefined) throw new ConfigError("genesisTime", "unix time in ms (integer)", undefined);
  const config = validateChainConfig({
    chainId: c.chainId as number,
    genesisTime: c.genesisTime as number,
    slotMs: c.slotMs as number,
    slotsPerEpoch: c.slotsPerEpoch as number,
    committeeSize: c.committeeSize as number,
    missesToEject: c.missesToEject as number,
    leakRateBps: c.leakRateBps as number,
    minStake: parseAmount(c.minStake, "minStake", 1n),
    slashFractionBps: c.slashFractionBps as number,
    minFee: parseAmount(c.minFee, "minFee"),
    maxBatchTxs: c.maxBatchTxs as number,
    maxPayloadBytes: c.maxPayloadBytes as number,
    clockDisparityMs: c.clockDisparityMs as number,
    mechanism: c.mechanism as MechanismName,
  });

  if (!Array.isArray(json.sequencers) || json.sequencers.length === 0) {
    throw new ConfigError("sequencers", "a non-empty array of {pubkey, account, stake}", json.sequencers);
  }
  const seen = new Set<string>();
  const sequencers = json.sequencers.map((s: unknown, i: number): GenesisSequencer => {
    const f = `sequencers[${i}]`;
    if (!isObject(s)) throw new ConfigError(f, "an object {pubkey, account, stake}", s);
    const pubkey = hexField(s.pubkey, `${f}.pubkey`, 48);
    const id = toHex(pubkey);
    if (seen.has(id)) throw new ConfigError(`${f}.pubkey`, "a pubkey not already used by another sequencer", s.pubkey);
    seen.add(id);
    const stake = parseAmount(s.stake, `${f}.stake`);
    if (stake < config.minStake) throw new ConfigError(`${f}.stake`, `at least minStake (${config.minStake})`, s.stake);
    return { pubkey, account: hexField(s.account, `${f}.account`, 32), stake };
  });
  const accountsJson = json.accounts ?? [];
  if (!Array.isArray(accountsJson)) throw new ConfigError("accounts", "an array of {pubkey, balance}", accountsJson);
  const seenAcc = new Set<string>();
  const accounts = accountsJson.map((a: unknown, i: number): GenesisAccount => {
    const f = `accounts[${i}]`;
    if (!isObject(a)) throw new ConfigError(f, "an object {pubkey, balance}", a);
    const pubkey = hexField(a.pubkey, `${f}.pubkey`, 32);
    const id = toHex(pubkey);
    if (seenAcc.has(id)) throw new ConfigError(`${f}.pubkey`, "an account listed once", a.pubkey);
    seenAcc.add(id);
    return { pubkey, balance: parseAmount(a.balance, `${f}.balance`) };
  });
  return { config, sequencers, accounts };
}

/** The JSON form of a genesis (amounts as decimal strings, bytes as 0x hex). */
export function genesisToJson(g: Genesis): Record<string, unknown> {
  const c = g.config;
  return {
    ...Object.fromEntries(CONFIG_KEYS.map((k) => [k, typeof c[k] === "bigint" ? c[k].toString() : c[k]])),
    sequencers: g.sequencers.map((s) => ({ pubkey: toHex(s.pubkey), account: toHex(s.account), stake: s.stake.toString() })),
    accounts: g.accounts.map((a) => ({ pubkey: toHex(a.pubkey), balance: a.balance.toString() })),
  };
}

export function genesisRandaoMix(config: ChainConfig): Uint8Array {
  return sha256(new TextEncoder().encode("baton genesis"), uint64Bytes(config.chainId), uint64Bytes(config.genesisTime));
}

export function createGenesisState(g: Genesis): ssz.State {
  const state: ssz.State = {
    chainId: g.config.chainId,
    slot: 0,
    height: 0,
    epoch: 0,
    randaoMix: genesisRandaoMix(g.config),
    currentCommittee: { epoch: 0, seed: new Uint8Array(32), members: [] },
    nextCommittee: { epoch: 1, seed: new Uint8Array(32), members: [] },
    sequencers: g.sequencers.map((s) => ({
      pubkey: s.pubkey,
      account: s.account,
      stake: s.stake,
      status: SequencerStatus.active,
      produced: 0,
      misses: 0,
      consecutiveMisses: 0,
      ejectedEpoch: 0,
      rejoinEpoch: 0,
      slashed: false,
    })),
    accounts: g.accounts.map((a) => ({ pubkey: a.pubkey, balance: a.balance, nonce: 0 })),
    treasury: 0n,
    burned: 0n,
  };
  state.currentCommittee = computeEpochCommittee(state, g.config, 0);
  state.nextCommittee = computeEpochCommittee(state, g.config, 1);
  return state;
}

/** The genesis batch header: slot 0, height 0; the first real batch builds on its root. */
export function genesisHeader(config: ChainConfig, state: ssz.State): ssz.BatchHeader {
  return {
    chainId: config.chainId,
    slot: 0,
    height: 0,
    proposerIndex: 0,
    parentRoot: new Uint8Array(32),
    txRoot: txRoot([]),
    stateRoot: stateRoot(state),
    randaoReveal: new Uint8Array(96),
  };
}

export function genesisRoot(config: ChainConfig, state: ssz.State): Uint8Array {
  return headerRoot(genesisHeader(config, state));
}
