/**
 * Gossip validation of batches (docs/protocol.md "Gossip"). Importing IS the validation: a batch that
 * passes the state transition is stored and accepted, side effects only after it passed.
 */
import { BatchError, DecodeError, decodeSignedBatch, slotStartTime } from "@baton/core";
import { GossipAction, GossipValidationError } from "../network/errors.js";
import type { Chain } from "./chain.js";

export interface BatchValidationModules {
  chain: Chain;
  now(): number;
  /** a batch whose parent we lack: catch up from the peer that sent it */
  onUnknownParent(peerId: string): void;
}

export async function validateGossipBatch(data: Uint8Array, from: string, m: BatchValidationModules): Promise<void> {
  let batch;
  try {
    batch = decodeSignedBatch(data);
  } catch (e) {
    // [REJECT] malformed bytes
    if (e instanceof DecodeError) throw new GossipValidationError(GossipAction.REJECT, e.code, e.message);
    throw e;
  }
  const config = m.chain.config;
  // [REJECT] another chain
  if (batch.header.chainId !== config.chainId) throw new GossipValidationError(GossipAction.REJECT, "BATCH_WRONG_CHAIN");
  // [IGNORE] from the future: only once our clock reaches the slot (minus the disparity allowance)
  if (slotStartTime(config, batch.header.slot) > m.now() + config.clockDisparityMs) {
    throw new GossipValidationError(GossipAction.IGNORE, "BATCH_FROM_FUTURE");
  }
  // [IGNORE] at or below the confirmed batch: can never become head
  if (batch.header.height <= m.chain.getConfirmed().height) throw new GossipValidationError(GossipAction.IGNORE, "BATCH_ALREADY_CONFIRMED_HEIGHT");
  let res;
  try {
    res = await m.chain.importBatch(batch, "gossip", undefined, data);
  } catch (e) {
    // [REJECT] fails the state transition: wrong leader, bad signature, bad state root...
    if (e instanceof BatchError) throw new GossipValidationError(GossipAction.REJECT, e.code, e.message);
    throw e;
  }
  switch (res.status) {
    case "imported":
      return;
    case "known":
      // [IGNORE] already have it
      throw new GossipValidationError(GossipAction.IGNORE, "BATCH_KNOWN");
    case "unknown_parent":
      // [IGNORE] maybe valid, but we cannot check it yet: catch up from the sender
      m.onUnknownParent(from);
      throw new GossipValidationError(GossipAction.IGNORE, "BATCH_UNKNOWN_PARENT");
    case "not_descendant_of_confirmed":
      throw new GossipValidationError(GossipAction.IGNORE, "BATCH_NOT_DESCENDANT_OF_CONFIRMED");
  }
}
