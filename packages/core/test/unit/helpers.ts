/**
 * Shared fixtures for core unit tests: a genesis of N sequencers and M funded users with
 * deterministic keys, and helpers to produce, re-sign and tamper with batches.
 */
import { createChainConfig, testPreset, type ChainConfig } from "../../src/config/chainConfig.js";
import { createGenesisState, genesisRoot, type Genesis } from "../../src/config/genesis.js";
import { blsKeypairFromSeed, type BlsKeypair } from "../../src/crypto/bls.js";
import { ed25519FromSeed, type Ed25519Keypair } from "../../src/crypto/ed25519.js";
import { sha256 } from "../../src/crypto/hash.js";
import { getEffectiveLeader } from "../../src/schedule/index.js";
import { signBatchHeader } from "../../src/signing.js";
import { headerRoot, txRoot } from "../../src/types/encoding.js";
import type { BatchHeader, Sequencer, SignedBatch, State, Tx } from "../../src/types/ssz.js";
import { buildBatch, makeUserTx, processSlots, type BuiltBatch } from "../../src/transition/index.js";

const text = (s: string) => new TextEncoder().encode(s);

/** Deterministic keys: the same label always gives the same key. */
export const blsKey = (label: string | number): BlsKeypair => blsKeypairFromSeed(sha256(text(`bls:${label}`)));
export const edKey = (label: string | number): Ed25519Keypair => ed25519FromSeed(sha256(text(`ed25519:${label}`)));

export interface TestChain {
  config: ChainConfig;
  genesis: Genesis;
  state: State;
  root: Uint8Array;
  /** sequencer i's BLS key and controlling account */
  seqKeys: BlsKeypair[];
  seqAccounts: Ed25519Keypair[];
  /** funded user accounts; users[i] is state.accounts[i] */
  users: Ed25519Keypair[];
}

export interface TestChainOptions {
  sequencers?: number;
  users?: number;
  stakes?: bigint[];
  balance?: bigint;
  /** fund the sequencers' accounts too (after the users) */
  fundSequencers?: boolean;
  config?: Partial<ChainConfig>;
}

export const SMALL_CONFIG: Partial<ChainConfig> = { slotsPerEpoch: 4, missesToEject: 3, leakRateBps: 1_000, minStake: 1_000n };

export function makeTestChain(opts: TestChainOptions = {}): TestChain {
  const n = opts.sequencers ?? 4;
  const config = createChainConfig({ genesisTime: 0, ...SMALL_CONFIG, ...opts.config }, testPreset);
  const seqKeys = Array.from({ length: n }, (_, i) => blsKey(i));
  const seqAccounts = Array.from({ length: n }, (_, i) => edKey(`seq${i}`));
  const users = Array.from({ length: opts.users ?? 4 }, (_, i) => edKey(`user${i}`));
  const balance = opts.balance ?? 1_000_000n;
  const genesis: Genesis = {
    config,
    sequencers: seqKeys.map((k, i) => ({ pubkey: k.publicKey, account: seqAccounts[i].publicKey, stake: opts.stakes?.[i] ?? 10_000n })),
    accounts: [
      ...users.map((u) => ({ pubkey: u.publicKey, balance })),
      ...(opts.fundSequencers ? seqAccounts.map((a) => ({ pubkey: a.publicKey, balance })) : []),
    ],
  };
  const state = createGenesisState(genesis);
  return { config, genesis, state, root: genesisRoot(config, state), seqKeys, seqAccounts, users };
}

/** The effective leader of `slot` on top of `state` (after the empty slots before it). */
export function leaderAt(chain: TestChain, state: State, slot: number): number {
  return getEffectiveLeader(processSlots(state, slot, chain.config), chain.config, slot);
}

/** Builds the batch of `slot` by its effective leader (or `proposer`) on `state`. */
export function produce(
  chain: TestChain,
  state: State,
  slot: number,
  txs: Tx[] = [],
  opts: { proposer?: number; parentRoot?: Uint8Array } = {},
): BuiltBatch {
  const proposerIndex = opts.proposer ?? leaderAt(chain, state, slot);
  return buildBatch(state, chain.config, {
    slot,
    proposerIndex,
    parentRoot: opts.parentRoot ?? new Uint8Array(32),
    candidateTxs: txs,
    blsKey: chain.seqKeys[proposerIndex],
  });
}

/**
 * Runs the chain from `state` through slots (from, to]: each slot's effective leader produces,
 * except those for which `skip(slot, leader)` is true.
 */
export function runSlots(
  chain: TestChain,
  state: State,
  to: number,
  skip: (slot: number, leader: number) => boolean = () => false,
): State {
  for (let slot = state.slot + 1; slot <= to; slot++) {
    const leader = leaderAt(chain, state, slot);
    if (!skip(slot, leader)) state = produce(chain, state, slot).state;
  }
  return state;
}

/** A copy of `batch` with the header changed by `patch` and re-signed (by `key`). */
export function resign(batch: SignedBatch, key: BlsKeypair, patch: Partial<BatchHeader> = {}, txs?: Tx[]): SignedBatch {
  const newTxs = txs ?? batch.txs;
  const header = { ...batch.header, ...(txs ? { txRoot: txRoot(newTxs) } : {}), ...patch };
  return { header, txs: newTxs, signature: signBatchHeader(header, key) };
}

/** A copy of `state` with sequencer `index` changed (the input is not touched). */
export function withSequencer(state: State, index: number, patch: Partial<Sequencer>): State {
  const sequencers = state.sequencers.slice();
  sequencers[index] = { ...sequencers[index], ...patch };
  return { ...state, sequencers };
}

/** `count` user txs from users[0..] round robin, starting at the accounts' current nonces. */
export function userTxs(chain: TestChain, state: State, count: number, payloadBytes = 100): Tx[] {
  const nonces = chain.users.map((_, i) => state.accounts[i].nonce);
  return Array.from({ length: count }, (_, k) => {
    const u = k % chain.users.length;
    return makeUserTx(chain.config.chainId, chain.users[u], { nonce: nonces[u]++, fee: 1n, payload: new Uint8Array(payloadBytes).fill(k % 256) });
  });
}

export const rootHex = (h: BatchHeader): string => Buffer.from(headerRoot(h)).toString("hex");
