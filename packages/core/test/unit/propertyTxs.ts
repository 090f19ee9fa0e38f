/**
 * The property tests' keys, genesis and txs: a scenario's chain spec as genesis JSON, and each
 * abstract tx spec built into a signed tx against the state it will meet (propertyScenario.ts).
 */
import { computeEpoch, epochStartSlot } from "../../src/config/chainConfig.js";
import { parseGenesis, type Genesis } from "../../src/config/genesis.js";
import type { BlsKeypair } from "../../src/crypto/bls.js";
import type { Ed25519Keypair } from "../../src/crypto/ed25519.js";
import { sha256, uint64Bytes } from "../../src/crypto/hash.js";
import { toHex } from "../../src/crypto/hex.js";
import { ConfigError } from "../../src/errors.js";
import {
  findDelegation,
  makeAdmitTx,
  makeBidTx,
  makeCommissionTx,
  makeDelegateTx,
  makeRevealTx,
  makeUndelegateTx,
} from "../../src/mechanism/index.js";
import { paramsOf } from "../../src/mechanism/params.js";
import { extraTokenCount } from "../../src/mechanism/stake.js";
import { signBatchHeader, signProofOfPossession } from "../../src/signing.js";
import { findSequencerIndex } from "../../src/state/accounts.js";
import {
  findAccountIndex,
  makeEvictTx,
  makeRejoinTx,
  makeSlashTx,
  makeStakeTx,
  makeTransferTx,
  makeUnstakeTx,
  makeUserTx,
  type TxFields,
} from "../../src/transition/index.js";
import { SequencerStatus } from "../../src/types/enums.js";
import { MAX_AMOUNT, type BatchHeader, type SignedBatchHeader, type State, type Tx } from "../../src/types/ssz.js";
import { blsKey, edKey } from "./helpers.js";
import { BPS, MAX_SEQUENCERS, TARGET_NONE, USERS, type ChainSpec, type Pick, type Run, type TxKindName, type TxSpec } from "./propertyScenario.js";

// ---------------------------------------------------------------- keys

const GENESIS_SEQUENCER_KEYS = Array.from({ length: MAX_SEQUENCERS }, (_, i) => blsKey(`prop-seq${i}`));
const FRESH_BLS_KEYS = Array.from({ length: 4 }, (_, i) => blsKey(`prop-fresh${i}`));
const USER_KEYS = Array.from({ length: USERS }, (_, i) => edKey(`prop-user${i}`));
const SEQUENCER_ACCOUNT_KEYS = Array.from({ length: MAX_SEQUENCERS }, (_, i) => edKey(`prop-seqacc${i}`));
/** accounts of authorities admitted by governance: unfunded until they earn fees */
const AUTHORITY_KEYS = Array.from({ length: 4 }, (_, i) => edKey(`prop-authority${i}`));
const GOVERNANCE_KEYS = Array.from({ length: 3 }, (_, i) => edKey(`prop-gov${i}`));
/** recipients of transfers that are no actor: their accounts are created and never spend */
const PAYEE_KEYS = Array.from({ length: 2 }, (_, i) => edKey(`prop-payee${i}`));
const ACTORS: Ed25519Keypair[] = [...USER_KEYS, ...SEQUENCER_ACCOUNT_KEYS, ...AUTHORITY_KEYS];
const ACTOR_BY_KEY = new Map(ACTORS.map((k) => [toHex(k.publicKey), k]));
export const BLS_BY_KEY = new Map([...GENESIS_SEQUENCER_KEYS, ...FRESH_BLS_KEYS].map((k) => [toHex(k.publicKey), k]));

/** BLS signatures are the slow part of a run: the same ones are made again and again, so keep them. */
const signatureCache = new Map<string, Uint8Array>();
function cached(id: string, sign: () => Uint8Array): Uint8Array {
  let sig = signatureCache.get(id);
  if (sig === undefined) signatureCache.set(id, (sig = sign()));
  return sig;
}
const proofOfPossession = (chainId: number, key: BlsKeypair): Uint8Array =>
  cached(`pop:${chainId}:${toHex(key.publicKey)}`, () => signProofOfPossession(chainId, key));
