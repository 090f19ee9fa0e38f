import { Bucket, bytesBEToUint64, uint64ToBytesBE } from "../buckets.js";
import { DbError, DbErrorCode } from "../errors.js";
import { mergeWatermark, parseHexField, type KeyWatermark, type WatermarkChange } from "../protectionInterchange.js";
import type { LevelDb } from "../types.js";
import { checkedBytes } from "./repository.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex").slice(0, 16);
const pubkeyHex = (pubkey: Uint8Array): string => `0x${Buffer.from(pubkey).toString("hex")}`;

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

  /** Every record (pubkey as 0x + 96 lowercase hex digits → highest slot signed), keys sorted. */
  async exportWatermarks(): Promise<KeyWatermark[]> {
    await this.queue; // writes already asked for land first
    const marks: KeyWatermark[] = [];
    const range = { gte: Uint8Array.of(Bucket.slashingProtection), lt: Uint8Array.of(Bucket.slashingProtection + 1) };
    for await (const [key, value] of this.db.iterator(range)) {
      if (key.length !== 49) continue;
      marks.push({ pubkey: pubkeyHex(key.subarray(1)), slot: bytesBEToUint64(value) });
    }
    return marks;
  }

  /**
   * Applies an interchange file's records (protectionInterchange.ts): each key's record becomes
   * max(recorded, imported), fsynced; a lower imported slot leaves the record as it is
   * (outcome `kept`). Never lowers, never throws for a lower slot; one change per watermark.
   */
  async importWatermarks(watermarks: readonly KeyWatermark[]): Promise<WatermarkChange[]> {
    const changes: WatermarkChange[] = [];
    for (const { pubkey, slot } of watermarks) {
      const bytes = Buffer.from(parseHexField(pubkey, 48, "pubkey", "a BLS public key").slice(2), "hex");
      changes.push(await this.serialize(() => this.raise(new Uint8Array(bytes), slot)));
    }
    return changes;
  }

  private async raise(pubkey: Uint8Array, slot: number): Promise<WatermarkChange> {
    const change = mergeWatermark(pubkeyHex(pubkey), await this.getLastSignedSlot(pubkey), slot);
    if (change.existing === null || change.result > change.existing) {
      await this.db.put(this.key(pubkey), uint64ToBytesBE(change.result), { sync: true });
    }
    return change;
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
