/** The lab's performance mechanism: its lab params; a sequencer locks the stake it brings. */
import type { PerformanceParams } from "@baton/core";
import type { SimMechanism } from "./types.js";

export const performanceSim: SimMechanism<"performance", PerformanceParams> = {
  name: "performance",
  params: { halfLifeEpochs: 8, initialScorePpm: 500_000, probationEpochs: 16, baseBond: 1_000n, bondPerTx: 10n, volumeHalfLifeEpochs: 4 },
};
