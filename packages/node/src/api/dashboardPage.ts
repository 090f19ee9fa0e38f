/**
 * The dashboard page served at GET / : one self-contained HTML document (no build step, no
 * external resources). It reads the JSON API once (/status, /sequencers, /schedule, /peers,
 * the last batches) and then lives on the /events server-sent events stream: every batch,
 * head, confirmed, miss, ejected, rejoined and exited event updates the slot timeline and the
 * committee table at once; /status, /sequencers and /peers are re-read every few seconds for
 * what has no event (stake, mempool, peers, sync progress).
 *
 * Test hooks (test/browser/dashboard.test.ts): `#timeline .slot[data-slot][data-state]`,
 * `#committee tr[data-index][data-status]`, `#head-height`, `#events-received`, `#conn`.
 */

export const DASHBOARD_CSS = `
:root { --bg:#0d1117; --panel:#161b22; --line:#30363d; --text:#e6edf3; --dim:#8b949e;
  --produced:#2ea043; --missed:#da3633; --ejected:#6e7681; --fallback:#d29922; --current:#58a6ff; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--text); }
header { display:flex; align-items:center; gap:16px; padding:12px 20px; border-bottom:1px solid var(--line); }
header h1 { font-size:18px; margin:0; }
header .dim { color:var(--dim); }
.pill { padding:2px 10px; border-radius:10px; font-size:12px; background:var(--line); }
.pill.live { background:var(--produced); color:#fff; }
.pill.offline { background:var(--missed); color:#fff; }
main { padding:16px 20px; display:grid; gap:16px; }
main > * { min-width:0; }
.cards { display:grid; grid-template-columns:repeat(auto-fit, minmax(150px, 1fr)); gap:12px; }
.card { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:10px 12px; }
.card .label { color:var(--dim); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.card .value { font-size:22px; font-variant-numeric:tabular-nums; }
.card .sub { color:var(--dim); font-size:12px; font-family:ui-monospace, monospace; }
section { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:12px; }
section h2 { font-size:14px; margin:0 0 10px; color:var(--dim); text-transform:uppercase; letter-spacing:.04em; }
#timeline { display:flex; gap:3px; flex-wrap:nowrap; overflow:hidden; }
.slot { flex:0 0 auto; width:38px; height:46px; border-radius:4px; display:flex; flex-direction:column;
  align-items:center; justify-content:center; font-variant-numeric:tabular-nums; background:var(--line); }
.slot .n { font-size:9px; opacity:.8; }
.slot .who { font-size:12px; font-weight:600; white-space:nowrap; }
.slot.by-fallback .who { font-size:10px; }
.slot[data-state=produced] { background:var(--produced); }
.slot[data-state=missed] { background:var(--missed); }
.slot[data-state=ejected] { background:repeating-linear-gradient(45deg, var(--ejected), var(--ejected) 4px, #484f58 4px, #484f58 8px); }
.slot[data-state=ejected].by-fallback { outline:2px solid var(--fallback); outline-offset:-2px; }
.slot[data-state=waiting] { background:#1f2937; outline:1px dashed var(--dim); outline-offset:-1px; }
.slot[data-state=current] { background:#1f2937; outline:2px solid var(--current); outline-offset:-2px; }
.slot[data-state=upcoming] { background:transparent; outline:1px solid var(--line); outline-offset:-1px; color:var(--dim); }
.legend { display:flex; gap:14px; margin-top:8px; color:var(--dim); font-size:12px; flex-wrap:wrap; }
.legend span::before { content:""; display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:5px; vertical-align:-1px; background:var(--c); }
table { width:100%; border-collapse:collapse; font-variant-numeric:tabular-nums; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); }
th { color:var(--dim); font-weight:500; font-size:12px; }
td.mono, .mono { font-family:ui-monospace, monospace; font-size:12px; }
td.status span { padding:1px 8px; border-radius:8px; font-size:12px; }
tr[data-status=active] td.status span { background:var(--produced); color:#fff; }
tr[data-status=ejected] td.status span { background:var(--missed); color:#fff; }
tr[data-status=exited] td.status span { background:var(--ejected); color:#fff; }
tr.me td:first-child::after { content:" (this node)"; color:var(--current); font-size:11px; }
.cols { display:grid; grid-template-columns:2fr 1fr; gap:16px; }
#events li { font-family:ui-monospace, monospace; font-size:12px; color:var(--dim); list-style:none; }
#events { margin:0; padding:0; max-height:220px; overflow:auto; }
#events li b { color:var(--text); font-weight:500; }
#peers li { font-family:ui-monospace, monospace; font-size:12px; list-style:none; word-break:break-all; margin-bottom:4px; }
.cols > section { min-width:0; }
#peers { margin:0; padding:0; }
`;

