export { ForkChoice } from "./forkChoice.js";
export { ForkChoiceError, ForkChoiceErrorCode } from "./errors.js";
export type { BatchNode, ForkChoiceUpdate, Reorg, Vote } from "./types.js";
export { confirmingCommittee } from "./confirming.js";