const withPop = (chainId: number, key: BlsKeypair) => ({ pubkey: key.publicKey, proofOfPossession: proofOfPossession(chainId, key) });
const cachedHeaderSignature = (h: BatchHeader, key: BlsKeypair): Uint8Array =>
  cached(`header:${toHex(key.publicKey)}:${h.slot}:${h.proposerIndex}:${toHex(h.txRoot)}`, () => signBatchHeader(h, key));

// ---------------------------------------------------------------- genesis

const fit = (raw: number, min: number, max: number): number => min + (raw % (max - min + 1));

/** The mechanismParams of genesis: the knobs, fitted into the ranges that depend on other fields. */
function mechanismParamsJson(c: ChainSpec): Record<string, unknown> {
  const k = c.params;
  const json = Object.fromEntries(Object.entries(k).map(([name, v]) => [name, typeof v === "bigint" ? v.toString() : v]));
  if ("tokenWeights" in k) return { tokens: k.tokenWeights.map((weightBps, t) => ({ name: t === 0 ? "native" : `tok${t}`, weightBps })) };
  if ("revealOffset" in k) return { ...json, revealOffset: fit(k.revealOffset, 1, c.slotsPerEpoch - 1) };
  if ("maxCommissionBps" in k) return { ...json, defaultCommissionBps: fit(k.defaultCommissionBps, 0, k.maxCommissionBps) };
  if ("initialScorePpm" in k) return { ...json, initialScorePpm: fit(k.initialScorePpm, k.floorScorePpm, 1_000_000) };
  return json;
}

/** The genesis JSON of a chain spec: what an operator would write, validated by parseGenesis. */
export function genesisJson(c: ChainSpec): Record<string, unknown> {
  const tokens = "tokenWeights" in c.params ? c.params.tokenWeights.length : 1;
  const maxCommissionBps = "maxCommissionBps" in c.params ? c.params.maxCommissionBps : 0;
  const governance = GOVERNANCE_KEYS.slice(0, c.governance.keys);
  return {
    chainId: 1,
    genesisTime: 0,
    slotMs: 1000,
    slotsPerEpoch: c.slotsPerEpoch,
    committeeSize: c.committeeSize,
    missesToEject: c.missesToEject,
    missWindow: c.missWindow,
    maxWindowMisses: fit(c.maxWindowMisses, 0, c.missWindow - 1),
    restartGraceEpochs: c.restartGraceEpochs,
    evidenceEpochs: c.evidenceEpochs,
    unbondingEpochs: c.evidenceEpochs + 2 + c.extraUnbondingEpochs,
    leakRateBps: c.leakRateBps,
    minStake: c.minStake.toString(),
    slashFractionBps: c.slashFractionBps,
    minFee: c.minFee.toString(),
    maxBatchTxs: c.maxBatchTxs,
    maxPayloadBytes: 64,
    mechanism: c.mechanism,
    mechanismParams: mechanismParamsJson(c),
    ...(governance.length > 0
      ? { governance: { threshold: fit(c.governance.threshold, 1, governance.length), keys: governance.map((k) => toHex(k.publicKey)) } }
      : {}),
    sequencers: c.sequencers.map((s, i) => ({
      pubkey: toHex(GENESIS_SEQUENCER_KEYS[i].publicKey),
      account: toHex(SEQUENCER_ACCOUNT_KEYS[i].publicKey),
      stake: s.stake.toString(),
      ...(tokens > 1 && s.tokenStakes.length > 0
        ? { stakes: Object.fromEntries(s.tokenStakes.slice(0, tokens - 1).map((a, t) => [`tok${t + 1}`, a.toString()])) }
        : {}),
      ...(c.mechanism === "dpos" ? { commissionBps: fit(s.commissionBps, 0, maxCommissionBps) } : {}),
    })),
    accounts: [...USER_KEYS, ...SEQUENCER_ACCOUNT_KEYS].map((k, i) => ({ pubkey: toHex(k.publicKey), balance: c.balances[i].toString() })),
  };
}

