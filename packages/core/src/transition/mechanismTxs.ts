/**
 * The mechanisms' system txs, behind the common ones of systemTxs.ts: governance (evict for
 * every mechanism; admit under poa), auction (bid, reveal), dpos (delegate, undelegate,
 * commission). A kind the chain's mechanism does not use is NOT_ALLOWED. Each check returns
 * a deferred effect: it writes nothing until applied.
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { TxError, TxErrorCode } from "../errors.js";
import { getMechanism } from "../mechanism/index.js";
import { TX_KIND_NAMES, TxKind } from "../types/enums.js";
import type { Account, State, Tx } from "../types/ssz.js";
import { checkBid, checkReveal } from "./auctionTxs.js";
import { checkCommission, checkDelegate, checkUndelegate } from "./delegationTxs.js";
import type { StateDraft } from "./draft.js";
import { checkAdmit, checkEvict } from "./governance.js";

/** What a checked mechanism tx will do to the draft (the sender's account is `senderIndex`). */
export interface DeferredEffect {
  kind: "deferred";
  apply(draft: StateDraft, senderIndex: number): void;
}

type Checker = (state: State, tx: Tx, sender: Account, config: ChainConfig) => DeferredEffect["apply"];

const CHECKERS: Partial<Record<TxKind, Checker>> = {
  [TxKind.evict]: checkEvict,
  [TxKind.admit]: checkAdmit,
  [TxKind.bid]: checkBid,
  [TxKind.reveal]: checkReveal,
  [TxKind.delegate]: checkDelegate,
  [TxKind.undelegate]: checkUndelegate,
  [TxKind.commission]: checkCommission,
};

/** Kinds every mechanism takes (besides stake, unstake, rejoin, slash). */
const COMMON_KINDS: readonly TxKind[] = [TxKind.evict];

export function checkMechanismTx(state: State, tx: Tx, sender: Account, config: ChainConfig): DeferredEffect {
  const kind = tx.body.kind as TxKind;
  const checker = CHECKERS[kind];
  if (checker === undefined) throw new TxError(TxErrorCode.BAD_KIND, `kind ${kind}`);
  if (!COMMON_KINDS.includes(kind) && !getMechanism(config.mechanism).txKinds.includes(kind)) {
    throw new TxError(TxErrorCode.NOT_ALLOWED, `${TX_KIND_NAMES[kind]} txs are not part of the ${config.mechanism} mechanism`);
  }
  return { kind: "deferred", apply: checker(state, tx, sender, config) };
}
