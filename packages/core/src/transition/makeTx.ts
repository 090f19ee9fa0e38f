/** Builders of signed txs (CLI, load generators, tests). */
import type { BlsKeypair } from "../crypto/bls.js";
import type { Ed25519Keypair } from "../crypto/ed25519.js";
import { makeTx, signProofOfPossession, type TxFields } from "../signing.js";
import { TxKind } from "../types/enums.js";
import { RejoinPayload, SlashPayload, StakePayload, UnstakePayload, type SignedBatchHeader, type Tx } from "../types/ssz.js";

export { makeTx, type TxFields };

export function makeUserTx(chainId: number, key: Ed25519Keypair, fields: TxFields & { payload: Uint8Array }): Tx {
  return makeTx(chainId, key, { ...fields, kind: TxKind.user });
}

/**
 * A stake tx for a BLS key: from the keypair (the proof of possession is signed here), or from
 * a public key and a proof made elsewhere (the operator's signer).
 */
export function makeStakeTx(
  chainId: number,
  key: Ed25519Keypair,
  fields: TxFields & { amount: bigint } & ({ blsKey: BlsKeypair } | { pubkey: Uint8Array; proofOfPossession: Uint8Array }),
): Tx {
  const { pubkey, proofOfPossession } =
    "blsKey" in fields
      ? { pubkey: fields.blsKey.publicKey, proofOfPossession: signProofOfPossession(chainId, fields.blsKey) }
      : fields;
  const payload = StakePayload.serialize({ pubkey, amount: fields.amount, proofOfPossession });
  return makeTx(chainId, key, { nonce: fields.nonce, fee: fields.fee, kind: TxKind.stake, payload });
}

export function makeUnstakeTx(
  chainId: number,
  key: Ed25519Keypair,
  fields: TxFields & { sequencerIndex: number; amount: bigint; restake?: boolean; token?: number },
): Tx {
  const payload = UnstakePayload.serialize({
    sequencerIndex: fields.sequencerIndex,
    amount: fields.amount,
    restake: fields.restake ?? false,
    token: fields.token ?? 0,
  });
  return makeTx(chainId, key, { nonce: fields.nonce, fee: fields.fee, kind: TxKind.unstake, payload });
}

export function makeRejoinTx(chainId: number, key: Ed25519Keypair, fields: TxFields & { sequencerIndex: number }): Tx {
  const payload = RejoinPayload.serialize({ sequencerIndex: fields.sequencerIndex });
  return makeTx(chainId, key, { nonce: fields.nonce, fee: fields.fee, kind: TxKind.rejoin, payload });
}

/** Evidence of equivocation: two signed headers of one proposer for one slot. */
export function makeSlashTx(
  chainId: number,
  key: Ed25519Keypair,
  fields: TxFields & { header1: SignedBatchHeader; header2: SignedBatchHeader },
): Tx {
  const payload = SlashPayload.serialize({ header1: fields.header1, header2: fields.header2 });
  return makeTx(chainId, key, { nonce: fields.nonce, fee: fields.fee, kind: TxKind.slash, payload });
}
