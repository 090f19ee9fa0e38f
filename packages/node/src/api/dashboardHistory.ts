/**
 * The dashboard's history panels (part of its one inline script, dashboardScript.ts): a rolling
 * record of the last HIST_SECONDS, one bucket per second, kept in the page and fed only by the
 * node itself: the event stream (batch events carry their import time, so the replay on load
 * fills the past minutes at once; head, confirmed and miss events take the time of the batch
 * that caused them), the /status polls, and the slot clock, sampled every second. Each series
 * is drawn as an inline SVG sparkline (bars for misses) with its current value and its maximum.
 *
 * The charts span what the record holds (at least MIN_SPAN seconds), growing to HIST_SECONDS.
 *
 * Series: head lag = clock slot − head slot; confirmation lag = head height − confirmed height;
 * batches/s and tx/s averaged over RATE_SECONDS; misses recorded per BAR_SECONDS; mempool size.
 */

export const HISTORY_JS = `
// ---- history: one bucket per second, the last HIST_SECONDS ----
const HIST_SECONDS = 300, RATE_SECONDS = 10, BAR_SECONDS = 10;
const hist = { buckets: new Map(), first: null, head: null, confirmed: null };
function bucket(t) {
  const s = Math.floor(t / 1000);
  let b = hist.buckets.get(s);
  if (!b) {
    b = { batches: 0, txs: 0, misses: 0, headLag: null, confLag: null, mempool: null };
    hist.buckets.set(s, b);
    if (hist.first === null || s < hist.first) hist.first = s;
  }
  return b;
}
function histPrune() {
  const min = Math.floor(Date.now() / 1000) - HIST_SECONDS - RATE_SECONDS;
  for (const s of hist.buckets.keys()) if (s < min) hist.buckets.delete(s);
  if (hist.first !== null && hist.first < min) hist.first = min;
}
function histBatch(b, t) { const x = bucket(t); x.batches++; x.txs += b.txs; }
function histMiss(m, t) { bucket(t).misses += m.misses; }
function histHead(h, t) {
  hist.head = h;
  const x = bucket(t);
  x.headLag = Math.max(0, slotAt(t) - h.slot);
  if (hist.confirmed) x.confLag = Math.max(0, h.height - hist.confirmed.height);
}
function histConfirmed(c, t) {
  hist.confirmed = c;
  if (hist.head) bucket(t).confLag = Math.max(0, hist.head.height - c.height);
}
function histStatus(s) { bucket(Date.now()).mempool = s.mempool; }
/** every second: the lags as of now (the head may be stale while no batch comes: that is what lag shows) */
function histSample() {
  const x = bucket(Date.now());
  if (st.head) x.headLag = Math.max(0, nowSlot() - st.head.slot);
  if (st.head && st.confirmed) x.confLag = Math.max(0, st.head.height - st.confirmed.height);
  if (st.status && x.mempool === null) x.mempool = st.status.mempool;
  histPrune();
}

/** the seconds the charts span: what the record holds (at least MIN_SPAN), at most HIST_SECONDS */
const MIN_SPAN = 30;
function spanSeconds() {
  if (hist.first === null) return HIST_SECONDS;
  return Math.min(HIST_SECONDS, Math.max(MIN_SPAN, Math.floor(Date.now() / 1000) - hist.first + 1));
}
/** one value per second of the span (null before anything is known) */
function seriesOf(key, span) {
  const now = Math.floor(Date.now() / 1000);
  const out = [];
  let carry = null;
  for (let s = now - span + 1; s <= now; s++) {
    if (hist.first === null || s < hist.first) { out.push(null); continue; }
    if (key === "batches" || key === "txs") {
      // a rate: the mean over the last RATE_SECONDS (fewer at the start of the record)
      const span = Math.min(RATE_SECONDS, s - hist.first + 1);
      let sum = 0;
      for (let k = s - span + 1; k <= s; k++) sum += hist.buckets.get(k)?.[key] ?? 0;
      out.push(sum / span);
    } else if (key === "misses") {
      out.push(hist.buckets.get(s)?.misses ?? 0);
    } else {
      // a level: the last known value carries forward
      const v = hist.buckets.get(s)?.[key];
      if (v !== null && v !== undefined) carry = v;
      out.push(carry);
    }
  }
  return out;
}

const SVG_W = 300, SVG_H = 60;
const fmt = (v, d) => (v === null || v === undefined ? "–" : Number(v).toFixed(d));
function drawLine(svg, values, top) {
  const pts = [];
  values.forEach((v, i) => { if (v !== null) pts.push([(i / (values.length - 1)) * SVG_W, SVG_H - (v / top) * (SVG_H - 4) - 1]); });
  const line = pts.map(([x, y]) => x.toFixed(1) + "," + y.toFixed(1)).join(" ");
  svg.querySelector(".line").setAttribute("points", line);
  const area = pts.length ? "M" + pts[0][0].toFixed(1) + "," + SVG_H + " L" + line.replace(/ /g, " L") + " L" + pts[pts.length - 1][0].toFixed(1) + "," + SVG_H + " Z" : "";
  svg.querySelector(".area").setAttribute("d", area);
}
/** misses summed per BAR_SECONDS (null where nothing is known) */
function barGroups(values) {
  const groups = [];
  for (let i = 0; i < values.length; i += BAR_SECONDS) {
    const part = values.slice(i, i + BAR_SECONDS);
    groups.push(part.every((v) => v === null) ? null : part.reduce((a, v) => a + (v ?? 0), 0));
  }
  return groups;
}
function drawBars(svg, groups, top) {
  const w = SVG_W / groups.length;
  const bars = groups.map((v, i) => {
    if (!v) return null;
    const h = Math.max(2, (v / top) * (SVG_H - 4));
    const r = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    r.setAttribute("class", "bar");
    r.setAttribute("x", (i * w + 1).toFixed(1)); r.setAttribute("width", Math.max(1, w - 2).toFixed(1));
    r.setAttribute("y", (SVG_H - h).toFixed(1)); r.setAttribute("height", h.toFixed(1));
    return r;
  }).filter(Boolean);
  svg.querySelector(".bars").replaceChildren(...bars);
}
/** the panels: [series, decimals, the smallest top of the y axis] */
const CHARTS = [["headLag", 0, 4], ["confLag", 0, 4], ["batches", 2, 1], ["txs", 1, 1], ["misses", 0, 1], ["mempool", 0, 10]];
function renderHistory() {
  // since when the record goes back (the replay on load reaches back before the page was opened)
  if (hist.first !== null) $("history").dataset.since = String(hist.first * 1000);
  const span = spanSeconds();
  const ago = span >= 120 ? Math.round(span / 60) + " min ago" : span + " s ago";
  for (const [key, decimals, minTop] of CHARTS) {
    const box = document.querySelector('#history .chart[data-series="' + key + '"]');
    if (!box) continue;
    const values = seriesOf(key, span);
    box.querySelector(".since").textContent = ago;
    const known = values.filter((v) => v !== null);
    const svg = box.querySelector("svg");
    let top, last, max;
    if (key === "misses") {
      const groups = barGroups(values);
      const seen = groups.filter((v) => v !== null);
      top = Math.max(minTop, ...seen);
      drawBars(svg, groups, top);
      // the card shows the misses of the last minute
      last = known.length ? known.slice(-60).reduce((a, v) => a + v, 0) : null;
      max = seen.length ? Math.max(...seen) : null;
    } else {
      top = Math.max(minTop, ...known) * 1.1;
      drawLine(svg, values, top);
      last = known.length ? known[known.length - 1] : null;
      max = known.length ? Math.max(...known) : null;
    }
    box.dataset.points = known.length;
    box.dataset.last = last === null ? "" : String(last);
    box.querySelector(".value").textContent = fmt(last, decimals);
    box.querySelector(".max").textContent = "max " + fmt(max, decimals);
  }
}
`;
