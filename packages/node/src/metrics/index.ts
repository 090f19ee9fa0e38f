export { createMetrics, LINT_FAILING_DEFAULT_METRICS, NODE_SEQUENCER_STATUSES } from "./metrics.js";
export type { GossipMetrics, GossipResultLabel, GossipTopicType, Metrics, NodeSequencerStatus } from "./metrics.js";
export type { MempoolMetrics } from "../mempool/interface.js";
export { MetricsServer } from "./server.js";