export const DASHBOARD_JS = `
"use strict";
const CFG = JSON.parse(document.getElementById("cfg").textContent);
const PAST = 44, AHEAD = 8;
const $ = (id) => document.getElementById(id);
const st = {
  status: null, sequencers: [], peers: [], schedules: new Map(), batches: new Map(),
  ejectedSince: new Map(), head: null, confirmed: null, txLog: [], seenRoots: new Set(),
  events: 0, lastSlot: -1, myIndex: null,
};
const short = (h) => (h && h.length > 14 ? h.slice(0, 8) + "…" + h.slice(-4) : h || "");
const nowSlot = () => Math.max(0, Math.floor((Date.now() - CFG.genesisTime) / CFG.slotMs));
const epochOf = (s) => Math.floor(s / CFG.slotsPerEpoch);
async function get(path) {
  const r = await fetch(path, { cache: "no-store" });
  if (!r.ok) throw new Error(path + ": " + r.status);
  return r.json();
}
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("data-")) e.setAttribute(k, String(v)); else e[k] = v;
  }
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
}
function logEvent(kind, text) {
  const li = el("li", {}, new Date().toLocaleTimeString() + " ", el("b", {}, kind), " " + text);
  $("events").prepend(li);
  while ($("events").children.length > 40) $("events").lastChild.remove();
}

// ---- schedule: leader and fallbacks per slot, kept for the epochs we have seen ----
async function loadSchedule(epoch) {
  if (st.schedules.has(epoch)) return;
  // the head state knows the schedule of its own epoch and the next one only
  const headEpoch = st.head ? epochOf(st.head.slot) : 0;
  if (epoch < headEpoch || epoch > headEpoch + 1) return;
  try {
    const s = await get("/schedule?epoch=" + epoch);
    st.schedules.set(epoch, new Map(s.slots.map((x) => [x.slot, x])));
    for (const e of st.schedules.keys()) if (e < epoch - 4) st.schedules.delete(e);
    render();
  } catch { /* the head state does not know that epoch yet: asked again later */ }
}
const orderOf = (slot) => st.schedules.get(epochOf(slot))?.get(slot) ?? null;
const ejectedAt = (i, slot) => st.ejectedSince.has(i) && slot >= st.ejectedSince.get(i);

// ---- what a slot looks like ----
function slotView(s, cur) {
  const order = orderOf(s);
  const leader = order ? order.leader : null;
  const b = st.batches.get(s);
  if (s > cur) return { state: "upcoming", who: leader };
  const leaderEjected = leader !== null && ejectedAt(leader, s);
  if (b) {
    if (leaderEjected && b.proposer !== leader) return { state: "ejected", who: leader, by: b.proposer };
    return { state: "produced", who: b.proposer, by: b.proposer };
  }
  if (s === cur) return { state: "current", who: leader };
  const headSlot = st.head ? st.head.slot : -1;
  if (headSlot <= s) return { state: "waiting", who: leader };
  if (leaderEjected) return { state: "ejected", who: leader };
  // the effective leader: the first of the order that was not ejected
  const eff = order ? [order.leader, ...order.fallbacks].find((i) => !ejectedAt(i, s)) : null;
  return { state: "missed", who: eff ?? leader };
}

function renderTimeline(cur) {
  const box = $("timeline");
  const cells = [];
  const past = Math.max(8, Math.min(PAST, Math.floor((box.clientWidth || 1200) / 41) - AHEAD - 1));
  for (let s = Math.max(1, cur - past); s <= cur + AHEAD; s++) {
    const v = slotView(s, cur);
    const who = v.who === null || v.who === undefined ? "?" : "#" + v.who;
    const label = v.by !== undefined && v.by !== v.who ? v.who + "→" + v.by : who;
    const cell = el("div", {
      class: "slot" + (v.by !== undefined && v.by !== v.who ? " by-fallback" : ""),
      "data-slot": s, "data-state": v.state, "data-leader": v.who ?? "", "data-proposer": v.by ?? "",
      title: "slot " + s + " (epoch " + epochOf(s) + "): " + v.state + (v.who !== null ? ", leader #" + v.who : "") + (v.by !== undefined ? ", produced by #" + v.by : ""),
    }, el("span", { class: "n" }, s), el("span", { class: "who" }, label));
    cells.push(cell);
  }
  box.replaceChildren(...cells);
}

function renderCommittee(cur) {
  const epoch = epochOf(cur);
  const sched = st.schedules.get(epoch);
  const inCommittee = new Set();
  const nextSlot = new Map();
  for (const e of [epoch, epoch + 1]) {
    const m = st.schedules.get(e);
    if (!m) continue;
    for (const x of m.values()) {
      if (e === epoch) { inCommittee.add(x.leader); x.fallbacks.forEach((f) => inCommittee.add(f)); }
      const leaderActive = st.sequencers.find((q) => q.index === x.leader)?.status === "active";
      if (x.slot > cur && leaderActive && !nextSlot.has(x.leader)) nextSlot.set(x.leader, x.slot);
    }
  }
  const slotsThisEpoch = (i) => (sched ? [...sched.values()].filter((x) => x.leader === i).length : 0);
  const rows = st.sequencers.map((q) => el("tr", { "data-index": q.index, "data-status": q.status, class: q.index === st.myIndex ? "me" : "" },
    el("td", {}, "#" + q.index),
    el("td", { class: "mono", title: q.pubkey }, short(q.pubkey)),
    el("td", {}, Number(q.stake).toLocaleString("en-US")),
    el("td", { class: "status" }, el("span", {}, q.status)),
    el("td", {}, q.produced),
    el("td", {}, q.misses + (q.consecutiveMisses ? " (" + q.consecutiveMisses + " in a row)" : "")),
    el("td", {}, inCommittee.has(q.index) ? slotsThisEpoch(q.index) + " slots" : "—"),
    el("td", {}, nextSlot.has(q.index) ? nextSlot.get(q.index) : "—"),
  ));
  $("committee").querySelector("tbody").replaceChildren(...rows);
}

function renderCards(cur) {
  $("slot").textContent = cur;
  $("epoch").textContent = "epoch " + epochOf(cur) + " · slot " + (cur % CFG.slotsPerEpoch) + "/" + CFG.slotsPerEpoch;
  if (st.head) { $("head-height").textContent = st.head.height; $("head-sub").textContent = "slot " + st.head.slot + " · " + short(st.head.root); }
  if (st.confirmed) { $("confirmed-height").textContent = st.confirmed.height; $("confirmed-sub").textContent = "slot " + st.confirmed.slot + " · " + short(st.confirmed.root); }
  const since = Date.now() - 10000;
  st.txLog = st.txLog.filter((x) => x.t >= since);
  const txs = st.txLog.reduce((a, x) => a + x.txs, 0);
  $("tx-rate").textContent = (txs / 10).toFixed(1);
  $("tx-sub").textContent = st.txLog.length + " batches in 10 s";
  $("peer-count").textContent = st.peers.length;
  const s = st.status;
  if (s) {
    $("mempool").textContent = s.mempool;
    const sy = s.sync || {};
    $("sync").textContent = s.syncing ? "syncing" : "in sync";
    $("sync-sub").textContent = s.syncing
      ? (sy.headHeight ?? s.head.height) + " / " + sy.targetHeight + " · " + Math.round(sy.batchesPerSecond || 0) + "/s · ETA " + (sy.etaSeconds ?? "?") + " s"
      : "head " + (st.head ? st.head.height : s.head.height);
  }
}

function render() {
  const cur = nowSlot();
  renderCards(cur);
  renderTimeline(cur);
  renderCommittee(cur);
  $("events-received").textContent = st.events;
}

// ---- data ----
function noteBatch(b) {
  if (st.seenRoots.has(b.root)) return;
  st.seenRoots.add(b.root);
  if (st.seenRoots.size > 5000) st.seenRoots = new Set([...st.seenRoots].slice(-2500));
  st.batches.set(b.slot, { proposer: b.proposer, height: b.height, txs: b.txs, root: b.root });
  for (const s of st.batches.keys()) if (s < nowSlot() - 4 * PAST) st.batches.delete(s);
}
async function refreshSequencers() {
  try {
    st.sequencers = await get("/sequencers");
    for (const q of st.sequencers) {
      if (q.status === "ejected" && !st.ejectedSince.has(q.index)) st.ejectedSince.set(q.index, -1);
      if (q.status !== "ejected") st.ejectedSince.delete(q.index);
    }
  } catch {}
}
async function refreshStatus() {
  try {
    st.status = await get("/status");
    st.myIndex = st.status.node ? st.status.node.sequencerIndex : null;
    $("node").textContent = "peer " + short(st.status.node?.peerId || "") + (st.myIndex !== null && st.myIndex !== undefined ? " · sequencer #" + st.myIndex : " · full node");
    if (!st.head || st.status.head.height >= st.head.height) st.head = st.status.head;
    if (!st.confirmed || st.status.confirmed.height >= st.confirmed.height) st.confirmed = st.status.confirmed;
  } catch {}
}
async function refreshPeers() {
  try {
    st.peers = await get("/peers");
    $("peers").replaceChildren(...st.peers.map((p) => el("li", { title: (p.addrs || []).join(" ") }, short(p.peerId) + "  " + ((p.addrs || [])[0] || ""))));
  } catch {}
}
async function backfill() {
  if (!st.head) return;
  const from = Math.max(1, st.head.height - PAST);
  const got = await Promise.all(
    Array.from({ length: st.head.height - from + 1 }, (_, k) => get("/batches/" + (from + k)).catch(() => null)),
  );
  for (const b of got) if (b) noteBatch({ root: b.root, slot: b.slot, height: b.height, proposer: b.proposer, txs: b.txs.length });
}

function connect() {
  const es = new EventSource("/events");
  es.onopen = () => { $("conn").textContent = "live"; $("conn").className = "pill live"; };
  es.onerror = () => { $("conn").textContent = "reconnecting"; $("conn").className = "pill offline"; };
  const on = (name, fn) => es.addEventListener(name, (m) => { st.events++; try { fn(JSON.parse(m.data)); } catch {} render(); });
  on("batch", (b) => { noteBatch(b); st.txLog.push({ t: Date.now(), txs: b.txs }); });
  on("head", (h) => { st.head = h; });
  on("confirmed", (c) => { st.confirmed = c; });
  on("miss", (m) => { logEvent("miss", "#" + m.sequencer + " missed " + m.misses + " slot(s), recorded at slot " + m.slot); void refreshSequencers(); });
  on("ejected", (e) => { st.ejectedSince.set(e.sequencer, e.slot); setStatus(e.sequencer, "ejected"); logEvent("ejected", "#" + e.sequencer + " at slot " + e.slot + " (stake " + e.stake + ")"); });
  on("rejoined", (e) => { st.ejectedSince.delete(e.sequencer); setStatus(e.sequencer, "active"); logEvent("rejoined", "#" + e.sequencer + " at slot " + e.slot); });
  on("exited", (e) => { st.ejectedSince.delete(e.sequencer); setStatus(e.sequencer, "exited"); logEvent("exited", "#" + e.sequencer + " at slot " + e.slot); });
}
function setStatus(i, status) {
  const q = st.sequencers.find((x) => x.index === i);
  if (q) q.status = status; else void refreshSequencers();
}

async function start() {
  $("chain").textContent = "chain " + CFG.chainId + " · slot " + CFG.slotMs + " ms · " + CFG.slotsPerEpoch + " slots/epoch";
  await Promise.all([refreshStatus(), refreshSequencers(), refreshPeers()]);
  connect();
  const e = epochOf(nowSlot());
  await Promise.all([loadSchedule(e), loadSchedule(e + 1), backfill()]);
  render();
  setInterval(() => {
    const cur = nowSlot();
    if (cur !== st.lastSlot) {
      st.lastSlot = cur;
      const e = epochOf(cur);
      void loadSchedule(e);
      void loadSchedule(e + 1);
      render();
    }
  }, Math.max(50, Math.floor(CFG.slotMs / 4)));
  setInterval(async () => { await Promise.all([refreshStatus(), refreshSequencers()]); render(); }, 2000);
  setInterval(async () => { await refreshPeers(); render(); }, 5000);
}
start();
`;

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
  <span class="dim">events <span id="events-received">0</span></span>
  <span class="pill" id="conn">connecting</span>
</header>
<main>
  <div class="cards">
    <div class="card"><div class="label">Slot</div><div class="value" id="slot">–</div><div class="sub" id="epoch"></div></div>
    <div class="card"><div class="label">Head</div><div class="value" id="head-height">–</div><div class="sub" id="head-sub"></div></div>
    <div class="card"><div class="label">Confirmed</div><div class="value" id="confirmed-height">–</div><div class="sub" id="confirmed-sub"></div></div>
    <div class="card"><div class="label">Tx / s</div><div class="value" id="tx-rate">–</div><div class="sub" id="tx-sub"></div></div>
    <div class="card"><div class="label">Peers</div><div class="value" id="peer-count">–</div><div class="sub">connected</div></div>
    <div class="card"><div class="label">Mempool</div><div class="value" id="mempool">–</div><div class="sub">pending txs</div></div>
    <div class="card"><div class="label">Sync</div><div class="value" id="sync">–</div><div class="sub" id="sync-sub"></div></div>
  </div>
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
  </section>
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
      <h2 style="margin-top:14px">Events</h2>
      <ul id="events"></ul>
    </section>
  </div>
</main>
<script id="cfg" type="application/json">${json}</script>
<script>${DASHBOARD_JS}</script>
</body>
</html>
`;
}
