/**
 * The dashboard's script (one inline <script>, allowed by its sha256 in the page's CSP: see
 * dashboard.ts). It reads the JSON API once (/status, /sequencers, /schedule, /peers, the last
 * batches through GET /batches?from&count) and then lives on the /events stream, opened with
 * `?lastEventId=0` so the node first replays the events it kept: the event list and the
 * history panels (dashboardHistory.ts) have data at once. When the stream drops, EventSource
 * reconnects by itself and sends Last-Event-ID; the node replays what the page missed, and the
 * page drops any event whose id it has already shown (ids only grow), so each event shows once.
 *
 * Test hooks (test/browser/dashboard.test.ts): `#timeline .slot[data-slot][data-state]`,
 * `#committee tr[data-index][data-status]`, `#head-height`, `#events-received`, `#conn`,
 * `#events li[data-id][data-kind]`, `#events[data-dups]`, `#reconnects`,
 * `#history .chart[data-series][data-points][data-last]`.
 */
import { API_EVENT_NAMES } from "@baton/api";
import { HISTORY_JS } from "./dashboardHistory.js";

const MAIN_JS = `
const CFG = JSON.parse(document.getElementById("cfg").textContent);
const EVENT_NAMES = ${JSON.stringify(API_EVENT_NAMES)};
const PAST = 44, AHEAD = 8, EVENT_LIST_MAX = 200;
const $ = (id) => document.getElementById(id);
const st = {
  status: null, sequencers: [], peers: [], schedules: new Map(), batches: new Map(),
  ejectedSince: new Map(), head: null, confirmed: null, txLog: [], seenRoots: new Set(),
  events: 0, lastSlot: -1, myIndex: null, lastEventId: -1, dups: 0, opens: 0, eventTime: Date.now(),
  renderQueued: false, seqQueued: false,
};
const short = (h) => (h && h.length > 14 ? h.slice(0, 8) + "…" + h.slice(-4) : h || "");
const slotAt = (t) => Math.max(0, Math.floor((t - CFG.genesisTime) / CFG.slotMs));
const nowSlot = () => slotAt(Date.now());
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

// ---- the event list: every event once, newest first ----
function describe(kind, d) {
  switch (kind) {
    case "batch": return "height " + d.height + " · slot " + d.slot + " · by #" + d.proposer + " · " + d.txs + " txs (" + d.source + ")";
    case "head": case "confirmed": return "height " + d.height + " · slot " + d.slot + " · " + short(d.root);
    case "miss": return "#" + d.sequencer + " missed " + d.misses + " slot(s), recorded at slot " + d.slot;
    case "ejected": return "#" + d.sequencer + " at slot " + d.slot + " (stake " + d.stake + ")";
    default: return "#" + d.sequencer + " at slot " + d.slot;
  }
}
function logEvent(id, kind, d, t) {
  const alert = kind === "miss" || kind === "ejected" || kind === "exited";
  const li = el("li", { class: alert ? "alert" : "", "data-id": id, "data-kind": kind, title: "event id " + id },
    new Date(t).toLocaleTimeString() + " ", el("b", {}, kind), " " + describe(kind, d));
  const list = $("events");
  list.prepend(li);
  while (list.children.length > EVENT_LIST_MAX) list.lastChild.remove();
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
  if (st.head) {
    $("head-height").textContent = st.head.height; $("head-sub").textContent = "slot " + st.head.slot + " · " + short(st.head.root);
    // the sticky header: still in view when the page is scrolled down to the history
    $("hdr-head").textContent = st.head.height; $("hdr-lag").textContent = Math.max(0, cur - st.head.slot);
  }
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
  $("events").dataset.dups = st.dups;
}
/** many events at once (a replay): one render for all of them */
function queueRender() {
  if (st.renderQueued) return;
  st.renderQueued = true;
  setTimeout(() => { st.renderQueued = false; render(); }, 50);
}
`;

const DATA_JS = `
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
/** a miss or a status change: re-read the sequencers once (not once per replayed event) */
function queueSequencers() {
  if (st.seqQueued) return;
  st.seqQueued = true;
  setTimeout(async () => { st.seqQueued = false; await refreshSequencers(); queueRender(); }, 300);
}
async function refreshStatus() {
  try {
    st.status = await get("/status");
    st.myIndex = st.status.node ? st.status.node.sequencerIndex : null;
    $("node").textContent = "peer " + short(st.status.node?.peerId || "") + (st.myIndex !== null && st.myIndex !== undefined ? " · sequencer #" + st.myIndex : " · full node");
    if (!st.head || st.status.head.height >= st.head.height) st.head = st.status.head;
    if (!st.confirmed || st.status.confirmed.height >= st.confirmed.height) st.confirmed = st.status.confirmed;
    histStatus(st.status);
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
  try {
    const got = await get("/batches?from=" + from + "&count=" + (st.head.height - from + 1));
    for (const b of got) noteBatch({ root: b.root, slot: b.slot, height: b.height, proposer: b.proposer, txs: b.txs.length });
  } catch {}
}
function setStatus(i, status) {
  const q = st.sequencers.find((x) => x.index === i);
  if (q) q.status = status; else queueSequencers();
}

const ON_EVENT = {
  batch: (b, t) => { noteBatch(b); st.txLog.push({ t, txs: b.txs }); histBatch(b, t); },
  head: (h, t) => { st.head = h; histHead(h, t); },
  confirmed: (c, t) => { st.confirmed = c; histConfirmed(c, t); },
  miss: (m, t) => { histMiss(m, t); queueSequencers(); },
  ejected: (e) => { st.ejectedSince.set(e.sequencer, e.slot); setStatus(e.sequencer, "ejected"); },
  rejoined: (e) => { st.ejectedSince.delete(e.sequencer); setStatus(e.sequencer, "active"); },
  exited: (e) => { st.ejectedSince.delete(e.sequencer); setStatus(e.sequencer, "exited"); },
};
function onEvent(kind, m) {
  const id = Number(m.lastEventId);
  // ids only grow: one at or below the last shown was shown already (a replay that overlaps)
  if (m.lastEventId !== "" && id <= st.lastEventId) { st.dups++; return; }
  if (m.lastEventId !== "") st.lastEventId = id;
  let d;
  try { d = JSON.parse(m.data); } catch { return; }
  st.events++;
  // a batch carries its import time; the events it causes follow it at once (replayed ones too)
  const t = kind === "batch" ? (d.importedAt || Date.now()) : st.eventTime;
  if (kind === "batch") st.eventTime = t;
  ON_EVENT[kind](d, t);
  logEvent(id, kind, d, t);
  queueRender();
}

function connect() {
  // lastEventId=0: the node first replays every event it kept; on a reconnect EventSource sends
  // the Last-Event-ID header (it wins over the query) and gets only what it missed
  const es = new EventSource("/events?lastEventId=0");
  es.onopen = () => {
    st.opens++;
    $("reconnects").textContent = Math.max(0, st.opens - 1);
    $("conn").textContent = "live"; $("conn").className = "pill live";
  };
  es.onerror = () => { $("conn").textContent = "reconnecting"; $("conn").className = "pill offline"; };
  for (const kind of EVENT_NAMES) es.addEventListener(kind, (m) => onEvent(kind, m));
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
  setInterval(() => { histSample(); renderHistory(); }, 1000);
}
`;

/** The whole script; its sha256 goes into the page's CSP. */
export const DASHBOARD_JS = `
"use strict";
${MAIN_JS}
${DATA_JS}
${HISTORY_JS}
start();
`;
