/**
 * Genesis: a JSON file with the chain parameters, the sequencers (BLS key, controlling
 * ed25519 account, stake) and the funded accounts. Loading names the first wrong field
 * and what was expected.
 */
import { ConfigError } from "../errors.js";
import { toHex } from "../crypto/hex.js";
import { sha256, uint64Bytes } from "../crypto/hash.js";
import * as ssz from "../types/ssz.js";
import { headerRoot, stateRoot, txRoot } from "../types/encoding.js";
import { computeEpochCommittee } from "../schedule/committee.js";
import { mechanismParamsToJson } from "../mechanism/params.js";
import { effectiveStake, minStakeName, minStakeOf } from "../mechanism/stake.js";
import type { SequencerExtras } from "../state/sequencer.js";
import { newSequencer } from "../transition/sequencer.js";
import { devnetPreset, epochStartSlot, parseAmount, validateChainConfig, type ChainConfig, type MechanismName } from "./chainConfig.js";
import { hexField, isObject } from "./fields.js";
import { governanceToJson } from "./governance.js";
import { COMMON_SEQUENCER_FIELDS, MECHANISM_SEQUENCER_FIELDS, parseSequencerExtras, sequencerExtrasToJson } from "./genesisExtras.js";

/** A genesis sequencer; its mechanism's fields (SequencerExtras: pos tokenStakes, dpos commissionBps) are optional. */
export interface GenesisSequencer extends SequencerExtras {
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
  "missWindow",
  "maxWindowMisses",
  "restartGraceEpochs",
  "evidenceEpochs",
  "unbondingEpochs",
  "leakRateBps",
  "minStake",
  "slashFractionBps",
  "minFee",
  "maxBatchTxs",
  "maxPayloadBytes",
  "clockDisparityMs",
  "mechanism",
] as const;
const SEQUENCER_FIELDS: readonly string[] = [...COMMON_SEQUENCER_FIELDS, ...MECHANISM_SEQUENCER_FIELDS];
const TOP_KEYS = new Set<string>([...CONFIG_KEYS, "mechanismParams", "governance", "sequencers", "accounts"]);

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
    missWindow: c.missWindow as number,
    maxWindowMisses: c.maxWindowMisses as number,
    restartGraceEpochs: c.restartGraceEpochs as number,
    evidenceEpochs: c.evidenceEpochs as number,
    unbondingEpochs: c.unbondingEpochs as number,
    leakRateBps: c.leakRateBps as number,
    minStake: parseAmount(c.minStake, "minStake", 1n),
    slashFractionBps: c.slashFractionBps as number,
    minFee: parseAmount(c.minFee, "minFee"),
    maxBatchTxs: c.maxBatchTxs as number,
    maxPayloadBytes: c.maxPayloadBytes as number,
    clockDisparityMs: c.clockDisparityMs as number,
    mechanism: c.mechanism as MechanismName,
    mechanismParams: json.mechanismParams,
    governance: json.governance,
  });

  if (!Array.isArray(json.sequencers) || json.sequencers.length === 0) {
    throw new ConfigError("sequencers", "a non-empty array of {pubkey, account, stake}", json.sequencers);
  }
  const seen = new Set<string>();
  const sequencers = json.sequencers.map((s: unknown, i: number): GenesisSequencer => {
    const f = `sequencers[${i}]`;
    if (!isObject(s)) throw new ConfigError(f, "an object {pubkey, account, stake}", s);
    for (const k of Object.keys(s)) {
      if (!SEQUENCER_FIELDS.includes(k)) throw new ConfigError(`${f}.${k}`, "no such sequencer field", s[k]);
    }
    const pubkey = hexField(s.pubkey, `${f}.pubkey`, 48);
    const id = toHex(pubkey);
    if (seen.has(id)) throw new ConfigError(`${f}.pubkey`, "a pubkey not already used by another sequencer", s.pubkey);
    seen.add(id);
    const stake = parseAmount(s.stake, `${f}.stake`);
    const extras = parseSequencerExtras(s, f, config);
    const min = minStakeOf(config);
    if (effectiveStake({ stake, tokenStakes: extras.tokenStakes ?? [] }, config) < min) {
      throw new ConfigError(`${f}.stake`, `at least ${minStakeName(config)} (${min})`, s.stake);
    }
    return { pubkey, account: hexField(s.account, `${f}.account`, 32), stake, ...extras };
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
  checkGenesisAmounts(config, sequencers, accounts);
  return { config, sequencers, accounts };
}

/**
 * Amounts are u64 in the state (state/amounts.ts): the native supply (balances and
 * stakes), each sequencer's weight (pos token weights multiply stake) and each token's total
 * must fit, so that no later sum can wrap.
 */
export function checkGenesisAmounts(config: ChainConfig, sequencers: GenesisSequencer[], accounts: GenesisAccount[]): void {
  let supply = 0n;
  for (const a of accounts) supply += a.balance;
  for (const s of sequencers) supply += s.stake;
  if (supply > ssz.MAX_AMOUNT) {
    throw new ConfigError("accounts", `balances and stakes that sum to at most 2^64 - 1 (the native supply is ${supply})`, undefined);
  }
  const tokenTotals: bigint[] = [];
  sequencers.forEach((s, i) => {
    const weight = effectiveStake({ stake: s.stake, tokenStakes: s.tokenStakes ?? [] }, config);
    if (weight > ssz.MAX_AMOUNT) {
      throw new ConfigError(`sequencers[${i}].stakes`, `stakes whose weighted sum is at most 2^64 - 1 (it is ${weight})`, undefined);
    }
    (s.tokenStakes ?? []).forEach((amount, t) => {
      tokenTotals[t] = (tokenTotals[t] ?? 0n) + amount;
      if (tokenTotals[t] > ssz.MAX_AMOUNT) {
        throw new ConfigError(`sequencers[${i}].stakes`, `token stakes that sum to at most 2^64 - 1 per token`, undefined);
      }
    });
  });
}

/** The JSON form of a genesis (amounts as decimal strings, bytes as 0x hex). */
export function genesisToJson(g: Genesis): Record<string, unknown> {
  const c = g.config;
  return {
    ...Object.fromEntries(CONFIG_KEYS.map((k) => [k, typeof c[k] === "bigint" ? c[k].toString() : c[k]])),
    mechanismParams: mechanismParamsToJson(c.mechanismParams),
    ...(c.governance.keys.length > 0 ? { governance: governanceToJson(c.governance) } : {}),
    sequencers: g.sequencers.map((s) => ({
      pubkey: toHex(s.pubkey),
      account: toHex(s.account),
      stake: s.stake.toString(),
      ...sequencerExtrasToJson(s, c),
    })),
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
    currentCommittee: { epoch: 0, seed: new Uint8Array(32), members: [], equalShares: false, fallbacks: [] },
    nextCommittee: { epoch: 1, seed: new Uint8Array(32), members: [], equalShares: false, fallbacks: [] },
    sequencers: g.sequencers.map((s) => newSequencer(g.config, { ...s, epoch: null })),
    accounts: g.accounts.map((a) => ({ pubkey: a.pubkey, balance: a.balance, nonce: 0, tokens: [] })),
    treasury: 0n,
    burned: 0n,
    leaked: 0n,
    issued: 0n,
    graceUntilSlot: epochStartSlot(g.config, g.config.restartGraceEpochs),
    supply: g.accounts.reduce((sum, a) => sum + a.balance, 0n) + g.sequencers.reduce((sum, s) => sum + s.stake, 0n),
    governanceNonce: 0,
    epochTxs: 0,
    txVolume: 0,
    bids: [],
    delegations: [],
    unbonding: [],
  };
  state.currentCommittee = computeEpochCommittee(state, g.config, 0);
  state.nextCommittee = computeEpochCommittee(state, g.config, 1);
  for (const m of [...state.currentCommittee.members, ...state.currentCommittee.fallbacks]) state.sequencers[m.index].lastCommitteeEpoch = 1;
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
