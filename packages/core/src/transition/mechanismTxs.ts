/**
 * The system txs behind the common ones of systemTxs.ts: evict (governance, every mechanism;
 * governance.ts) and the kinds of the chain's mechanism (its `txs`). A kind another registered
 * mechanism takes is NOT_ALLOWED here; a kind nobody takes is BAD_KIND. Each check returns a
 * deferred effect: it writes nothing until applied.
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { TxError, TxErrorCode } from "../errors.js";
import { MECHANISMS, mechanismOf } from "../mechanism/registry.js";
import type { TxApply } from "../mechanism/types.js";
import { TX_KIND_NAMES, TxKind } from "../types/enums.js";
import type { Account, State, Tx } from "../types/ssz.js";
import { checkEvict } from "./governance.js";

/** What a checked mechanism tx will do to the draft (the sender's account is `senderIndex`). */
export interface DeferredEffect {
  kind: "deferred";
  apply: TxApply;
}

export function checkMechanismTx(state: State, tx: Tx, sender: Account, config: ChainConfig): DeferredEffect {
  const kind = tx.body.kind as TxKind;
  if (kind === TxKind.evict) return { kind: "deferred", apply: checkEvict(state, tx, config) };
  const own = mechanismOf(config).txs.find((t) => t.kind === kind);
  if (own !== undefined) return { kind: "deferred", apply: own.check(state, tx, sender, config) };
  if (!MECHANISMS.some((m) => m.txs.some((t) => t.kind === kind))) throw new TxError(TxErrorCode.BAD_KIND, `kind ${kind}`);
  throw new TxError(TxErrorCode.NOT_ALLOWED, `${TX_KIND_NAMES[kind]} txs are not part of the ${config.mechanism} mechanism`);
}
