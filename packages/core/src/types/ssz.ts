/**
 * Canonical encoding: SSZ containers (@chainsafe/ssz). Everything that is hashed or
 * signed goes through these types; never JSON.
 */
import {
  BooleanType,
  ByteListType,
  ByteVectorType,
  ContainerType,
  ListCompositeType,
  UintBigintType,
  UintNumberType,
  type ValueOf,
} from "@chainsafe/ssz";
import { setHasher } from "@chainsafe/persistent-merkle-tree";
import { hasher as asSha256Hasher } from "@chainsafe/persistent-merkle-tree/hasher/as-sha256";

// as-sha256 (wasm) is several times faster than the default noble hasher for roots.
setHasher(asSha256Hasher);

export const MAX_PAYLOAD_BYTES = 2048;
export const MAX_TXS_PER_BATCH = 4096;
export const MAX_SEQUENCERS = 1 << 16;
export const MAX_ACCOUNTS = 1 << 24;

export const Uint8 = new UintNumberType(1);
export const Uint32 = new UintNumberType(4);
export const Uint64 = new UintNumberType(8); // slots, heights, nonces: safe below 2^53
export const Amount = new UintBigintType(8); // balances and stake: bigint
export const Bytes32 = new ByteVectorType(32);
export const Bytes48 = new ByteVectorType(48);
export const Bytes64 = new ByteVectorType(64);
export const Bytes96 = new ByteVectorType(96);
export const Bool = new BooleanType();

/** Tx fields covered by the sender's ed25519 signature. */
export const TxBody = new ContainerType(
  {
    sender: Bytes32, // ed25519 public key
    nonce: Uint64,
    fee: Amount,
    kind: Uint8, // TxKind
    payload: new ByteListType(MAX_PAYLOAD_BYTES),
  },
  { typeName: "TxBody" },
);

export const Tx = new ContainerType(
  {
    body: TxBody,
    signature: Bytes64,
  },
  { typeName: "Tx" },
);
export const TxList = new ListCompositeType(Tx, MAX_TXS_PER_BATCH);
/** A gossip message of the tx topic: many txs per message. */
export const TxBundle = new ListCompositeType(Tx, 1024);

export const BatchHeader = new ContainerType(
  {
    chainId: Uint32,
    slot: Uint64,
    height: Uint64,
    proposerIndex: Uint32,
    parentRoot: Bytes32,
    txRoot: Bytes32,
    stateRoot: Bytes32,
    randaoReveal: Bytes96, // BLS signature over the slot's epoch (domain RANDAO)
  },
  { typeName: "BatchHeader" },
);

export const SignedBatchHeader = new ContainerType(
  { header: BatchHeader, signature: Bytes96 },
  { typeName: "SignedBatchHeader" },
);

export const SignedBatch = new ContainerType(
  {
    header: BatchHeader,
    txs: TxList,
    signature: Bytes96, // BLS over signingRoot(header, DOMAIN_BATCH)
  },
  { typeName: "SignedBatch" },
);

/** What a signature is over: the object's root and a domain (chain id + message type). */
export const SigningData = new ContainerType({ objectRoot: Bytes32, domain: Bytes32 }, { typeName: "SigningData" });

// ---- system tx payloads ----
export const StakePayload = new ContainerType(
  {
    pubkey: Bytes48, // the sequencer's BLS key (new or existing)
    amount: Amount,
    proofOfPossession: Bytes96, // BLS signature over the pubkey (domain POP): proves the key is held
  },
  { typeName: "StakePayload" },
);
export const UnstakePayload = new ContainerType({ sequencerIndex: Uint32, amount: Amount }, { typeName: "UnstakePayload" });
export const RejoinPayload = new ContainerType({ sequencerIndex: Uint32 }, { typeName: "RejoinPayload" });
export const SlashPayload = new ContainerType(
  { header1: SignedBatchHeader, header2: SignedBatchHeader },
  { typeName: "SlashPayload" },
);

// ---- state ----
export const Sequencer = new ContainerType(
  {
    pubkey: Bytes48,
    account: Bytes32, // ed25519 key that controls stake, receives fees
    stake: Amount,
    status: Uint8, // SequencerStatus
    produced: Uint64,
    misses: Uint64,
    consecutiveMisses: Uint32,
    ejectedEpoch: Uint64, // epoch of the ejection (valid while ejected)
    rejoinEpoch: Uint64, // 0 = none; else the epoch at which it turns active again
    slashed: Bool,
  },
  { typeName: "Sequencer" },
);

export const Account = new ContainerType(
  { pubkey: Bytes32, balance: Amount, nonce: Uint64 },
  { typeName: "Account" },
);

export const CommitteeMember = new ContainerType({ index: Uint32, weight: Amount }, { typeName: "CommitteeMember" });
/** The committee of one epoch, fixed two epochs ahead (at the end of epoch e-2). */
export const EpochCommittee = new ContainerType(
  {
    epoch: Uint64,
    seed: Bytes32,
    members: new ListCompositeType(CommitteeMember, MAX_SEQUENCERS),
  },
  { typeName: "EpochCommittee" },
);

export const ChainState = new ContainerType(
  {
    chainId: Uint32,
    slot: Uint64, // slot of the latest applied batch (0 at genesis)
    height: Uint64,
    epoch: Uint64, // epoch whose transition was processed last
    randaoMix: Bytes32,
    currentCommittee: EpochCommittee,
    nextCommittee: EpochCommittee,
    sequencers: new ListCompositeType(Sequencer, MAX_SEQUENCERS),
    accounts: new ListCompositeType(Account, MAX_ACCOUNTS),
    treasury: Amount,
    burned: Amount, // leaked and slashed stake
  },
  { typeName: "State" },
);

export type TxBody = ValueOf<typeof TxBody>;
export type Tx = ValueOf<typeof Tx>;
export type BatchHeader = ValueOf<typeof BatchHeader>;
export type SignedBatchHeader = ValueOf<typeof SignedBatchHeader>;
export type SignedBatch = ValueOf<typeof SignedBatch>;
export type StakePayload = ValueOf<typeof StakePayload>;
export type UnstakePayload = ValueOf<typeof UnstakePayload>;
export type RejoinPayload = ValueOf<typeof RejoinPayload>;
export type SlashPayload = ValueOf<typeof SlashPayload>;
export type Sequencer = ValueOf<typeof Sequencer>;
export type Account = ValueOf<typeof Account>;
export type CommitteeMember = ValueOf<typeof CommitteeMember>;
export type EpochCommittee = ValueOf<typeof EpochCommittee>;
export type State = ValueOf<typeof ChainState>;

/** req/resp `status`: what a peer has, so a node behind can catch up. */
export const StatusMessage = new ContainerType(
  {
    chainId: Uint32,
    genesisRoot: Bytes32,
    headRoot: Bytes32,
    headSlot: Uint64,
    headHeight: Uint64,
    confirmedRoot: Bytes32,
    confirmedHeight: Uint64,
  },
  { typeName: "StatusMessage" },
);
export type StatusMessage = ValueOf<typeof StatusMessage>;
