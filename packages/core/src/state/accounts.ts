/**
 * O(1) lookups of accounts by ed25519 key and sequencers by BLS key.
 *
 * States are values: the transition never mutates an array it did not create (see draft.ts),
 * and keys never change once an element is appended. So a pubkey → index map can be cached per
 * array object (WeakMap, freed with the state) and shared by a copy of the array until the copy
 * appends an element. Code outside core must treat states as immutable too, or these caches lie.
 */
import type { Account, Sequencer } from "../types/ssz.js";

export function pubkeyKey(pubkey: Uint8Array): string {
  return Buffer.from(pubkey.buffer, pubkey.byteOffset, pubkey.byteLength).toString("hex");
}

class IndexCache<T> {
  private readonly maps = new WeakMap<readonly T[], Map<string, number>>();
  constructor(private readonly keyOf: (item: T) => Uint8Array) {}

  /** The pubkey → index map of `items`, built on first use. */
  get(items: readonly T[]): Map<string, number> {
    let map = this.maps.get(items);
    if (map === undefined) {
      map = new Map();
      for (let i = 0; i < items.length; i++) map.set(pubkeyKey(this.keyOf(items[i])), i);
      this.maps.set(items, map);
    }
    return map;
  }

  indexOf(items: readonly T[], pubkey: Uint8Array): number {
    return this.get(items).get(pubkeyKey(pubkey)) ?? -1;
  }

  /** `copy` holds the same keys at the same indices as `original`: share its map. */
  share(original: readonly T[], copy: readonly T[]): void {
    this.maps.set(copy, this.get(original));
  }

  /** Gives `items` a private map (to append to) and returns it. */
  own(items: readonly T[]): Map<string, number> {
    const map = new Map(this.get(items));
    this.maps.set(items, map);
    return map;
  }
}

export const accountIndex = new IndexCache<Account>((a) => a.pubkey);
export const sequencerIndex = new IndexCache<Sequencer>((s) => s.pubkey);

/** Index of the account with this ed25519 key, or -1. */
export function findAccountIndex(accounts: readonly Account[], pubkey: Uint8Array): number {
  return accountIndex.indexOf(accounts, pubkey);
}

/** Index of the sequencer with this BLS key, or -1. */
export function findSequencerIndex(sequencers: readonly Sequencer[], pubkey: Uint8Array): number {
  return sequencerIndex.indexOf(sequencers, pubkey);
}
