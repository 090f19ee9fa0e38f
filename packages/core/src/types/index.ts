export * as ssz from "./ssz.js";
export type {
  Tx,
  TxBody,
  BatchHeader,
  SignedBatchHeader,
  SignedBatch,
  Sequencer,
  Account,
  CommitteeMember,
  EpochCommittee,
  State,
  StakePayload,
  UnstakePayload,
  RejoinPayload,
  SlashPayload,
  StatusMessage,
} from "./ssz.js";
export * from "./enums.js";
export * from "./encoding.js";