/** The validated genesis, or null (the run is skipped) when genesis refuses the stakes: below the minimum, or amounts beyond u64. */
export function parseSpecGenesis(c: ChainSpec): Genesis | null {
  try {
    return parseGenesis(genesisJson(c));
  } catch (e) {
    if (e instanceof ConfigError && /^sequencers\[\d+\]\.stakes?$|^accounts$/.test(e.type.field)) return null;
    throw e;
  }
}

// ---------------------------------------------------------------- txs from specs

export interface BuiltTx {
  tx: Tx;
  /** why it must be refused (broken on purpose), or null */
  mustRefuse: string | null;
  onIncluded?: () => void;
}

/** What a tx builder needs: the spec and the state the tx will meet. */
interface TxContext {
  run: Run;
  spec: TxSpec;
  cur: State;
  slot: number;
  chainId: number;
  fee: bigint;
  /** the sequencer the spec aims at; = the sequencer count for none */
  target: number;
}

const resolve = (p: Pick, base: bigint): bigint => ("raw" in p ? p.raw : base <= 0n ? 0n : (base * BigInt(p.frac)) / BigInt(BPS));
const clampAmount = (a: bigint): bigint => (a > MAX_AMOUNT ? MAX_AMOUNT : a < 0n ? 0n : a);
const bpsOf = (p: Pick): number => ("frac" in p ? p.frac : Number(p.raw % 20_001n));
const accountOf = (state: State, key: Ed25519Keypair) => state.accounts[findAccountIndex(state.accounts, key.publicKey)];
const spendableOf = (c: TxContext, key: Ed25519Keypair): bigint => (accountOf(c.cur, key)?.balance ?? 0n) - c.fee;
const actorOf = (c: TxContext): Ed25519Keypair => ACTORS[c.spec.actor % ACTORS.length];

/** The account that controls sequencer `index` when the spec says `own` (and it is an actor), else the spec's actor. */
function senderFor(c: TxContext, index: number): Ed25519Keypair {
  const seq = c.cur.sequencers[index];
  const controller = seq === undefined ? undefined : ACTOR_BY_KEY.get(toHex(seq.account));
  return c.spec.own && controller !== undefined ? controller : actorOf(c);
}

/** `make` at the sender's next nonce: one ahead (and so to be refused) when the spec is broken on purpose. */
function atNonce(c: TxContext, sender: Ed25519Keypair, make: (f: TxFields) => Tx): BuiltTx {
  const nonce = (accountOf(c.cur, sender)?.nonce ?? 0) + (c.spec.valid ? 0 : 1);
  return { tx: make({ nonce, fee: c.fee }), mustRefuse: c.spec.valid ? null : "its nonce is one ahead" };
}

/** `make` at the sender's next nonce, for the kinds broken another way (`brokenBecause`). */
function atRightNonce(c: TxContext, sender: Ed25519Keypair, make: (f: TxFields) => Tx, brokenBecause: string | null): BuiltTx {
  return { tx: make({ nonce: accountOf(c.cur, sender)?.nonce ?? 0, fee: c.fee }), mustRefuse: brokenBecause };
}

/** The first `threshold` governance keys; one fewer when the spec is broken on purpose. */
function governanceSigners(c: TxContext): { signers: { signer: number; key: Ed25519Keypair }[]; broken: string | null } {
  const { threshold } = c.run.config.governance;
  const n = c.spec.valid ? threshold : Math.max(0, threshold - 1);
  const broken = c.spec.valid ? null : `it carries ${n} of the ${threshold} governance signatures needed`;
  return { signers: GOVERNANCE_KEYS.slice(0, n).map((key, signer) => ({ signer, key })), broken };
}

