import { Bucket, bytesBEToUint64, uint64ToBytesBE } from "../buckets.js";
import { DbError, DbErrorCode } from "../errors.js";
import type { LevelDb } from "../types.js";
import { checkedBytes } from "./repository.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex").slice(0, 16);

/**
 * The producer's guard against signing two batches for one slot (an Ethereum validator's
 * slashing protection): BLS pubkey → highest slot ever signed. Every write is fsynced before
 * it returns, the slot can only go up, and writes are serialized in this process.
 */
export class SlashingProtectionRepository {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: LevelDb) {}

  private key(pubkey: Uint8Array): Uint8Array {
    checkedBytes(pubkey, 48, "BLS pubkey");
    const key = new Uint8Array(49);
    key[0] = Bucket.slashingProtection;
    key.set(pubkey, 1);
    return key;
  }

  async getLastSignedSlot(pubkey: Uint8Array): Promise<number | null> {
    const bytes = await this.db.get(this.key(pubkey));
    return bytes === undefined ? null : bytesBEToUint64(bytes);
  }

  /**
   * Records `slot` as signed, durably (fsync) before returning. Throws
   * `DbError(SLASHING_PROTECTION)` if it would lower the recorded slot; the same slot again
   * is a no-op.
   */
  setLastSignedSlot(pubkey: Uint8Array, slot: number): Promise<void> {
    return this.serialize(() => this.write(pubkey, slot, false));
  }

  /**
   * The producer's check-and-record before it signs: throws unless `slot` is strictly above
   * the recorded one, then records it durably. Call it, then sign.
   */
  claimSlot(pubkey: Uint8Array, slot: number): Promise<void> {
    return this.serialize(() => this.write(pubkey, slot, true));
  }

  private async write(pubkey: Uint8Array, slot: number, strict: boolean): Promise<void> {
    const value = uint64ToBytesBE(slot);
    const last = await this.getLastSignedSlot(pubkey);
    if (last !== null && (slot < last || (strict && slot === last))) {
      throw new DbError(
        { code: DbErrorCode.SLASHING_PROTECTION },
        `slashing protection: refusing slot ${slot} for ${hex(pubkey)}…, already signed slot ${last}`,
      );
    }
    if (last === slot) return;
    await this.db.put(this.key(pubkey), value, { sync: true });
  }

  private serialize<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
