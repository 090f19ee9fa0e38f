/** The attacks table (markdown, like the lab's table) and its chart: what each attack gained. */
import { compact } from "./report.js";
import type { AttackMeasure, AttackResult, MeasureFormat } from "./attacks.js";
import { barPanels } from "./svg.js";

export const ATTACK_COLUMNS = [
  ["attack", "the adversarial scenario (docs/mechanisms.md \"Adversarial profiles\")"],
  ["mechanism", "the genesis `mechanism` (auction: with its price rule)"],
  ["measure", "what is compared between the two runs"],
  ["attack run", "the measure with the adversary (or the outage)"],
  ["honest run", "the same seed with the honest baseline (no outage)"],
  ["gain", "what the attacker gained (outage: the damage): attack - honest, or honest - attack for what it paid"],
  ["verdict", "\"failed\" when nothing was gained (gain <= 0, and the outage's resume within its limit)"],
] as const;

function value(x: number, format: MeasureFormat): string {
  if (Number.isNaN(x)) return "—";
  if (!Number.isFinite(x)) return format === "slots" ? "never" : x > 0 ? "∞" : "-∞";
  if (format === "share") return `${(x * 100).toFixed(1)}%`;
  if (format === "amount") return Math.abs(x) < 1e6 ? Math.round(x).toLocaleString("en-US") : compact(x);
  return String(Math.round(x));
}

/** The gain with its sign: share gains in percentage points. */
export function formatGain(m: Pick<AttackMeasure, "gain" | "format">): string {
  const g = m.gain;
  if (g === 0) return "0";
  if (Number.isNaN(g)) return "—";
  if (!Number.isFinite(g)) return g > 0 ? "+∞" : "-∞";
  const sign = g > 0 ? "+" : "-";
  if (m.format === "share") return `${sign}${Math.abs(g * 100).toFixed(1)} pp`;
  return `${sign}${value(Math.abs(g), m.format)}`;
}

function verdict(m: AttackMeasure): string {
  if (m.limit !== undefined && !(m.attack <= m.limit)) return `PAID OFF (over ${m.limit})`;
  return m.gain > 1e-9 ? "PAID OFF" : "failed";
}

export function attackRows(results: readonly AttackResult[]): string[][] {
  return results.flatMap((r) =>
    r.measures.map((m, k) => [k === 0 ? r.attack : "", k === 0 ? r.label : "", m.name, value(m.attack, m.format), value(m.honest, m.format), formatGain(m), verdict(m)]),
  );
}

export function formatAttackTable(results: readonly AttackResult[]): string {
  const header = ATTACK_COLUMNS.map(([name]) => name);
  const rows = attackRows(results);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((x, c) => x.padEnd(widths[c])).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

export function formatAttackLegend(): string {
  return ATTACK_COLUMNS.map(([name, what]) => `  ${name.padEnd(12)}${what}`).join("\n");
}

const chartName = (label: string) => label.replace(/^auction \((first|second)\)$/, (_, rule: string) => (rule === "first" ? "1st price" : "2nd price"));

/**
 * One panel per attack and measure: a bar per mechanism for a gain above 0 (no bar: nothing
 * gained; an unbounded gain, a chain that never resumed, gets the longest bar); labels give the gain.
 */
export function attackChart(results: readonly AttackResult[]): string {
  const panels = new Map<string, { title: string; better: "lower"; values: { name: string; value: number; label: string }[] }>();
  for (const r of results) {
    for (const m of r.measures) {
      const title = `${r.attack}: ${m.name}`;
      const panel = panels.get(title) ?? { title, better: "lower" as const, values: [] };
      const gain = m.format === "share" ? m.gain * 100 : m.gain;
      panel.values.push({ name: chartName(r.label), value: Number.isNaN(gain) ? 0 : Math.max(0, gain), label: formatGain(m) });
      panels.set(title, panel);
    }
  }
  for (const panel of panels.values()) {
    const longest = Math.max(1, ...panel.values.map((v) => v.value).filter(Number.isFinite));
    for (const v of panel.values) if (!Number.isFinite(v.value)) v.value = longest;
  }
  return barPanels("baton sim: what each attack gained over an honest run (no bar: nothing)", [...panels.values()]);
}
