/** Minimal SVG charts (no dependencies): line charts and horizontal bar panels. */

export const COLORS: Record<string, string> = {
  pos: "#1f77b4",
  poa: "#7f7f7f",
  auction: "#d62728",
  dpos: "#9467bd",
  performance: "#2ca02c",
};
const colorOf = (name: string, i: number) => COLORS[name] ?? ["#17becf", "#bcbd22", "#e377c2", "#8c564b"][i % 4];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const num = (x: number) => (Number.isFinite(x) ? Number(x.toFixed(2)) : 0);

export interface LineSeries {
  name: string;
  points: [number, number][];
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  yMin?: number;
  yMax?: number;
  yFormat?: (y: number) => string;
}

function frame(width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

export function lineChart(c: LineChart, width = 720, height = 360): string {
  const m = { left: 70, right: 130, top: 36, bottom: 44 };
  const all = c.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]).filter(Number.isFinite);
  const x0 = Math.min(...xs, 0);
  const x1 = Math.max(...xs, 1);
  let y0 = c.yMin ?? Math.min(...ys);
  let y1 = c.yMax ?? Math.max(...ys);
  if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 1, y1 + 1];
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const X = (x: number) => m.left + ((x - x0) / (x1 - x0)) * w;
  const Y = (y: number) => m.top + h - ((Math.min(Math.max(y, y0), y1) - y0) / (y1 - y0)) * h;
  const fmt = c.yFormat ?? ((y: number) => String(num(y)));
  const body = [`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(c.title)}</text>`];
  for (let k = 0; k <= 4; k++) {
    const y = y0 + ((y1 - y0) * k) / 4;
    body.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${num(Y(y))}" y2="${num(Y(y))}" stroke="#ddd"/>`);
    body.push(`<text x="${m.left - 6}" y="${num(Y(y)) + 4}" text-anchor="end">${esc(fmt(y))}</text>`);
  }
  for (let k = 0; k <= 4; k++) {
    const x = x0 + ((x1 - x0) * k) / 4;
    body.push(`<text x="${num(X(x))}" y="${m.top + h + 16}" text-anchor="middle">${esc(String(Math.round(x)))}</text>`);
  }
  body.push(`<rect x="${m.left}" y="${m.top}" width="${w}" height="${h}" fill="none" stroke="#888"/>`);
  body.push(`<text x="${m.left + w / 2}" y="${height - 8}" text-anchor="middle">${esc(c.xLabel)}</text>`);
  body.push(`<text transform="translate(14 ${m.top + h / 2}) rotate(-90)" text-anchor="middle">${esc(c.yLabel)}</text>`);
  c.series.forEach((s, i) => {
    const d = s.points.map(([x, y], k) => `${k === 0 ? "M" : "L"}${num(X(x))},${num(Y(y))}`).join(" ");
    body.push(`<path d="${d}" fill="none" stroke="${colorOf(s.name, i)}" stroke-width="1.8"/>`);
    const ly = m.top + 14 + i * 18;
    body.push(`<line x1="${m.left + w + 12}" x2="${m.left + w + 32}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colorOf(s.name, i)}" stroke-width="3"/>`);
    body.push(`<text x="${m.left + w + 38}" y="${ly}">${esc(s.name)}</text>`);
  });
  return frame(width, height, body);
}

export interface BarPanel {
  title: string;
  /** one value per name; `better` says which way is good (shown in the title) */
  values: { name: string; value: number; label: string }[];
  better?: "higher" | "lower";
}

/** Small multiples: one horizontal bar panel per metric, in a grid. */
export function barPanels(title: string, panels: BarPanel[], columns = 3): string {
  const pw = 300;
  const barH = 16;
  const n = Math.max(...panels.map((p) => p.values.length));
  const ph = 40 + n * (barH + 6);
  const rows = Math.ceil(panels.length / columns);
  const width = columns * pw + 20;
  const height = 40 + rows * (ph + 16);
  const body = [`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`];
  panels.forEach((p, k) => {
    const ox = 10 + (k % columns) * pw;
    const oy = 40 + Math.floor(k / columns) * (ph + 16);
    const max = Math.max(...p.values.map((v) => (Number.isFinite(v.value) ? Math.abs(v.value) : 0)), 1e-12);
    const arrow = p.better === "higher" ? " (higher is better)" : p.better === "lower" ? " (lower is better)" : "";
    body.push(`<text x="${ox + 4}" y="${oy + 14}" font-weight="bold">${esc(p.title)}</text><text x="${ox + 4}" y="${oy + 28}" fill="#666" font-size="10">${esc(arrow.trim())}</text>`);
    p.values.forEach((v, i) => {
      const y = oy + 36 + i * (barH + 6);
      const bw = Number.isFinite(v.value) ? (Math.abs(v.value) / max) * (pw - 170) : 0;
      body.push(`<text x="${ox + 80}" y="${y + 12}" text-anchor="end">${esc(v.name)}</text>`);
      body.push(`<rect x="${ox + 86}" y="${y}" width="${num(bw)}" height="${barH}" fill="${colorOf(v.name, i)}"/>`);
      body.push(`<text x="${ox + 90 + num(bw)}" y="${y + 12}">${esc(v.label)}</text>`);
    });
  });
  return frame(width, height, body);
}
