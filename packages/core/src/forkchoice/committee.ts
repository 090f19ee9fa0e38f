import type { BatchNode } from "./types.js";

/** A batch's committee as a lookup table, with its total weight. */
export interface CommitteeWeights {
  weights: Map<number, bigint>;
  total: bigint;
}

/**
 * Interns committees: the batches of one epoch usually carry the same committee, so they
 * share one `CommitteeWeights` object. Sharing lets confirmation treat a run of batches with
 * the same committee as one group (see confirmation.ts), and saves memory.
 */
export class CommitteeTable {
  private readonly byKey = new Map<string, CommitteeWeights>();

  intern(committee: BatchNode["committee"]): CommitteeWeights {
    const key = committee.map((m) => `${m.index}:${m.weight}`).join(",");
    let entry = this.byKey.get(key);
    if (entry === undefined) {
      const weights = new Map<number, bigint>();
      let total = 0n;
      for (const { index, weight } of committee) {
        weights.set(index, (weights.get(index) ?? 0n) + weight);
        total += weight;
      }
      entry = { weights, total };
      this.byKey.set(key, entry);
    }
    return entry;
  }

  clear(): void {
    this.byKey.clear();
  }
}
