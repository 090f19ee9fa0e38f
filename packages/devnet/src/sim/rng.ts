/**
 * Deterministic randomness for the simulator. Decisions are hashed from (seed, who, slot,
 * purpose) rather than drawn from one stream, so a flaky sequencer misses the very same slots
 * under every mechanism: runs differ only by what the mechanisms do.
 */
import { createHash } from "node:crypto";

/** A 32-bit seed from any string. */
export function seedOf(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32LE(0);
}

/** A 32-bit mix of the inputs (murmur3's finalizer over a running combination). */
export function hash32(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A number in [0, 1) determined by the inputs. */
export function chance(...xs: number[]): number {
  return hash32(...xs) / 4294967296;
}

/** A sequential generator (mulberry32) for set-up: populations, valuations. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }
}

export const PURPOSE = { miss: 1, late: 2, bid: 3, delegate: 4 } as const;
