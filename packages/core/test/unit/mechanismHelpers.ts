/**
 * Fixtures for the mechanism tests: a chain on one mechanism (sequencers' accounts funded,
 * optional governance keys), and a fast way through slots and epochs with the simulator's
 * entry points (applyUnsignedBatch: the real rules without signatures).
 */
import { createChainConfig, testPreset, type ChainConfig } from "../../src/config/chainConfig.js";
import { createGenesisState, type Genesis, type GenesisSequencer } from "../../src/config/genesis.js";
import { sha256, uint64Bytes } from "../../src/crypto/hash.js";
import type { Ed25519Keypair } from "../../src/crypto/ed25519.js";
import { TxError, type TxErrorCode } from "../../src/errors.js";
import type { MechanismName } from "../../src/mechanism/params.js";
import { getEffectiveLeader } from "../../src/schedule/index.js";
import { applyUnsignedBatch, findAccountIndex, processSlots, processSlotsUnsigned } from "../../src/transition/index.js";
import type { State, Tx } from "../../src/types/ssz.js";
import * as assert from "uvu/assert";
import { blsKey, edKey, SMALL_CONFIG, type TestChain } from "./helpers.js";

export interface MechChainOptions {
  sequencers?: number;
  stakes?: bigint[];
  params?: unknown;
  config?: Record<string, unknown>;
  /** number of governance keys (threshold given in `threshold`, default 2) */
  governanceKeys?: number;
  threshold?: number;
  extras?: Partial<GenesisSequencer>[];
  users?: number;
}

export interface MechChain extends TestChain {
  governance: Ed25519Keypair[];
}

export const BALANCE = 1_000_000n;

export function mechChain(mechanism: MechanismName, o: MechChainOptions = {}): MechChain {
  const n = o.sequencers ?? 4;
  const governance = Array.from({ length: o.governanceKeys ?? 0 }, (_, i) => edKey(`gov${i}`));
  const config: ChainConfig = createChainConfig(
    {
      genesisTime: 0,
      ...SMALL_CONFIG,
      mechanism,
      mechanismParams: o.params,
      ...(governance.length > 0 ? { governance: { threshold: o.threshold ?? 2, keys: governance.map((k) => k.publicKey) } } : {}),
      ...o.config,
    },
    testPreset,
  );
  const seqKeys = Array.from({ length: n }, (_, i) => blsKey(i));
  const seqAccounts = Array.from({ length: n }, (_, i) => edKey(`seq${i}`));
  const users = Array.from({ length: o.users ?? 4 }, (_, i) => edKey(`user${i}`));
  const genesis: Genesis = {
    config,
    sequencers: seqKeys.map((k, i) => ({
      pubkey: k.publicKey,
      account: seqAccounts[i].publicKey,
      stake: o.stakes?.[i] ?? 10_000n,
      ...o.extras?.[i],
    })),
    accounts: [...users, ...seqAccounts].map((a) => ({ pubkey: a.publicKey, balance: BALANCE })),
  };
  const state = createGenesisState(genesis);
  return { config, genesis, state, root: new Uint8Array(32), seqKeys, seqAccounts, users, governance };
}

export const nonceOf = (state: State, key: Ed25519Keypair): number => state.accounts[findAccountIndex(state.accounts, key.publicKey)]?.nonce ?? 0;
export const balanceOf = (state: State, key: Ed25519Keypair | Uint8Array): bigint => {
  const pub = key instanceof Uint8Array ? key : key.publicKey;
  return state.accounts[findAccountIndex(state.accounts, pub)]?.balance ?? 0n;
};

/** The batch of `slot` by its effective leader, with `txs`; every tx must apply. */
export function step(c: TestChain, state: State, slot: number, txs: Tx[] = [], allowDrops = false): State {
  const before = processSlotsUnsigned(state, slot, c.config);
  const proposerIndex = getEffectiveLeader(before, c.config, slot);
  const r = applyUnsignedBatch(state, c.config, { slot, proposerIndex, txs, randaoReveal: sha256(uint64Bytes(slot)) });
  if (!allowDrops && r.dropped.length > 0) throw r.dropped[0].error;
  return r.state;
}

/** Every slot up to `to` produced (except those `skip` names), no txs. */
export function runTo(c: TestChain, state: State, to: number, skip: (slot: number, leader: number) => boolean = () => false): State {
  for (let slot = state.slot + 1; slot <= to; slot++) {
    const leader = getEffectiveLeader(processSlots(state, slot, c.config), c.config, slot);
    if (!skip(slot, leader)) state = step(c, state, slot);
  }
  return processSlotsUnsigned(state, to + 1, c.config);
}

export function expectTxError(fn: () => unknown, code: TxErrorCode, match?: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, TxError);
    assert.is((e as TxError).type.code, code, (e as Error).message);
    if (match) assert.match((e as Error).message, match);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

export const weightsOf = (members: { index: number; weight: bigint }[]): Record<number, bigint> =>
  Object.fromEntries(members.map((m) => [m.index, m.weight]));
