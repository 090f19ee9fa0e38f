/**
 * Governance actions (docs/mechanisms.md, governance eviction): signed by `threshold` distinct keys of
 * the genesis governance set over signingRoot(action root, domain governanceEvict |
 * governanceAdmit), submitted by anyone (who pays the fee). Each action carries
 * state.governanceNonce, so a signed action is used once and in order. The txs themselves:
 * evict (every mechanism) in transition/governance.ts, admit (poa) in mechanism/poa.ts.
 */
import type { ChainParams } from "../config/chainParams.js";
import { ed25519Sign, ed25519Verify, type Ed25519Keypair } from "../crypto/ed25519.js";
import { computeDomain, computeSigningRoot } from "../signing.js";
import { DomainType } from "../types/enums.js";
import { AdmitAction, EvictAction, type GovernanceSignature, type State } from "../types/ssz.js";
import { badPayload, notAllowed } from "./txChecks.js";

export type GovernanceAction = { kind: "evict"; action: EvictAction } | { kind: "admit"; action: AdmitAction };

/** Governance keys that sign: `signer` is the key's index in genesis governance.keys. */
export type GovernanceSigners = { signer: number; key: Ed25519Keypair }[];

export function governanceSigningRoot(chainId: number, a: GovernanceAction): Uint8Array {
  return a.kind === "evict"
    ? computeSigningRoot(EvictAction.hashTreeRoot(a.action), computeDomain(chainId, DomainType.governanceEvict))
    : computeSigningRoot(AdmitAction.hashTreeRoot(a.action), computeDomain(chainId, DomainType.governanceAdmit));
}

/** Signatures of the given governance keys (signer = the key's index in genesis governance.keys). */
export function signGovernanceAction(chainId: number, a: GovernanceAction, signers: GovernanceSigners): GovernanceSignature[] {
  const root = governanceSigningRoot(chainId, a);
  return signers.map(({ signer, key }) => ({ signer, signature: ed25519Sign(key, root) }));
}

/** Throws a TxError unless `signatures` are a quorum of the governance keys over `a` at the state's governance nonce. */
export function checkQuorum(
  state: State,
  config: Pick<ChainParams, "chainId" | "governance">,
  a: GovernanceAction,
  signatures: GovernanceSignature[],
): void {
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
