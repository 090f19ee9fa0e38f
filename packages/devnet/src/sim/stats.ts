/** Concentration measures over the slots each sequencer led. */

/** Gini coefficient of non-negative values: 0 = perfectly even, → 1 = one holds everything. */
export function gini(values: readonly number[]): number {
  const n = values.length;
  const total = values.reduce((a, b) => a + b, 0);
  if (n === 0 || total === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  let weighted = 0;
  sorted.forEach((v, i) => (weighted += (i + 1) * v));
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/** The fewest holders whose combined share exceeds `threshold` (default 1/2). 0 if nothing is held. */
export function nakamoto(values: readonly number[], threshold = 0.5): number {
  const total = values.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const sorted = [...values].sort((a, b) => b - a);
  let sum = 0;
  for (let k = 0; k < sorted.length; k++) {
    sum += sorted[k];
    if (sum > threshold * total) return k + 1;
  }
  return sorted.length;
}

/** Lorenz curve points (share of holders, share held), poorest first, for charts. */
export function lorenz(values: readonly number[]): [number, number][] {
  const total = values.reduce((a, b) => a + b, 0) || 1;
  const sorted = [...values].sort((a, b) => a - b);
  const points: [number, number][] = [[0, 0]];
  let sum = 0;
  sorted.forEach((v, i) => {
    sum += v;
    points.push([(i + 1) / sorted.length, sum / total]);
  });
  return points;
}

export const mean = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
