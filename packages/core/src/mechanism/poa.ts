/**
 * Proof of authority: every authority (a candidate whose stake covers the bond,
 * mechanismParams.bond, 0 = none) has weight 1. Genesis lists the authorities; governance
 * adds them (admit tx, here) and removes them (evict tx, every mechanism); a stake tx cannot
 * make a new one.
 *
 * admit {pubkey, account}: a new authority, stake 0 (it posts the bond, if any, with a stake
 * tx from `account`); signed by a governance quorum (state/governance.ts); the proof of
 * possession of the BLS key must verify.
 */
import type { BlsKeypair } from "../crypto/bls.js";
import type { Ed25519Keypair } from "../crypto/ed25519.js";
import { findSequencerIndex } from "../state/accounts.js";
import { checkQuorum, signGovernanceAction, type GovernanceSigners } from "../state/governance.js";
import { badPayload, decodePayload, notAllowed } from "../state/txChecks.js";
import { makeTx, signProofOfPossession, verifyProofOfPossession, type TxFields } from "../signing.js";
import { decodeAdmitPayload } from "../types/encoding.js";
import { TxKind } from "../types/enums.js";
import { AdmitPayload, MAX_SEQUENCERS, type Tx } from "../types/ssz.js";
import { stakedCandidates } from "./eligible.js";
import { newSequencerOf } from "./sequencer.js";
import type { Mechanism, MechanismTx } from "./types.js";

/** poa: authorities of equal weight; `bond` replaces minStake (0 = no bond). */
export interface PoaParams {
  bond: bigint;
}

const admitTx: MechanismTx<PoaParams> = {
  kind: TxKind.admit,
  check(state, tx, _sender, config) {
    const p = decodePayload(decodeAdmitPayload, tx.body.payload);
    const { pubkey, account } = p.action;
    if (findSequencerIndex(state.sequencers, pubkey) >= 0) throw notAllowed("that BLS key is a sequencer already");
    if (state.sequencers.length >= MAX_SEQUENCERS) throw notAllowed("sequencer set full");
    checkQuorum(state, config, { kind: "admit", action: p.action }, p.signatures);
    if (!verifyProofOfPossession(config.chainId, pubkey, p.proofOfPossession)) throw badPayload("invalid proof of possession");
    return (draft) => {
      draft.appendSequencer(newSequencerOf(poaMechanism, config, { pubkey, account, stake: 0n, epoch: draft.state.epoch }));
      draft.state.governanceNonce += 1;
    };
  },
};

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

export const poaMechanism: Mechanism<"poa", PoaParams> = {
  name: "poa",
  defaultParams: () => ({ bond: 0n }),
  parseParams: (read) => ({ bond: read.amount("bond") }),
  weights(state, config) {
    return stakedCandidates(state.sequencers, config.mechanismParams.bond).map((c) => ({ index: c.index, weight: 1n }));
  },
  minStake: (config) => config.mechanismParams.bond,
  minStakeName: "the bond",
  checkStakeFromNewKey() {
    throw notAllowed("under poa only governance admits a new authority (admit tx)");
  },
  txs: [admitTx],
};
