/**
 * Exponential moving averages with a half-life, in integer parts per million, so every node
 * computes the same value: each update keeps `keep` ppm of the old value and takes
 * (1,000,000 - keep) ppm of the new one, with keep ≈ 2^(-1/halfLife).
 */
export const PPM = 1_000_000;

const keepCache = new Map<number, number>();

/** (x^h in ppm fixed point, floor at every step): exact integer arithmetic, identical everywhere. */
function powPpm(x: number, h: number): number {
  let out = PPM;
  for (let i = 0; i < h && out > 0; i++) out = Math.floor((out * x) / PPM);
  return out;
}

/** The largest keep (ppm) with keep^halfLife <= 1/2 (fixed point): the value halves in halfLife updates. */
export function keepFactorPpm(halfLife: number): number {
  if (!Number.isSafeInteger(halfLife) || halfLife < 1) throw new RangeError(`half-life ${halfLife}`);
  let keep = keepCache.get(halfLife);
  if (keep === undefined) {
    let lo = 0;
    let hi = PPM - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (powPpm(mid, halfLife) <= PPM / 2) lo = mid;
      else hi = mid - 1;
    }
    keep = lo;
    keepCache.set(halfLife, keep);
  }
  return keep;
}

/** One EMA step over integers: (old × keep + sample × (1e6 - keep)) / 1e6, rounded down. */
export function emaStep(old: bigint, sample: bigint, keepPpm: number): bigint {
  return (old * BigInt(keepPpm) + sample * BigInt(PPM - keepPpm)) / BigInt(PPM);
}
