/** The bond of poa authorities and auction bidders in the lab, and what they lock. */

export const SIM_BOND = 2_000n;

/**
 * What a bonded sequencer locks: the bond plus a 50% margin (so a short ejection's leak does
 * not exit it; more would not add weight), whatever stake it brings.
 */
export const bondedStake = (): bigint => (SIM_BOND * 3n) / 2n;
