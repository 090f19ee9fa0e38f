/**
 * Copy-on-write working copy of a state. The transition never mutates its input: fork choice
 * keeps the states of several branches, which share everything they did not change. A draft
 * starts as a shallow copy of the parent; the sequencer and account arrays are copied on the
 * first write, and each element on its own first write. A batch that touches 1,000 of 10,000
 * accounts copies one array of pointers and 1,000 small objects.
 *
 * Committees, the RANDAO mix and byte fields are replaced, never written into.
 */
import type { Account, Sequencer, State } from "../types/ssz.js";
import { accountIndex, findAccountIndex, findSequencerIndex, pubkeyKey, sequencerIndex } from "./accounts.js";
import { openAccountsArray, sealAccountsArray } from "./stateRoot.js";

export class StateDraft {
  /** The state being built. Read it freely; write only through the methods below. */
  readonly state: State;
  private sequencersCopied = false;
  private accountsCopied = false;
  private readonly ownedSequencers = new Set<number>();
  /** indices of accounts written or appended: also the dirty set for the account tree cache */
  private readonly ownedAccounts = new Set<number>();
  private accountMap: Map<string, number> | null = null;
  private sequencerMap: Map<string, number> | null = null;
  private finished = false;

  constructor(parent: State) {
    this.state = { ...parent };
  }

  /** A writable sequencer (a copy private to this draft). */
  sequencer(index: number): Sequencer {
    const list = this.ownSequencers();
    if (!this.ownedSequencers.has(index)) {
      if (index < 0 || index >= list.length) throw new RangeError(`no sequencer ${index}`);
      list[index] = { ...list[index] };
      this.ownedSequencers.add(index);
    }
    return list[index];
  }

  appendSequencer(seq: Sequencer): number {
    const list = this.ownSequencers();
    this.sequencerMap ??= sequencerIndex.own(list);
    const index = list.length;
    list.push(seq);
    this.ownedSequencers.add(index);
    this.sequencerMap.set(pubkeyKey(seq.pubkey), index);
    return index;
  }

  /** A writable account (a copy private to this draft). */
  account(index: number): Account {
    const list = this.ownAccounts();
    if (!this.ownedAccounts.has(index)) {
      if (index < 0 || index >= list.length) throw new RangeError(`no account ${index}`);
      list[index] = { ...list[index] };
      this.ownedAccounts.add(index);
    }
    return list[index];
  }

  appendAccount(account: Account): number {
    const list = this.ownAccounts();
    this.accountMap ??= accountIndex.own(list);
    const index = list.length;
    list.push(account);
    this.ownedAccounts.add(index);
    this.accountMap.set(pubkeyKey(account.pubkey), index);
    return index;
  }

  /**
   * Ends the draft and returns its state, which must not be written again: from here on its
   * arrays may be keys of caches (account tree, pubkey maps).
   */
  finish(): State {
    if (this.finished) throw new Error("draft already finished");
    this.finished = true;
    if (this.accountsCopied) sealAccountsArray(this.state.accounts, this.ownedAccounts);
    return this.state;
  }

  accountIndexOf(pubkey: Uint8Array): number {
    return findAccountIndex(this.state.accounts, pubkey);
  }

  sequencerIndexOf(pubkey: Uint8Array): number {
    return findSequencerIndex(this.state.sequencers, pubkey);
  }

  private ownSequencers(): Sequencer[] {
    if (this.finished) throw new Error("draft already finished");
    if (!this.sequencersCopied) {
      const parent = this.state.sequencers;
      this.state.sequencers = parent.slice();
      sequencerIndex.share(parent, this.state.sequencers);
      this.sequencersCopied = true;
    }
    return this.state.sequencers;
  }

  private ownAccounts(): Account[] {
    if (this.finished) throw new Error("draft already finished");
    if (!this.accountsCopied) {
      const parent = this.state.accounts;
      this.state.accounts = parent.slice();
      accountIndex.share(parent, this.state.accounts);
      openAccountsArray(this.state.accounts, parent);
      this.accountsCopied = true;
    }
    return this.state.accounts;
  }
}
