/**
 * The dashboard page served at GET / : one self-contained HTML document (no build step, no
 * external resources): the stylesheet (dashboardStyle.ts) and the script (dashboardScript.ts,
 * with the history panels of dashboardHistory.ts) inline. It reads the JSON API once and then
 * lives on the /events stream: every batch, head, confirmed, miss, ejected, rejoined and exited
 * event updates the slot timeline, the committee table, the event list and the history panels
 * at once; /status, /sequencers and /peers are re-read every few seconds for what has no event
 * (stake, mempool, peers, sync progress). The header stays at the top while the page scrolls.
 */
import { DASHBOARD_JS } from "./dashboardScript.js";
import { DASHBOARD_CSS } from "./dashboardStyle.js";


const CARDS_HTML = `
  <div class="cards">
    <div class="card"><div class="label">Slot</div><div class="value" id="slot">–</div><div class="sub" id="epoch"></div></div>
    <div class="card"><div class="label">Head</div><div class="value" id="head-height">–</div><div class="sub" id="head-sub"></div></div>
    <div class="card"><div class="label">Confirmed</div><div class="value" id="confirmed-height">–</div><div class="sub" id="confirmed-sub"></div></div>
    <div class="card"><div class="label">Tx / s</div><div class="value" id="tx-rate">–</div><div class="sub" id="tx-sub"></div></div>
    <div class="card"><div class="label">Peers</div><div class="value" id="peer-count">–</div><div class="sub">connected</div></div>
    <div class="card"><div class="label">Mempool</div><div class="value" id="mempool">–</div><div class="sub">pending txs</div></div>
    <div class="card"><div class="label">Sync</div><div class="value" id="sync">–</div><div class="sub" id="sync-sub"></div></div>
  </div>`;

const TIMELINE_HTML = `
  <section>
    <h2>Slot timeline: leader per slot</h2>
    <div id="timeline"></div>
    <div class="legend">
      <span style="--c:var(--produced)">produced</span>
      <span style="--c:var(--missed)">missed</span>
      <span style="--c:var(--ejected)">leader ejected (→ fallback)</span>
      <span style="--c:var(--current)">current</span>
      <span style="--c:#1f2937">waiting for its batch</span>
      <span style="--c:transparent;outline:1px solid var(--line)">upcoming</span>
    </div>
  </section>`;

/** One history panel: dashboardHistory.ts draws into its svg and fills .value and .max. */
function chart(series: string, label: string, hint: string, bars = false): string {
  const shapes = bars ? '<g class="bars"></g>' : '<path class="area"></path><polyline class="line"></polyline>';
  return `
    <div class="chart" data-series="${series}" data-points="0" data-last="">
      <div class="chart-head"><span class="label">${label}</span><span class="value">–</span></div>
      <div class="hint">${hint}</div>
      <svg viewBox="0 0 300 60" preserveAspectRatio="none" role="img" aria-label="${label}, last 5 minutes">
        <line class="grid" x1="0" y1="59.5" x2="300" y2="59.5"></line>${shapes}
      </svg>
      <div class="chart-foot"><span class="since">5 min ago</span><span class="max"></span><span>now</span></div>
    </div>`;
}

const HISTORY_HTML = `
  <section>
    <h2>History (up to 5 minutes, from this node's events and status)</h2>
    <div id="history">${[
      chart("headLag", "Head lag", "slots: clock slot − head slot"),
      chart("confLag", "Confirmation lag", "batches: head height − confirmed height"),
      chart("batches", "Batches / s", "imported, mean over 10 s"),
      chart("txs", "Tx / s", "included, mean over 10 s"),
      chart("misses", "Misses", "slots missed per 10 s; the value: last minute", true),
      chart("mempool", "Mempool", "pending txs"),
    ].join("")}
    </div>
  </section>`;

const TABLES_HTML = `
  <div class="cols">
    <section>
      <h2>Sequencers and committee</h2>
      <table id="committee">
        <thead><tr><th>#</th><th>BLS key</th><th>stake</th><th>status</th><th>produced</th><th>missed</th><th>this epoch</th><th>next slot</th></tr></thead>
        <tbody></tbody>
      </table>
    </section>
    <section>
      <h2>Peers</h2>
      <ul id="peers"></ul>
      <h2 style="margin-top:14px">Events <span class="hint">(newest first; reconnects: <span id="reconnects">0</span>)</span></h2>
      <ul id="events" data-dups="0"></ul>
    </section>
  </div>`;

/** The page, with the chain's clock parameters embedded (the page computes the slot itself). */
export function dashboardHtml(cfg: { chainId: number; genesisTime: number; slotMs: number; slotsPerEpoch: number }): string {
  const json = JSON.stringify(cfg).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Baton node · chain ${cfg.chainId}</title>
<style>${DASHBOARD_CSS}</style>
</head>
<body>
<header>
  <h1>Baton</h1>
  <span class="dim" id="chain"></span>
  <span class="dim mono" id="node"></span>
  <span style="flex:1"></span>
  <span class="dim">head <span id="hdr-head">–</span> · lag <span id="hdr-lag">–</span> slots</span>
  <span class="dim">events <span id="events-received">0</span></span>
  <span class="pill" id="conn">connecting</span>
</header>
<main>${CARDS_HTML}${TIMELINE_HTML}${TABLES_HTML}${HISTORY_HTML}
</main>
<script id="cfg" type="application/json">${json}</script>
<script>${DASHBOARD_JS}</script>
</body>
</html>
`;
}
