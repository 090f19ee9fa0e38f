/**
 * Signed txs as the CLI sends them (core's make*Tx builders), hex encoded for POST /txs.
 */
import {
  encodeTx,
  makeAdmitTx,
  makeBidTx,
  makeCommissionTx,
  makeDelegateTx,
  makeEvictTx,
  makeRejoinTx,
  makeRevealTx,
  makeStakeTx,
  makeTransferTx,
  makeUndelegateTx,
  makeUnstakeTx,
  makeUserTx,
  toHex,
  txHash,
  type BlsKeypair,
  type Ed25519Keypair,
  type GovernanceSigners,
  type Tx,
} from "@baton/core";

export interface TxParams {
  chainId: number;
  nonce: number;
  fee: bigint;
}

const fields = (params: TxParams) => ({ nonce: params.nonce, fee: params.fee });

export const userTx = (key: Ed25519Keypair, params: TxParams, payload: Uint8Array): Tx =>
  makeUserTx(params.chainId, key, { ...fields(params), payload });

/** Stakes `amount` for the BLS key `seqKey` (a new sequencer, or more stake for an existing one). */
export const stakeTx = (key: Ed25519Keypair, seqKey: BlsKeypair, params: TxParams, amount: bigint): Tx =>
  makeStakeTx(params.chainId, key, { ...fields(params), amount, blsKey: seqKey });

export const unstakeTx = (key: Ed25519Keypair, params: TxParams, sequencerIndex: number, amount: bigint, token = 0): Tx =>
  makeUnstakeTx(params.chainId, key, { ...fields(params), sequencerIndex, amount, token });

export const rejoinTx = (key: Ed25519Keypair, params: TxParams, sequencerIndex: number): Tx =>
  makeRejoinTx(params.chainId, key, { ...fields(params), sequencerIndex });

/** `amount` native units to the account `to` (32-byte ed25519 key), created if absent. */
export const transferTx = (key: Ed25519Keypair, params: TxParams, to: Uint8Array, amount: bigint): Tx =>
  makeTransferTx(params.chainId, key, { ...fields(params), to, amount });

/** What a sealed bid commits to; kept (with the salt) until the reveal. */
export interface SealedBid {
  sequencerIndex: number;
  epoch: number;
  amount: bigint;
  salt: Uint8Array;
  deposit: bigint;
}

export const bidTx = (key: Ed25519Keypair, params: TxParams, bid: SealedBid): Tx => makeBidTx(params.chainId, key, { ...fields(params), ...bid });

export const revealTx = (key: Ed25519Keypair, params: TxParams, bid: SealedBid): Tx =>
  makeRevealTx(params.chainId, key, { ...fields(params), sequencerIndex: bid.sequencerIndex, epoch: bid.epoch, amount: bid.amount, salt: bid.salt });

export const delegateTx = (key: Ed25519Keypair, params: TxParams, sequencerIndex: number, amount: bigint): Tx =>
  makeDelegateTx(params.chainId, key, { ...fields(params), sequencerIndex, amount });

export const undelegateTx = (key: Ed25519Keypair, params: TxParams, sequencerIndex: number, amount: bigint): Tx =>
  makeUndelegateTx(params.chainId, key, { ...fields(params), sequencerIndex, amount });

export const commissionTx = (key: Ed25519Keypair, params: TxParams, sequencerIndex: number, commissionBps: number): Tx =>
  makeCommissionTx(params.chainId, key, { ...fields(params), sequencerIndex, commissionBps });

/** A governance eviction signed by `signers` (each with its index in genesis governance.keys). */
export const evictTx = (
  key: Ed25519Keypair,
  params: TxParams,
  action: { sequencerIndex: number; penaltyBps: number; governanceNonce: number },
  signers: GovernanceSigners,
): Tx => makeEvictTx(params.chainId, key, { ...fields(params), ...action, signers });

/** A governance admission (poa) of the authority whose BLS key is `blsKey`, controlled by `account`. */
export const admitTx = (
  key: Ed25519Keypair,
  params: TxParams,
  action: { blsKey: BlsKeypair; account: Uint8Array; governanceNonce: number },
  signers: GovernanceSigners,
): Tx => makeAdmitTx(params.chainId, key, { ...fields(params), ...action, signers });

export const txToHex = (tx: Tx): string => toHex(encodeTx(tx));
export const txHashHex = (tx: Tx): string => toHex(txHash(tx));
