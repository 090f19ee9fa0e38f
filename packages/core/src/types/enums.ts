/** Kinds of tx. Values are part of the canonical encoding: never renumber. */
export enum TxKind {
  user = 0,
  stake = 1,
  unstake = 2,
  rejoin = 3,
  slash = 4,
  // evict (every mechanism: transition/governance.ts); the others belong to one mechanism each, whose `txs` list them (mechanism/)
  evict = 5,
  admit = 6,
  bid = 7,
  reveal = 8,
  delegate = 9,
  undelegate = 10,
  commission = 11,
  // transfer (every mechanism: transition/transfer.ts)
  transfer = 12,
}

export const TX_KIND_NAMES: Record<number, string> = {
  [TxKind.user]: "user",
  [TxKind.stake]: "stake",
  [TxKind.unstake]: "unstake",
  [TxKind.rejoin]: "rejoin",
  [TxKind.slash]: "slash",
  [TxKind.evict]: "evict",
  [TxKind.admit]: "admit",
  [TxKind.bid]: "bid",
  [TxKind.reveal]: "reveal",
  [TxKind.delegate]: "delegate",
  [TxKind.undelegate]: "undelegate",
  [TxKind.commission]: "commission",
  [TxKind.transfer]: "transfer",
};

/** Bid.status. Part of the state encoding: never renumber. */
export enum BidStatus {
  committed = 0,
  revealed = 1,
  won = 2,
}

/** Sequencer status. Values are part of the state encoding: never renumber. */
export enum SequencerStatus {
  active = 0,
  ejected = 1,
  exited = 2,
}

export const SEQUENCER_STATUS_NAMES = ["active", "ejected", "exited"] as const;
export type SequencerStatusName = (typeof SEQUENCER_STATUS_NAMES)[number];

/** Signature domains: a signature for one message type can never be replayed as another. */
export enum DomainType {
  batch = 1,
  randao = 2,
  tx = 3,
  proofOfPossession = 4,
  governanceEvict = 5,
  governanceAdmit = 6,
}
