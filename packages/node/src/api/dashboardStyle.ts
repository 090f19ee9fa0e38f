/**
 * The dashboard's stylesheet (dashboardPage.ts puts it inline; the page's CSP allows inline
 * styles, not scripts).
 */

export const DASHBOARD_CSS = `
:root { --bg:#0d1117; --panel:#161b22; --line:#30363d; --text:#e6edf3; --dim:#8b949e;
  --produced:#2ea043; --missed:#da3633; --ejected:#6e7681; --fallback:#d29922; --current:#58a6ff; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--text); }
header { position:sticky; top:0; z-index:2; background:var(--bg); display:flex; align-items:center; gap:16px; padding:12px 20px; border-bottom:1px solid var(--line); }
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
#events li { font-family:ui-monospace, monospace; font-size:12px; color:var(--dim); list-style:none; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
#events { margin:0; padding:0; max-height:320px; overflow:auto; }
#events li b { color:var(--text); font-weight:500; }
#events li.alert b { color:var(--missed); }
#events li .id { opacity:.6; }
#history { display:grid; grid-template-columns:repeat(auto-fit, minmax(260px, 1fr)); gap:12px; }
.chart { border:1px solid var(--line); border-radius:6px; padding:8px 10px; min-width:0; }
.chart-head { display:flex; justify-content:space-between; align-items:baseline; gap:8px; }
.chart-head .label { color:var(--dim); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.chart-head .value { font-size:18px; font-variant-numeric:tabular-nums; }
.chart svg { display:block; width:100%; height:64px; margin:6px 0 2px; }
.chart svg .grid { stroke:var(--line); stroke-width:1; vector-effect:non-scaling-stroke; }
.chart svg .line { fill:none; stroke:var(--current); stroke-width:1.5; vector-effect:non-scaling-stroke; }
.chart svg .area { fill:var(--current); opacity:.15; }
.chart svg .bar { fill:var(--missed); }
.chart-foot { display:flex; justify-content:space-between; color:var(--dim); font-size:11px; font-variant-numeric:tabular-nums; }
.chart .hint { color:var(--dim); font-size:11px; }
#peers li { font-family:ui-monospace, monospace; font-size:12px; list-style:none; word-break:break-all; margin-bottom:4px; }
.cols > section { min-width:0; }
#peers { margin:0; padding:0; }
`;
