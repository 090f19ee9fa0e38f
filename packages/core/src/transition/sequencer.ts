/** A new Sequencer record (genesis, a stake tx by a new key): the common fields and those of the chain's mechanism. */
import type { ChainConfig } from "../config/chainConfig.js";
import { mechanismOf } from "../mechanism/registry.js";
import { newSequencerOf } from "../mechanism/sequencer.js";
import type { NewSequencerArgs } from "../state/sequencer.js";
import type { Sequencer } from "../types/ssz.js";

export { SCORE_ONE_PPM, type NewSequencerArgs } from "../state/sequencer.js";

export function newSequencer(config: ChainConfig, a: NewSequencerArgs): Sequencer {
  return newSequencerOf(mechanismOf(config), config, a);
}
