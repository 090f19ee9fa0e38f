/** The lab's pictures: SVG files from the results of one or more runs. */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SimResult } from "./engine.js";
import { compact } from "./report.js";
import { lorenz } from "./stats.js";
import { barPanels, lineChart } from "./svg.js";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function chartFiles(results: SimResult[]): Record<string, string> {
  const epochsOf = (r: SimResult) => r.series.epochs;
  const series = (pick: (r: SimResult) => number[]) =>
    results.map((r) => ({ name: r.mechanism, points: epochsOf(r).map((e, k): [number, number] => [e, pick(r)[k]]) }));
  const m = (r: SimResult) => r.metrics;
  const bar = (title: string, better: "higher" | "lower", value: (r: SimResult) => number, label: (r: SimResult) => string) => ({
    title,
    better,
    values: results.map((r) => ({ name: r.mechanism, value: value(r), label: label(r) })),
  });
  return {
    "comparison.svg": barPanels("baton sim: mechanisms compared", [
      bar("slots missed", "lower", (r) => 1 - m(r).liveness, (r) => pct(1 - m(r).liveness)),
      bar("crash → ejection (s, median)", "lower", (r) => m(r).crashToEjectionSeconds, (r) => (m(r).ejected ? `${m(r).crashToEjectionSeconds.toFixed(0)} s` : "—")),
      bar("stake leaked (% of genesis)", "lower", (r) => m(r).leakedPct, (r) => `${m(r).leakedPct.toFixed(2)}%`),
      bar("capital locked per tx/s", "lower", (r) => m(r).capitalPerTps, (r) => compact(m(r).capitalPerTps)),
      bar("Nakamoto coefficient (> 1/2)", "higher", (r) => m(r).nakamoto, (r) => String(m(r).nakamoto)),
      bar("Nakamoto by confirmation weight", "higher", (r) => m(r).nakamotoWeight, (r) => String(m(r).nakamotoWeight)),
      bar("Gini of batches led", "lower", (r) => m(r).gini, (r) => m(r).gini.toFixed(2)),
      bar("treasury revenue", "higher", (r) => Number(m(r).treasury), (r) => compact(m(r).treasury)),
      bar("batches led by the censor", "lower", (r) => m(r).censorShare, (r) => pct(m(r).censorShare)),
      bar("censored txs' wait (slots)", "lower", (r) => m(r).targetedDelaySlots, (r) => m(r).targetedDelaySlots.toFixed(2)),
    ]),
    "liveness.svg": lineChart({ title: "Share of slots filled, per window of epochs", xLabel: "epoch", yLabel: "slots filled", series: series((r) => r.series.liveness), yMax: 1, yFormat: pct }),
    "capital.svg": lineChart({ title: "Capital locked (stake, delegations, bid escrow, unbonding)", xLabel: "epoch", yLabel: "native units", series: series((r) => r.series.capital), yMin: 0, yFormat: compact }),
    "censor.svg": lineChart({ title: "Share of batches led by the censoring sequencer", xLabel: "epoch", yLabel: "share of batches", series: series((r) => r.series.censorShare), yMin: 0, yFormat: pct }),
    "lorenz.svg": lineChart({
      title: "Lorenz curves of batches led (the diagonal is perfect equality)",
      xLabel: "share of sequencers (fewest batches first), %",
      yLabel: "share of batches",
      series: [{ name: "equality", points: [[0, 0], [100, 1]] }, ...results.map((r) => ({ name: r.mechanism, points: lorenz(r.slotsLed).map(([x, y]): [number, number] => [x * 100, y]) }))],
      yMin: 0,
      yMax: 1,
      yFormat: pct,
    }),
  };
}

export async function writeCharts(dir: string, results: SimResult[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = chartFiles(results);
  for (const [name, svg] of Object.entries(files)) await writeFile(join(dir, name), svg);
  return Object.keys(files).map((f) => join(dir, f));
}
