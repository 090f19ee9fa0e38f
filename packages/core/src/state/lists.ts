/**
 * Copy-on-write for the state's lists other than sequencers and accounts (bids, delegations, unbonding), alongside StateDraft:
 * the first write in a draft copies the array, every element write copies the element. The
 * parent state is never touched.
 */
import type { Bid, Delegation, Unbonding } from "../types/ssz.js";
import type { StateDraft } from "./draft.js";

type ListKey = "bids" | "delegations" | "unbonding";
const ownedLists = new WeakMap<StateDraft, Set<ListKey>>();

function ownedKeys(draft: StateDraft): Set<ListKey> {
  let keys = ownedLists.get(draft);
  if (keys === undefined) ownedLists.set(draft, (keys = new Set()));
  return keys;
}

function own<K extends ListKey>(draft: StateDraft, key: K): StateDraftList<K> {
  const keys = ownedKeys(draft);
  if (!keys.has(key)) {
    (draft.state[key] as unknown[]) = draft.state[key].slice();
    keys.add(key);
  }
  return draft.state[key] as StateDraftList<K>;
}
type StateDraftList<K extends ListKey> = K extends "bids" ? Bid[] : K extends "delegations" ? Delegation[] : Unbonding[];

/** The draft's own bids array (to push to, filter, or replace elements of). */
export const ownBids = (draft: StateDraft): Bid[] => own(draft, "bids");
export const ownDelegations = (draft: StateDraft): Delegation[] => own(draft, "delegations");
export const ownUnbonding = (draft: StateDraft): Unbonding[] => own(draft, "unbonding");
export function writableUnbonding(draft: StateDraft, i: number): Unbonding {
  const list = ownUnbonding(draft);
  return (list[i] = { ...list[i] });
}

/** A writable copy of element i (replaced in the draft's own array). */
export function writableBid(draft: StateDraft, i: number): Bid {
  const list = ownBids(draft);
  return (list[i] = { ...list[i] });
}
export function writableDelegation(draft: StateDraft, i: number): Delegation {
  const list = ownDelegations(draft);
  return (list[i] = { ...list[i] });
}

/** Replaces the draft's list with the elements that pass `keep` (a new array: the parent's is untouched). */
export function retainBids(draft: StateDraft, keep: (b: Bid) => boolean): void {
  const kept = draft.state.bids.filter(keep);
  if (kept.length !== draft.state.bids.length) {
    draft.state.bids = kept; // a new array: the draft's own
    ownedKeys(draft).add("bids");
  }
}
export function retainDelegations(draft: StateDraft, keep: (d: Delegation) => boolean): void {
  const kept = draft.state.delegations.filter(keep);
  if (kept.length !== draft.state.delegations.length) {
    draft.state.delegations = kept;
    ownedKeys(draft).add("delegations");
  }
}
