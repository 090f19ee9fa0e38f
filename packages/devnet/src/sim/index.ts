/** `baton sim`: the mechanisms lab (engine.ts), its table (report.ts) and charts (charts.ts). */
export { runSim, defaultSimOptions, capitalLocked, type SimOptions, type SimResult } from "./engine.js";
export { formatTable, formatLegend, describeScenario, tableRow, TABLE_COLUMNS } from "./report.js";
export { writeCharts, chartFiles } from "./charts.js";
export { parseProfile, parseProfileMix, profileLabel, ProfileError, type Profile } from "./profiles.js";
export { makePopulation, defaultProfiles, type SimSequencer } from "./population.js";
export { gini, nakamoto, lorenz } from "./stats.js";
export type { SimMetrics, SimSeries } from "./recorder.js";
