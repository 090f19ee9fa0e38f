/**
 * The state root, = `stateRoot(state)` of types/encoding.ts, with a cache for the account
 * tree. Hashing 10,000 accounts from scratch takes ~27 ms, every batch, growing with the
 * accounts; the cache makes a batch's cost proportional to the accounts it touched.
 *
 * How: account objects and arrays made by the transition are never written after their draft
 * finishes (draft.ts), so each account's root and each accounts array's merkle levels can be
 * cached by object identity (WeakMaps: freed with the state). A draft's accounts array records
 * its parent array and the indices it wrote; its levels are the parent's with those paths
 * rehashed. Arrays not made by a draft (genesis, decoded states) are hashed in full once.
 *
 * Caller's duty: treat states as immutable values. A state changed in place after its root
 * was computed here gets a stale root.
 */
import { Account, ChainState, MAX_ACCOUNTS, MAX_SEQUENCERS, Sequencer, type State } from "../types/ssz.js";
import { buildLevels, containerRoot, listRootFromLevels, updateLevels, type MerkleLevels } from "./merkle.js";

interface Lineage {
  parent: readonly Account[];
  /** null while the draft is open */
  dirty: ReadonlySet<number> | null;
}

const accountRootCache = new WeakMap<object, Uint8Array>();
const levelsCache = new WeakMap<readonly Account[], MerkleLevels>();
const lineage = new WeakMap<readonly Account[], Lineage>();

/** A draft copied `parent` into `child` and will write into it: no caching until sealed. */
export function openAccountsArray(child: readonly Account[], parent: readonly Account[]): void {
  lineage.set(child, { parent, dirty: null });
}

/** The draft that owns `child` is finished; it wrote (or appended) the indices in `dirty`. */
export function sealAccountsArray(child: readonly Account[], dirty: ReadonlySet<number>): void {
  const link = lineage.get(child);
  if (link) link.dirty = dirty;
}

/**
 * For callers that never compute roots (the simulator): drops the link from `accounts` to its
 * parent array, so a long run of states does not keep every ancestor's accounts alive. Its
 * root, if asked for later, is computed in full.
 */
export function forgetAccountsLineage(accounts: readonly Account[]): void {
  lineage.delete(accounts);
}

function accountRoot(account: Account): Uint8Array {
  let root = accountRootCache.get(account);
  if (root === undefined) {
    root = Account.hashTreeRoot(account);
    accountRootCache.set(account, root);
  }
  return root;
}

function accountLevels(accounts: readonly Account[]): MerkleLevels {
  // Walk up to the nearest ancestor with cached levels (or the root of the lineage), then
  // derive forward. The link is dropped once used, so a state does not keep its ancestors alive.
  const chain: { accounts: readonly Account[]; dirty: ReadonlySet<number> }[] = [];
  let current = accounts;
  let levels = levelsCache.get(current);
  while (levels === undefined) {
    const link = lineage.get(current);
    if (link === undefined || link.dirty === null) break;
    chain.push({ accounts: current, dirty: link.dirty });
    current = link.parent;
    levels = levelsCache.get(current);
  }
  if (levels === undefined) {
    levels = buildLevels(current.map(accountRoot));
    levelsCache.set(current, levels);
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    const { accounts: list, dirty } = chain[i];
    levels = updateLevels(levels, list.length, dirty, (j) => accountRoot(list[j]));
    levelsCache.set(list, levels);
    lineage.delete(list);
  }
  return levels;
}

function isOpen(accounts: readonly Account[]): boolean {
  const link = lineage.get(accounts);
  return link !== undefined && link.dirty === null;
}

const accountsField = ChainState.fieldsEntries.findIndex((f) => f.fieldName === "accounts");
const sequencersField = ChainState.fieldsEntries.findIndex((f) => f.fieldName === "sequencers");

/**
 * The sequencer list: each sequencer's root cached by object identity (a draft copies a
 * sequencer before writing it, like an account), the list's tree rebuilt from those roots.
 * Hashing every sequencer for every state root cost ~13 us per sequencer: applying a
 * 1,000-tx batch took 25 ms with 1,000 sequencers and 163 ms with 10,000 (`baton bench`,
 * core scale). With the cache it costs one digest per sequencer for the tree.
 */
const sequencerRootCache = new WeakMap<object, Uint8Array>();

function sequencerRoot(sequencer: State["sequencers"][number]): Uint8Array {
  let root = sequencerRootCache.get(sequencer);
  if (root === undefined) {
    root = Sequencer.hashTreeRoot(sequencer);
    sequencerRootCache.set(sequencer, root);
  }
  return root;
}

/** Root of the sequencer list (= its SSZ hashTreeRoot), from cached sequencer roots. */
export function sequencersRoot(sequencers: State["sequencers"]): Uint8Array {
  return listRootFromLevels(buildLevels(sequencers.map(sequencerRoot)), MAX_SEQUENCERS);
}

/** Root of the accounts list: cached, except for an array a draft is still writing. */
export function accountsRoot(accounts: readonly Account[]): Uint8Array {
  if (isOpen(accounts)) return ChainState.fields.accounts.hashTreeRoot(accounts as Account[]);
  return listRootFromLevels(accountLevels(accounts), MAX_ACCOUNTS);
}

/** = `stateRoot(state)`, with the account tree and the sequencers' roots cached (see above). */
export function computeStateRoot(state: State): Uint8Array {
  const fieldRoots = ChainState.fieldsEntries.map((f, i) =>
    i === accountsField
      ? accountsRoot(state.accounts)
      : i === sequencersField
        ? sequencersRoot(state.sequencers)
        : (f.fieldType as { hashTreeRoot(v: unknown): Uint8Array }).hashTreeRoot(state[f.fieldName]),
  );
  return containerRoot(fieldRoots);
}
