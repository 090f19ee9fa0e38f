/**
 * The benchmark's results: rows of (section, metric, value, unit), each with the ratio it is
 * judged by and, where the issue sets one, the target and whether it was met. Pure: renders
 * the text table printed by `baton bench`, the markdown table of docs/performance.md, and a
 * summary of the targets.
 */

export interface BenchRatio {
  value: number | null;
  /** what the value is divided by, e.g. "centralized" or "verify ceiling / nodes" */
  of: string;
}

export interface BenchTarget {
  /** e.g. "<= 150 ms" */
  text: string;
  /** null: not judged (not measured, or measured too coarsely) */
  met: boolean | null;
}

export interface BenchRow {
  section: string;
  metric: string;
  /** null: not measured (the phase failed or was skipped) */
  value: number | null;
  unit: string;
  ratio?: BenchRatio;
  target?: BenchTarget;
  note?: string;
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  blsBackend: string;
}

export interface BenchReport {
  version: 1;
  mode: "full" | "quick";
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  rows: BenchRow[];
  /** per-phase details (per-node numbers, raw samples) for the JSON file */
  details: Record<string, unknown>;
  /** phases that failed, with the error */
  errors: { phase: string; error: string }[];
}

/** 12345.6 → "12,346"; 123.4 → "123"; 12.34 → "12.3"; 1.234 → "1.23"; 0.01234 → "0.0123"; 3 → "3". */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "n/a";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1000) return String(v);
  if (a >= 1000) return Math.round(v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  if (a >= 100) return Math.round(v).toString();
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a === 0) return "0";
  return Number(v.toPrecision(3)).toString();
}

export function formatValue(row: Pick<BenchRow, "value" | "unit">): string {
  const n = formatNumber(row.value);
  return row.value === null || row.unit === "" ? n : `${n} ${row.unit}`;
}

export function formatRatio(r: BenchRatio | undefined): string {
  if (!r) return "";
  return `${formatNumber(r.value)}× ${r.of}`;
}

export function formatMet(t: BenchTarget | undefined): string {
  if (!t) return "";
  return t.met === null ? "?" : t.met ? "met" : "MISSED";
}

const HEADERS = ["section", "metric", "value", "ratio", "target", ""] as const;

function cells(r: BenchRow): string[] {
  return [r.section, r.metric, formatValue(r), formatRatio(r.ratio), r.target?.text ?? "", formatMet(r.target)];
}

/** An aligned plain-text table; the section name is printed once per group. */
export function formatTable(rows: readonly BenchRow[]): string {
  const body = rows.map(cells);
  for (let i = body.length - 1; i > 0; i--) if (body[i][0] === body[i - 1][0]) body[i][0] = "";
  const all = [[...HEADERS], ...body];
  const widths = HEADERS.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  return [line(all[0]), widths.map((w) => "-".repeat(w)).join("  "), ...all.slice(1).map(line)].join("\n");
}

const mdEscape = (s: string) => s.replace(/\|/g, "\\|");

/** The same table in markdown (docs/performance.md). */
export function markdownTable(rows: readonly BenchRow[]): string {
  const out = ["| section | metric | value | ratio | target | |", "|---|---|--:|---|---|---|"];
  let last = "";
  for (const r of rows) {
    const c = cells(r).map(mdEscape);
    if (r.section === last) c[0] = "";
    last = r.section;
    out.push(`| ${c.join(" | ")} |`.replace(/ {2,}/g, " "));
  }
  return out.join("\n");
}

export interface TargetSummary {
  met: number;
  missed: number;
  unjudged: number;
  /** one line per missed target */
  missedLines: string[];
}

export function summarizeTargets(rows: readonly BenchRow[]): TargetSummary {
  const s: TargetSummary = { met: 0, missed: 0, unjudged: 0, missedLines: [] };
  for (const r of rows) {
    if (!r.target) continue;
    if (r.target.met === null) s.unjudged++;
    else if (r.target.met) s.met++;
    else {
      s.missed++;
      s.missedLines.push(`${r.section}: ${r.metric} = ${formatValue(r)} (target ${r.target.text})${r.note ? ` — ${r.note}` : ""}`);
    }
  }
  return s;
}

/** A target "value <= limit" (null when there is no value). */
export function atMost(value: number | null | undefined, limit: number, text: string): BenchTarget {
  return { text, met: value === null || value === undefined || !Number.isFinite(value) ? null : value <= limit };
}

/** A target "value >= limit" (null when there is no value). */
export function atLeast(value: number | null | undefined, limit: number, text: string): BenchTarget {
  return { text, met: value === null || value === undefined || !Number.isFinite(value) ? null : value >= limit };
}

/** The markdown section of docs/performance.md: the machine, the table, the missed targets. */
export function markdownReport(report: BenchReport): string {
  const m = report.machine;
  const t = summarizeTargets(report.rows);
  const lines = [
    `Run ${report.startedAt} (${report.mode} mode, ${Math.round(report.durationSeconds)} s), on ${m.cpus} × ${m.cpuModel}, ` +
      `${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}, BLS backend ${m.blsBackend}.`,
    "",
    markdownTable(report.rows),
    "",
    `Targets: ${t.met} met, ${t.missed} missed, ${t.unjudged} not judged.`,
  ];
  const notes = report.rows.filter((r) => r.note);
  if (notes.length > 0) lines.push("", "Notes:", ...notes.map((r) => `- ${r.section}, ${r.metric}: ${r.note}`));
  if (report.errors.length > 0) {
    lines.push("", "Phases that failed:", ...report.errors.map((e) => `- ${e.phase}: ${e.error}`));
  }
  return lines.join("\n");
}

export const RESULTS_BEGIN = "<!-- bench:results -->";
export const RESULTS_END = "<!-- /bench:results -->";

/**
 * `doc` with the text between the results markers replaced by `section` (a document such as
 * docs/performance.md keeps its prose; `baton bench --markdown` refreshes the numbers).
 * Without markers: the section alone, wrapped in them.
 */
export function replaceResults(doc: string | null, section: string): string {
  const block = `${RESULTS_BEGIN}\n${section.trim()}\n${RESULTS_END}`;
  if (doc === null) return block + "\n";
  const a = doc.indexOf(RESULTS_BEGIN);
  const b = doc.indexOf(RESULTS_END);
  if (a < 0 || b < a) return block + "\n";
  return doc.slice(0, a) + block + doc.slice(b + RESULTS_END.length);
}