function userTx(c: TxContext): BuiltTx {
  const sender = actorOf(c);
  return atNonce(c, sender, (f) => makeUserTx(c.chainId, sender, { ...f, payload: uint64Bytes(c.run.counter++) }));
}

/** A top-up of the target, or (target none) a new sequencer with a fresh key; broken: a proof of possession by another key. */
function stakeTx(c: TxContext): BuiltTx {
  const seq = c.cur.sequencers[c.target];
  const sender = senderFor(c, c.target);
  const amount = clampAmount(resolve(c.spec.amount, spendableOf(c, sender)));
  const key = seq === undefined ? FRESH_BLS_KEYS[c.spec.key % FRESH_BLS_KEYS.length] : (BLS_BY_KEY.get(toHex(seq.pubkey)) as BlsKeypair);
  if (!c.spec.valid && findSequencerIndex(c.cur.sequencers, key.publicKey) < 0) {
    const pop = proofOfPossession(c.chainId, GENESIS_SEQUENCER_KEYS[0]);
    const make = (f: TxFields) => makeStakeTx(c.chainId, sender, { ...f, amount, pubkey: key.publicKey, proofOfPossession: pop });
    return atRightNonce(c, sender, make, "its proof of possession is by another key");
  }
  return atNonce(c, sender, (f) => makeStakeTx(c.chainId, sender, { ...f, amount, ...withPop(c.chainId, key) }));
}

/** Some of the target's stake in one of its tokens (pos), maybe as a temporary withdrawal (restake). */
function unstakeTx(c: TxContext): BuiltTx {
  const { config } = c.run;
  const seq = c.cur.sequencers[c.target];
  const token = config.mechanism === "pos" ? c.spec.token % (extraTokenCount(config) + 1) : 0;
  const staked = seq === undefined ? 0n : token === 0 ? seq.stake : (seq.tokenStakes[token - 1] ?? 0n);
  const amount = clampAmount(resolve(c.spec.amount, staked));
  const sender = senderFor(c, c.target);
  return atNonce(c, sender, (f) => makeUnstakeTx(c.chainId, sender, { ...f, sequencerIndex: c.target, amount, restake: c.spec.restake, token }));
}

/** Rejoin of an ejected sequencer if there is one (the target picks which). */
function rejoinTx(c: TxContext): BuiltTx {
  const ejected = c.cur.sequencers.flatMap((q, i) => (q.status === SequencerStatus.ejected ? [i] : []));
  const index = ejected.length > 0 ? ejected[c.spec.target % ejected.length] : c.target;
  const sender = senderFor(c, index);
  return atNonce(c, sender, (f) => makeRejoinTx(c.chainId, sender, { ...f, sequencerIndex: index }));
}

/** Evidence of equivocation by the target at the current slot; broken: the second header signed by another key. */
function slashTx(c: TxContext): BuiltTx {
  const seq = c.cur.sequencers[c.target];
  const offender = (seq === undefined ? undefined : BLS_BY_KEY.get(toHex(seq.pubkey))) ?? GENESIS_SEQUENCER_KEYS[0];
  const other = offender === FRESH_BLS_KEYS[0] ? FRESH_BLS_KEYS[1] : FRESH_BLS_KEYS[0];
  const header = (tag: number): BatchHeader => ({
    chainId: c.chainId,
    slot: Math.max(1, c.cur.slot), // inside the evidence window
    height: 1,
    proposerIndex: c.target,
    parentRoot: new Uint8Array(32),
    txRoot: sha256(uint64Bytes(tag)),
    stateRoot: new Uint8Array(32),
    randaoReveal: new Uint8Array(96),
  });
  const signed = (h: BatchHeader, k: BlsKeypair): SignedBatchHeader => ({ header: h, signature: cachedHeaderSignature(h, k) });
  const header1 = signed(header(1), offender);
  const header2 = signed(header(2), c.spec.valid ? offender : other);
  const sender = actorOf(c); // anyone may submit evidence
  const broken = c.spec.valid ? null : "the second header is signed by another key";
  return atRightNonce(c, sender, (f) => makeSlashTx(c.chainId, sender, { ...f, header1, header2 }), broken);
}

