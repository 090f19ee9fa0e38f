/** Builders of the mechanisms' signed txs (governance, auction, dpos): CLI, sim, tests. */
import type { BlsKeypair } from "../crypto/bls.js";
import type { Ed25519Keypair } from "../crypto/ed25519.js";
import { signProofOfPossession } from "../signing.js";
import { TxKind } from "../types/enums.js";
import {
  AdmitPayload,
  BidCommitPayload,
  BidRevealPayload,
  CommissionPayload,
  DelegationPayload,
  EvictPayload,
  type Tx,
} from "../types/ssz.js";
import { bidCommitment } from "./auctionTxs.js";
import { signGovernanceAction } from "./governance.js";
import { makeTx, type TxFields } from "./makeTx.js";

/** Governance keys that sign: `signer` is the key's index in genesis governance.keys. */
export type GovernanceSigners = { signer: number; key: Ed25519Keypair }[];

export function makeEvictTx(
  chainId: number,
  key: Ed25519Keypair,
  f: TxFields & { sequencerIndex: number; penaltyBps: number; governanceNonce: number; signers: GovernanceSigners },
): Tx {
  const action = { sequencerIndex: f.sequencerIndex, penaltyBps: f.penaltyBps, nonce: f.governanceNonce };
  const signatures = signGovernanceAction(chainId, { kind: "evict", action }, f.signers);
  return makeTx(chainId, key, { nonce: f.nonce, fee: f.fee, kind: TxKind.evict, payload: EvictPayload.serialize({ action, signatures }) });
}

export function makeAdmitTx(
  chainId: number,
  key: Ed25519Keypair,
  f: TxFields & { blsKey: BlsKeypair; account: Uint8Array; governanceNonce: number; signers: GovernanceSigners },
): Tx {
  const action = { pubkey: f.blsKey.publicKey, account: f.account, nonce: f.governanceNonce };
  const signatures = signGovernanceAction(chainId, { kind: "admit", action }, f.signers);
  const payload = AdmitPayload.serialize({ action, proofOfPossession: signProofOfPossession(chainId, f.blsKey), signatures });
  return makeTx(chainId, key, { nonce: f.nonce, fee: f.fee, kind: TxKind.admit, payload });
}

/** The sealed bid: a commitment to `amount` (kept secret with `salt` until the reveal) and the deposit. */
export function makeBidTx(
  chainId: number,
  key: Ed25519Keypair,
  f: TxFields & { sequencerIndex: number; epoch: number; amount: bigint; salt: Uint8Array; deposit: bigint },
): Tx {
  const commitment = bidCommitment(chainId, f.sequencerIndex, f.epoch, f.amount, f.salt);
  const payload = BidCommitPayload.serialize({ sequencerIndex: f.sequencerIndex, epoch: f.epoch, commitment, deposit: f.deposit });
  return makeTx(chainId, key, { nonce: f.nonce, fee: f.fee, kind: TxKind.bid, payload });
}

export function makeRevealTx(
  chainId: number,
  key: Ed25519Keypair,
  f: TxFields & { sequencerIndex: number; epoch: number; amount: bigint; salt: Uint8Array },
): Tx {
  const payload = BidRevealPayload.serialize({ sequencerIndex: f.sequencerIndex, epoch: f.epoch, amount: f.amount, salt: f.salt });
  return makeTx(chainId, key, { nonce: f.nonce, fee: f.fee, kind: TxKind.reveal, payload });
}

export function makeDelegateTx(chainId: number, key: Ed25519Keypair, f: TxFields & { sequencerIndex: number; amount: bigint }): Tx {
  const payload = DelegationPayload.serialize({ sequencerIndex: f.sequencerIndex, amount: f.amount });
  return makeTx(chainId, key, { nonce: f.nonce, fee: f.fee, kind: TxKind.delegate, payload });
}

export function makeUndelegateTx(chainId: number, key: Ed25519Keypair, f: TxFields & { sequencerIndex: number; amount: bigint }): Tx {
  const payload = DelegationPayload.serialize({ sequencerIndex: f.sequencerIndex, amount: f.amount });
  return makeTx(chainId, key, { nonce: f.nonce, fee: f.fee, kind: TxKind.undelegate, payload });
}

export function makeCommissionTx(chainId: number, key: Ed25519Keypair, f: TxFields & { sequencerIndex: number; commissionBps: number }): Tx {
  const payload = CommissionPayload.serialize({ sequencerIndex: f.sequencerIndex, commissionBps: f.commissionBps });
  return makeTx(chainId, key, { nonce: f.nonce, fee: f.fee, kind: TxKind.commission, payload });
}
