export { runBench, benchPlan, benchRows, machineInfo, PHASES } from "./run.js";
export type { BenchOptions, BenchPlan, BenchResults, Phase } from "./run.js";
export { formatTable, markdownTable, markdownReport, summarizeTargets, formatNumber, replaceResults } from "./report.js";
export type { BenchReport, BenchRow, BenchTarget, BenchRatio, MachineInfo, TargetSummary } from "./report.js";
export { percentile, percentileSorted, summarize, ratio, growthExponents, withinNLogN, rateBetween } from "./stats.js";
