export { createMetrics, LINT_FAILING_DEFAULT_METRICS } from "./metrics.js";
export type { GossipMetrics, GossipResultLabel, GossipTopicType, Metrics } from "./metrics.js";
export type { MempoolMetrics } from "../mempool/interface.js";
