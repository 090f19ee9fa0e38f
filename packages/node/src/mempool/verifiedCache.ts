/**
 * Hashes of txs whose signature this node has verified, bounded, least recently used out
 * first (a Map keeps insertion order; a hit moves the hash to the back). Lets batch import
 * skip the ed25519 check for txs that came through this node's mempool.
 */
export class VerifiedTxCache {
  private readonly hashes = new Map<string, true>();

  constructor(readonly maxSize: number) {}

  has(hash: string): boolean {
    if (!this.hashes.has(hash)) return false;
    this.hashes.delete(hash);
    this.hashes.set(hash, true);
    return true;
  }

  add(hash: string): void {
    if (this.hashes.has(hash)) this.hashes.delete(hash);
    else if (this.hashes.size >= this.maxSize) {
      const oldest = this.hashes.keys().next();
      if (!oldest.done) this.hashes.delete(oldest.value);
    }
    this.hashes.set(hash, true);
  }

  get size(): number {
    return this.hashes.size;
  }
}