function evictTx(c: TxContext): BuiltTx {
  const { signers, broken } = governanceSigners(c);
  const sender = actorOf(c);
  const action = { sequencerIndex: c.target, penaltyBps: bpsOf(c.spec.amount), governanceNonce: c.cur.governanceNonce, signers };
  return atRightNonce(c, sender, (f) => makeEvictTx(c.chainId, sender, { ...f, ...action }), broken);
}

/** A fresh BLS key for one of the authority accounts (poa). */
function admitTx(c: TxContext): BuiltTx {
  const { signers, broken } = governanceSigners(c);
  const sender = actorOf(c);
  const blsKey = FRESH_BLS_KEYS[c.spec.key % FRESH_BLS_KEYS.length];
  const account = AUTHORITY_KEYS[c.spec.key % AUTHORITY_KEYS.length].publicKey;
  const action = { blsKey, account, governanceNonce: c.cur.governanceNonce, signers };
  return atRightNonce(c, sender, (f) => makeAdmitTx(c.chainId, sender, { ...f, ...action }), broken);
}

/** Whether the batch's slot is in the reveal part of its epoch (auction). */
function revealing(c: TxContext): boolean {
  const { config } = c.run;
  if (config.mechanism !== "auction") return false;
  return c.slot - epochStartSlot(config, computeEpoch(config, c.slot)) >= paramsOf(config, "auction").revealOffset;
}

/**
 * The auction's move of the phase, for both `bid` and `reveal` specs: in the reveal phase with
 * a bid sealed for the epoch after next, its reveal; otherwise a sealed bid (refused in the
 * reveal phase). A `reveal` spec broken on purpose reveals the wrong amount.
 */
function auctionTx(c: TxContext): BuiltTx {
  const epoch = computeEpoch(c.run.config, c.slot) + 2;
  return revealing(c) && sealedBidders(c, epoch).length > 0 && (c.spec.valid || c.spec.kind === "reveal") ? revealTx(c) : bidTx(c);
}

/** A sealed bid for the epoch after next, for a sequencer that has not exited if there is one (the target picks which). */
function bidTx(c: TxContext): BuiltTx {
  const epoch = computeEpoch(c.run.config, c.slot) + 2;
  const candidates = c.cur.sequencers.flatMap((q, i) => (q.status !== SequencerStatus.exited ? [i] : []));
  const index = c.spec.target === TARGET_NONE || candidates.length === 0 ? c.target : candidates[c.spec.target % candidates.length];
  const sender = senderFor(c, index);
  const spendable = spendableOf(c, sender);
  const amount = clampAmount(resolve(c.spec.amount, spendable));
  const deposit = clampAmount(amount + resolve(c.spec.amount2, spendable - amount));
  const salt = sha256(uint64Bytes(index), uint64Bytes(epoch), uint64Bytes(c.run.counter++));
  const built = atNonce(c, sender, (f) => makeBidTx(c.chainId, sender, { ...f, sequencerIndex: index, epoch, amount, salt, deposit }));
  return { ...built, onIncluded: () => c.run.bidSecrets.set(`${index}:${epoch}`, { amount, salt }) };
}

const sealedBidders = (c: TxContext, epoch: number): number[] =>
  [...c.run.bidSecrets.keys()].filter((k) => k.endsWith(`:${epoch}`)).map((k) => Number(k.split(":")[0]));

