/** The comparison table (markdown, so docs/mechanisms.md can quote it) and its formatting. */
import type { SimResult } from "./engine.js";

const pct = (x: number, digits = 1) => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : "—");
export function compact(x: number | bigint): string {
  const n = Number(x);
  if (!Number.isFinite(n)) return "—";
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return `${Math.round(n)}`;
}

export const TABLE_COLUMNS = [
  ["mechanism", "the genesis `mechanism`"],
  ["liveness", "share of slots with a batch"],
  ["crash→ejection", "median time from a crash to the ejection (and the misses it took)"],
  ["leaked", "stake leaked (inactivity leak, restake deadlines), of the genesis stake"],
  ["capital/tps", "average capital locked (stake, delegations, bid escrow, unbonding; sampled 4x per epoch) per tx/s included"],
  ["escrow", "share of that capital held as bid deposits in escrow"],
  ["Nakamoto", "fewest sequencers that led more than half of the batches"],
  ["Nakamoto (weight)", "fewest sequencers that held more than half of the confirmation (fork-choice) weight, averaged over samples"],
  ["Gini", "Gini coefficient of batches led (0 = even)"],
  ["treasury", "auction revenue and penalties paid to the treasury"],
  ["censor", "share of the batches led by the censoring sequencer"],
  ["censored wait", "mean wait of the censored users' txs vs the others', in slots"],
  ["run", "wall-clock time of the run"],
] as const;

export function tableRow(r: SimResult): string[] {
  const m = r.metrics;
  const eject = m.ejected === 0 ? `none of ${m.crashes}` : `${m.crashToEjectionSeconds.toFixed(0)} s (${m.missesBeforeEjection} misses, ${m.ejected}/${m.crashes})`;
  return [
    r.mechanism,
    pct(m.liveness, 2),
    eject,
    pct(m.leakedPct / 100, 2),
    compact(m.capitalPerTps),
    pct(m.capitalLocked > 0 ? m.escrowLocked / m.capitalLocked : 0, 1),
    String(m.nakamoto),
    String(m.nakamotoWeight),
    m.gini.toFixed(2),
    compact(m.treasury),
    pct(m.censorShare, 2),
    `${m.targetedDelaySlots.toFixed(2)} vs ${m.otherDelaySlots.toFixed(2)}`,
    `${(r.elapsedMs / 1000).toFixed(1)} s`,
  ];
}

export function formatTable(results: SimResult[]): string {
  const header = TABLE_COLUMNS.map(([name]) => name);
  const rows = results.map(tableRow);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => `| ${cells.map((x, c) => x.padEnd(widths[c])).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

/** One line describing the scenario every row ran. */
export function describeScenario(r: SimResult): string {
  const o = r.options;
  const mix = new Map<string, number>();
  for (const p of r.profiles) {
    const kind = p.replace(/[@:].*/, "");
    mix.set(kind, (mix.get(kind) ?? 0) + 1);
  }
  const profiles = [...mix].map(([k, n]) => `${n} ${k}`).join(", ");
  return (
    `${o.sequencers} sequencers (${profiles}) × ${o.epochs} epochs of ${o.slotsPerEpoch} slots (${o.slotMs} ms), ` +
    `committee ${o.committeeSize || "all"}, ${o.load} user txs/slot, seed "${o.seed}"` +
    (o.evictCensorAt > 0 ? `, governance evicts the censor at epoch ${o.evictCensorAt}` : "") +
    (o.outage !== undefined && o.outage.slots > 0 ? `, every sequencer offline for ${o.outage.slots} slots from slot ${o.outage.fromSlot}` : "")
  );
}

export function formatLegend(): string {
  return TABLE_COLUMNS.map(([name, what]) => `  ${name.padEnd(19)}${what}`).join("\n");
}
