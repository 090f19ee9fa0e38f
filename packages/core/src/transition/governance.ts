/**
 * The governance tx every mechanism takes (poa's admit is in mechanism/poa.ts), signed by a
 * governance quorum (state/governance.ts) and submitted by anyone (who pays the fee):
 * - evict {sequencerIndex, penaltyBps}: the fallback for subjective bad behaviour (censoring,
 *   bad-faith MEV): the sequencer is exited for good (`evicted`: no stake, no rejoin with this
 *   key) and penaltyBps of everything staked on it (delegations too) is burned; it may
 *   withdraw the rest.
 */
import type { ChainConfig } from "../config/chainConfig.js";
import type { Ed25519Keypair } from "../crypto/ed25519.js";
import type { TxApply } from "../mechanism/types.js";
import { makeTx, type TxFields } from "../signing.js";
import { checkQuorum, signGovernanceAction, type GovernanceSigners } from "../state/governance.js";
import { badPayload, decodePayload, notAllowed } from "../state/txChecks.js";
import { decodeEvictPayload } from "../types/encoding.js";
import { SequencerStatus, TxKind } from "../types/enums.js";
import { EvictPayload, type State, type Tx } from "../types/ssz.js";
import { burnShare } from "./penalties.js";

export function checkEvict(state: State, tx: Tx, config: ChainConfig): TxApply {
  const p = decodePayload(decodeEvictPayload, tx.body.payload);
  const { sequencerIndex, penaltyBps } = p.action;
  if (penaltyBps > 10_000) throw badPayload(`penaltyBps ${penaltyBps} > 10000`);
  const seq = state.sequencers[sequencerIndex];
  if (seq === undefined) throw notAllowed(`no sequencer ${sequencerIndex}`);
  if (seq.evicted) throw notAllowed(`sequencer ${sequencerIndex} was evicted already`);
  checkQuorum(state, config, { kind: "evict", action: p.action }, p.signatures);
  return (draft) => {
    if (penaltyBps > 0) burnShare(draft, sequencerIndex, penaltyBps);
    const s = draft.sequencer(sequencerIndex);
    s.evicted = true;
    s.status = SequencerStatus.exited;
    s.rejoinEpoch = 0;
    s.restakeOwed = 0n;
    draft.state.governanceNonce += 1;
  };
}

export function makeEvictTx(
  chainId: number,
  key: Ed25519Keypair,
  f: TxFields & { sequencerIndex: number; penaltyBps: number; governanceNonce: number; signers: GovernanceSigners },
): Tx {
  const action = { sequencerIndex: f.sequencerIndex, penaltyBps: f.penaltyBps, nonce: f.governanceNonce };
  const signatures = signGovernanceAction(chainId, { kind: "evict", action }, f.signers);
  return makeTx(chainId, key, { nonce: f.nonce, fee: f.fee, kind: TxKind.evict, payload: EvictPayload.serialize({ action, signatures }) });
}
