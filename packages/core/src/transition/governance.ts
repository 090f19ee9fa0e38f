/**
 * Governance txs, signed by `threshold` distinct keys of the genesis governance set over
 * signingRoot(action root, domain governanceEvict | governanceAdmit) and submitted by anyone
 * (who pays the fee). Each action carries state.governanceNonce, so a signed action is used
 * once and in order.
 * - evict {sequencerIndex, penaltyBps}: the fallback for subjective bad behaviour (censoring,
 *   bad-faith MEV): the sequencer is exited for good (`evicted`: no stake, no rejoin with this
 *   key) and penaltyBps of everything staked on it (delegations too) is burned; it may
 *   withdraw the rest. Every mechanism.
 * - admit {pubkey, account}: poa only: a new authority, stake 0 (it posts the bond, if any,
 *   with a stake tx from `account`); the proof of possession of the BLS key must verify.
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { ed25519Sign, ed25519Verify, type Ed25519Keypair } from "../crypto/ed25519.js";
import { computeDomain, computeSigningRoot, verifyProofOfPossession } from "../signing.js";
import { decodeAdmitPayload, decodeEvictPayload } from "../types/encoding.js";
import { DomainType } from "../types/enums.js";
import {
  AdmitAction,
  EvictAction,
  MAX_SEQUENCERS,
  type Account,
  type GovernanceSignature,
  type State,
  type Tx,
} from "../types/ssz.js";
import { findSequencerIndex } from "./accounts.js";
import type { StateDraft } from "./draft.js";
import { burnShare } from "./penalties.js";
import { newSequencer } from "./sequencer.js";
import { badPayload, decodePayload, notAllowed } from "./txChecks.js";
import { SequencerStatus } from "../types/enums.js";

export type GovernanceAction = { kind: "evict"; action: EvictAction } | { kind: "admit"; action: AdmitAction };

export function governanceSigningRoot(chainId: number, a: GovernanceAction): Uint8Array {
  return a.kind === "evict"
    ? computeSigningRoot(EvictAction.hashTreeRoot(a.action), computeDomain(chainId, DomainType.governanceEvict))
    : computeSigningRoot(AdmitAction.hashTreeRoot(a.action), computeDomain(chainId, DomainType.governanceAdmit));
}

/** Signatures of the given governance keys (signer = the key's index in genesis governance.keys). */
export function signGovernanceAction(
  chainId: number,
  a: GovernanceAction,
  signers: { signer: number; key: Ed25519Keypair }[],
): GovernanceSignature[] {
  const root = governanceSigningRoot(chainId, a);
  return signers.map(({ signer, key }) => ({ signer, signature: ed25519Sign(key, root) }));
}

function checkQuorum(state: State, config: ChainConfig, a: GovernanceAction, signatures: GovernanceSignature[]): void {
  const { keys, threshold } = config.governance;
  if (keys.length === 0) throw notAllowed("this chain has no governance keys (genesis governance)");
  if (a.action.nonce !== state.governanceNonce) {
    throw notAllowed(`governance nonce ${a.action.nonce}, expected ${state.governanceNonce}`);
  }
  const root = governanceSigningRoot(config.chainId, a);
  const seen = new Set<number>();
  for (const { signer, signature } of signatures) {
    if (signer >= keys.length || seen.has(signer)) throw badPayload(`governance signer ${signer} unknown or repeated`);
    if (!ed25519Verify(keys[signer], root, signature)) throw badPayload(`governance signature of signer ${signer} invalid`);
    seen.add(signer);
  }
  if (seen.size < threshold) throw notAllowed(`${seen.size} governance signatures, ${threshold} needed`);
}

export function checkEvict(state: State, tx: Tx, _sender: Account, config: ChainConfig) {
  const p = decodePayload(decodeEvictPayload, tx.body.payload);
  const { sequencerIndex, penaltyBps } = p.action;
  if (penaltyBps > 10_000) throw badPayload(`penaltyBps ${penaltyBps} > 10000`);
  const seq = state.sequencers[sequencerIndex];
  if (seq === undefined) throw notAllowed(`no sequencer ${sequencerIndex}`);
  if (seq.evicted) throw notAllowed(`sequencer ${sequencerIndex} was evicted already`);
  checkQuorum(state, config, { kind: "evict", action: p.action }, p.signatures);
  return (draft: StateDraft): void => {
    if (penaltyBps > 0) burnShare(draft, sequencerIndex, penaltyBps);
    const s = draft.sequencer(sequencerIndex);
    s.evicted = true;
    s.status = SequencerStatus.exited;
    s.rejoinEpoch = 0;
    s.restakeOwed = 0n;
    draft.state.governanceNonce += 1;
  };
}

export function checkAdmit(state: State, tx: Tx, _sender: Account, config: ChainConfig) {
  const p = decodePayload(decodeAdmitPayload, tx.body.payload);
  const { pubkey, account } = p.action;
  if (findSequencerIndex(state.sequencers, pubkey) >= 0) throw notAllowed("that BLS key is a sequencer already");
  if (state.sequencers.length >= MAX_SEQUENCERS) throw notAllowed("sequencer set full");
  checkQuorum(state, config, { kind: "admit", action: p.action }, p.signatures);
  if (!verifyProofOfPossession(config.chainId, pubkey, p.proofOfPossession)) throw badPayload("invalid proof of possession");
  return (draft: StateDraft): void => {
    draft.appendSequencer(newSequencer(config, { pubkey, account, stake: 0n, epoch: draft.state.epoch }));
    draft.state.governanceNonce += 1;
  };
}
