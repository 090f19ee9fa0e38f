import { suite } from "uvu";
import * as assert from "uvu/assert";
import { register as globalRegistry } from "prom-client";
import { MempoolErrorCode } from "../../src/mempool/index.js";
import { createMetrics, LINT_FAILING_DEFAULT_METRICS, type Metrics } from "../../src/metrics/index.js";

const test = suite("metrics");

const BATON_METRICS: Array<[string, "gauge" | "counter" | "histogram"]> = [
  ["baton_slot", "gauge"],
  ["baton_epoch", "gauge"],
  ["baton_head_height", "gauge"],
  ["baton_head_slot", "gauge"],
  ["baton_confirmed_height", "gauge"],
  ["baton_batches_produced_total", "counter"],
  ["baton_batches_imported_total", "counter"],
  ["baton_batch_import_errors_total", "counter"],
  ["baton_misses_total", "counter"],
  ["baton_ejections_total", "counter"],
  ["baton_rejoins_total", "counter"],
  ["baton_reorgs_total", "counter"],
  ["baton_mempool_size", "gauge"],
  ["baton_mempool_rejected_total", "counter"],
  ["baton_gossip_messages_total", "counter"],
  ["baton_tx_inclusion_seconds", "histogram"],
  ["baton_batch_import_seconds", "histogram"],
  ["baton_peers", "gauge"],
  ["baton_sync_batches_total", "counter"],
  ["baton_build_info", "gauge"],
  ["baton_node_sequencer_status", "gauge"],
];

let metrics: Metrics;
let text = "";
test.before(async () => {
  metrics = createMetrics();
  text = await metrics.registry.metrics();
});

for (const [name, type] of BATON_METRICS) {
  test(`${name} is exposed as a ${type}`, () => {
    assert.ok(text.includes(`# TYPE ${name} ${type}\n`), `missing "# TYPE ${name} ${type}"`);
  });
}

test("every counter ends in _total and nothing else does (promtool lint)", async () => {
  const all = await metrics.registry.getMetricsAsJSON();
  assert.ok(all.length > BATON_METRICS.length, "default Node metrics are registered too");
  for (const m of all) {
    const isCounter = String(m.type) === "counter";
    assert.is(m.name.endsWith("_total"), isCounter, `${m.name} (${m.type})`);
  }
});

test("gauges named _total are removed from the default Node metrics", () => {
  for (const name of LINT_FAILING_DEFAULT_METRICS) assert.not.ok(text.includes(name), name);
  assert.ok(text.includes("process_cpu_user_seconds_total"), "the other default metrics stay");
  assert.ok(text.includes("nodejs_heap_size_used_bytes"));
});

test("counters start at 0 for every known label (no 'No data' before the first event); build info and status are set", async () => {
  const fresh = await createMetrics({ version: "9.9.9", runtime: "node vX" }).registry.metrics();
  assert.ok(fresh.includes('baton_mempool_rejected_total{code="MEMPOOL_FULL"} 0'), "mempool codes");
  assert.ok(fresh.includes('baton_batch_import_errors_total{code="BATCH_BAD_SIGNATURE"} 0'), "batch error codes");
  assert.ok(fresh.includes('baton_gossip_messages_total{topic="batch",result="reject"} 0'), "gossip topic × result");
  assert.ok(fresh.includes('baton_build_info{version="9.9.9",runtime="node vX"} 1'));
  assert.ok(fresh.includes('baton_node_sequencer_status{status="none"} 1'));
  assert.ok(fresh.includes('baton_node_sequencer_status{status="active"} 0'));
});

test("a private registry: nothing lands in prom-client's global one", async () => {
  assert.not.ok((await globalRegistry.metrics()).includes("baton_"));
  createMetrics(); // a second instance does not clash with the first
});

test("mempool and gossip hooks update their metrics", async () => {
  const m = createMetrics();
  m.mempool.setSize(42);
  m.mempool.onRejected(MempoolErrorCode.FULL);
  m.mempool.onRejected(MempoolErrorCode.FULL);
  m.mempool.observeInclusion?.(0.3);
  m.gossipMetrics.onGossipResult("tx", "accept");
  m.gossipMetrics.onGossipResult("batch", "reject");
  m.chain.misses.inc({ sequencer: "3" });
  const out = await m.registry.metrics();
  for (const line of [
    "baton_mempool_size 42",
    `baton_mempool_rejected_total{code="${MempoolErrorCode.FULL}"} 2`,
    'baton_tx_inclusion_seconds_bucket{le="0.5"} 1',
    "baton_tx_inclusion_seconds_count 1",
    'baton_gossip_messages_total{topic="tx",result="accept"} 1',
    'baton_gossip_messages_total{topic="batch",result="reject"} 1',
    'baton_misses_total{sequencer="3"} 1',
  ]) {
    assert.ok(out.includes(line + "\n"), `missing "${line}"`);
  }
});

test.run();
