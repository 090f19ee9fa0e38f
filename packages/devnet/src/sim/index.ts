/** `baton sim`: the mechanisms lab (engine.ts), its table (report.ts) and charts (charts.ts); adversarial scenarios (attacks.ts, attackReport.ts). */
export { runSim, defaultSimOptions, type Outage, type SimOptions, type SimResult } from "./engine.js";
export { capitalLocked, lockedCapital, holdingsOf, isCapitalSample, CAPITAL_SAMPLES_PER_EPOCH, type LockedCapital } from "./capital.js";
export { confirmationShares, WeightTally } from "./weights.js";
export { attackScenarios, runAttack, ATTACKS, type AttackName, type AttackResult, type AttackMeasure, type AttackScenario } from "./attacks.js";
export { formatAttackTable, formatAttackLegend, attackChart } from "./attackReport.js";
export { formatTable, formatLegend, describeScenario, tableRow, TABLE_COLUMNS } from "./report.js";
export { writeCharts, chartFiles } from "./charts.js";
export { parseProfile, parseProfileMix, profileLabel, baselineOf, ProfileError, type Profile } from "./profiles.js";
export { makePopulation, defaultProfiles, type SimSequencer } from "./population.js";
export { SIM_MECHANISMS, simMechanismOf, type SimMechanism, type MechanismAgent, type AgentTurn } from "./mechanisms/index.js";
export { gini, nakamoto, lorenz } from "./stats.js";
export type { SimMetrics, SimSeries } from "./recorder.js";