/** The reveal of a bid sealed for the epoch after next (the target picks which); broken: an amount it was not sealed with. */
function revealTx(c: TxContext): BuiltTx {
  const epoch = computeEpoch(c.run.config, c.slot) + 2;
  const sealed = sealedBidders(c, epoch);
  const bidder = sealed.length > 0 ? sealed[c.spec.target % sealed.length] : c.target;
  const secret = c.run.bidSecrets.get(`${bidder}:${epoch}`);
  const sender = senderFor(c, bidder);
  let amount = secret?.amount ?? clampAmount(resolve(c.spec.amount, spendableOf(c, sender)));
  let broken: string | null = null;
  if (secret !== undefined && !c.spec.valid) {
    amount = amount === MAX_AMOUNT ? amount - 1n : amount + 1n;
    broken = "its amount is not the one sealed";
  }
  const salt = secret?.salt ?? new Uint8Array(32);
  return atRightNonce(c, sender, (f) => makeRevealTx(c.chainId, sender, { ...f, sequencerIndex: bidder, epoch, amount, salt }), broken);
}

function delegateTx(c: TxContext): BuiltTx {
  const sender = actorOf(c);
  const amount = clampAmount(resolve(c.spec.amount, spendableOf(c, sender)));
  return atNonce(c, sender, (f) => makeDelegateTx(c.chainId, sender, { ...f, sequencerIndex: c.target, amount }));
}

/** Part of an existing delegation if there is one (the target picks which), by its delegator unless !own. */
function undelegateTx(c: TxContext): BuiltTx {
  const known = c.cur.delegations.filter((d) => ACTOR_BY_KEY.has(toHex(d.delegator)));
  const d = known.length > 0 ? known[c.spec.target % known.length] : undefined;
  const sender = d !== undefined && c.spec.own ? (ACTOR_BY_KEY.get(toHex(d.delegator)) as Ed25519Keypair) : actorOf(c);
  const index = d?.sequencerIndex ?? c.target;
  const k = findDelegation(c.cur.delegations, sender.publicKey, index);
  const held = k < 0 ? 0n : c.cur.delegations[k].amount + c.cur.delegations[k].pending;
  const amount = clampAmount(resolve(c.spec.amount, held));
  return atNonce(c, sender, (f) => makeUndelegateTx(c.chainId, sender, { ...f, sequencerIndex: index, amount }));
}

function commissionTx(c: TxContext): BuiltTx {
  const sender = senderFor(c, c.target);
  return atNonce(c, sender, (f) => makeCommissionTx(c.chainId, sender, { ...f, sequencerIndex: c.target, commissionBps: bpsOf(c.spec.amount) }));
}

/** Some of the sender's balance to an actor (an unfunded authority's account is created) or, target none, to a payee. */
function transferTx(c: TxContext): BuiltTx {
  const sender = actorOf(c);
  const to = c.spec.target === TARGET_NONE ? PAYEE_KEYS[c.spec.key % PAYEE_KEYS.length] : ACTORS[c.spec.target % ACTORS.length];
  const amount = clampAmount(resolve(c.spec.amount, spendableOf(c, sender)));
  return atNonce(c, sender, (f) => makeTransferTx(c.chainId, sender, { ...f, to: to.publicKey, amount }));
}

const BUILDERS: Record<TxKindName, (c: TxContext) => BuiltTx> = {
  user: userTx,
  stake: stakeTx,
  unstake: unstakeTx,
  rejoin: rejoinTx,
  slash: slashTx,
  evict: evictTx,
  admit: admitTx,
  bid: auctionTx,
  reveal: auctionTx,
  delegate: delegateTx,
  undelegate: undelegateTx,
  commission: commissionTx,
  transfer: transferTx,
};

export function buildTx(run: Run, spec: TxSpec, cur: State, slot: number): BuiltTx {
  const count = cur.sequencers.length;
  // `count` = none; a stake aims at count + 1 places, the last a new key
  const target = spec.target === TARGET_NONE ? count : spec.target % (spec.kind === "stake" ? count + 1 : count);
  const fee = clampAmount(run.config.minFee + spec.fee);
  return BUILDERS[spec.kind]({ run, spec, cur, slot, chainId: run.config.chainId, fee, target });
}
