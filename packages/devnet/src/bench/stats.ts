/**
 * Pure statistics for the benchmark: percentiles, summaries, ratios and growth rates.
 * No clocks, no I/O: the unit tests drive them with tables.
 */

export interface Summary {
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

/**
 * The p-th percentile (0 < p <= 100) of `sorted` (ascending) by the nearest-rank method: the
 * smallest value with at least p% of the values at or below it. NaN for an empty list.
 */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} not in (0, 100]`);
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** percentileSorted on an unsorted list (copied, not changed). */
export function percentile(values: readonly number[], p: number): number {
  return percentileSorted([...values].sort((a, b) => a - b), p);
}

/** count, min, max, mean, p50, p90, p99; NaN fields (count 0) for an empty list. */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: n,
    min: n ? sorted[0] : NaN,
    max: n ? sorted[n - 1] : NaN,
    mean: n ? sum / n : NaN,
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p99: percentileSorted(sorted, 99),
  };
}

/** a / b, or null when either is missing or not finite, or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}

/** Events per second: `count` over `ms` milliseconds; null for an empty interval. */
export function perSecond(count: number, ms: number): number | null {
  return ms > 0 && Number.isFinite(count) ? (count * 1000) / ms : null;
}

/**
 * Local growth exponents of a cost t(n): for each pair of successive points, the slope of
 * log t against log n (1 = linear, 2 = quadratic; n log n shows as slightly above 1).
 * Points with a non-positive time are skipped.
 */
export function growthExponents(points: readonly { n: number; ms: number }[]): { from: number; to: number; exponent: number }[] {
  const ok = points.filter((p) => p.n > 0 && p.ms > 0);
  const out: { from: number; to: number; exponent: number }[] = [];
  for (let i = 1; i < ok.length; i++) {
    const a = ok[i - 1];
    const b = ok[i];
    if (a.n === b.n) continue;
    out.push({ from: a.n, to: b.n, exponent: Math.log(b.ms / a.ms) / Math.log(b.n / a.n) });
  }
  return out;
}

/**
 * Whether growing from n1 to n2 cost no more than n log n allows, with `slack` for noise:
 * t2 / t1 <= slack × (n2 log n2) / (n1 log n1). null when a time is missing.
 */
export function withinNLogN(n1: number, t1: number, n2: number, t2: number, slack = 1.5): boolean | null {
  if (!(t1 > 0 && t2 > 0 && n1 > 1 && n2 > 1)) return null;
  const allowed = (n2 * Math.log(n2)) / (n1 * Math.log(n1));
  return t2 / t1 <= slack * allowed;
}

/**
 * The rate of a monotone counter sampled over time (`samples` in time order), per second,
 * from the first sample at or above `from` (or, with `startBelow`, the last sample at or
 * below `from`: the moment just before the counted part began) to the first at or above
 * `to`. null when the samples do not span that part.
 */
export function rateBetween(
  samples: readonly { t: number; value: number }[],
  from: number,
  to: number,
  startBelow = false,
): { rate: number | null; ms: number; count: number } {
  const a = startBelow ? samples.filter((s) => s.value <= from).pop() : samples.find((s) => s.value >= from);
  const b = samples.find((s) => s.value >= to);
  if (!a || !b || b.t <= a.t) return { rate: null, ms: 0, count: 0 };
  const count = b.value - a.value;
  const ms = b.t - a.t;
  return { rate: perSecond(count, ms), ms, count };
}
