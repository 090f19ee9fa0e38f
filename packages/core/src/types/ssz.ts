/**
 * Canonical encoding: SSZ containers (@chainsafe/ssz). Everything that is hashed or
 * signed goes through these types; never JSON.
 */
import {
  BooleanType,
  ByteListType,
  ByteVectorType,
  ContainerType,
  ListBasicType,
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
/** Stake tokens of `pos` (token 0 is the native token); the others are held in Sequencer.tokenStakes. */
export const MAX_STAKE_TOKENS = 8;
export const MAX_GOVERNANCE_KEYS = 16;
export const MAX_BIDS = 1 << 16;
export const MAX_DELEGATIONS = 1 << 20;
export const MAX_UNBONDING = 1 << 20;
/** The largest value of an Amount (u64): every sum the transition writes is checked against it (state/amounts.ts). */
export const MAX_AMOUNT = (1n << 64n) - 1n;

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
/** restake: a temporary withdrawal while out of the committee, owed back before the next scheduled epoch. */
/** token: 0 = the native stake; t > 0 = the pos stake token t (Sequencer.tokenStakes[t - 1]). */
export const UnstakePayload = new ContainerType(
  { sequencerIndex: Uint32, amount: Amount, restake: Bool, token: Uint8 },
  { typeName: "UnstakePayload" },
);
export const RejoinPayload = new ContainerType({ sequencerIndex: Uint32 }, { typeName: "RejoinPayload" });
export const SlashPayload = new ContainerType(
  { header1: SignedBatchHeader, header2: SignedBatchHeader },
  { typeName: "SlashPayload" },
);

// governance (an m-of-n set of ed25519 keys in genesis) signs actions; anyone may submit them
export const GovernanceSignature = new ContainerType({ signer: Uint8, signature: Bytes64 }, { typeName: "GovernanceSignature" });
export const GovernanceSignatures = new ListCompositeType(GovernanceSignature, MAX_GOVERNANCE_KEYS);
export const EvictAction = new ContainerType(
  { sequencerIndex: Uint32, penaltyBps: Uint32, nonce: Uint64 },
  { typeName: "EvictAction" },
);
export const EvictPayload = new ContainerType({ action: EvictAction, signatures: GovernanceSignatures }, { typeName: "EvictPayload" });
export const AdmitAction = new ContainerType({ pubkey: Bytes48, account: Bytes32, nonce: Uint64 }, { typeName: "AdmitAction" });
export const AdmitPayload = new ContainerType(
  { action: AdmitAction, proofOfPossession: Bytes96, signatures: GovernanceSignatures },
  { typeName: "AdmitPayload" },
);
// auction: a sealed bid is a commitment (with a deposit) and later its reveal
export const BidCommitPayload = new ContainerType(
  { sequencerIndex: Uint32, epoch: Uint64, commitment: Bytes32, deposit: Amount },
  { typeName: "BidCommitPayload" },
);
export const BidRevealPayload = new ContainerType(
  { sequencerIndex: Uint32, epoch: Uint64, amount: Amount, salt: Bytes32 },
  { typeName: "BidRevealPayload" },
);
// dpos: delegate and undelegate share a payload
export const DelegationPayload = new ContainerType({ sequencerIndex: Uint32, amount: Amount }, { typeName: "DelegationPayload" });
export const CommissionPayload = new ContainerType({ sequencerIndex: Uint32, commissionBps: Uint32 }, { typeName: "CommissionPayload" });
// transfer (every mechanism): native units from the sender's balance to `to` (an ed25519 account key)
export const TransferPayload = new ContainerType({ to: Bytes32, amount: Amount }, { typeName: "TransferPayload" });

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
    // ---- mechanisms (see mechanism/) ----
    tokenStakes: new ListBasicType(Amount, MAX_STAKE_TOKENS - 1), // pos: stake in tokens 1.. (token 0 is `stake`)
    delegated: Amount, // dpos: total delegated to it (not unbonding)
    commissionBps: Uint32, // dpos: its share of the rewards before the split
    score: Uint32, // performance: EMA of its produced share, parts per million
    probationUntil: Uint64, // performance: on probation (score capped) before this epoch; 0 for genesis sequencers
    lastProduced: Uint64, // `produced` at the last epoch transition
    lastMisses: Uint64, // `misses` at the last epoch transition
    restakeOwed: Amount, // withdrawn with restake=true, owed back before its next scheduled epoch
    bondLockedUntil: Uint64, // auction: its bond stays until this epoch (dispute period)
    evicted: Bool, // removed by governance: never again with this key
    lastCommitteeEpoch: Uint64, // 1 + the last epoch it sat in a committee (member or fallback); 0 = never
    missBits: Amount, // its last missWindow led slots, newest in bit 0: 1 = missed (transition/slots.ts)
  },
  { typeName: "Sequencer" },
);

export const Account = new ContainerType(
  {
    pubkey: Bytes32,
    balance: Amount,
    nonce: Uint64,
    tokens: new ListBasicType(Amount, MAX_STAKE_TOKENS - 1), // pos stake tokens 1.. withdrawn to this account (missing = 0)
  },
  { typeName: "Account" },
);

/** A sealed bid for `epoch`; amount is known once revealed. */
export const Bid = new ContainerType(
  {
    sequencerIndex: Uint32,
    epoch: Uint64,
    commitment: Bytes32,
    deposit: Amount, // escrowed from the bidder's balance at commit
    amount: Amount,
    status: Uint8, // BidStatus
    price: Amount, // what a winner paid
  },
  { typeName: "Bid" },
);

export const Delegation = new ContainerType(
  {
    delegator: Bytes32, // ed25519 account
    sequencerIndex: Uint32,
    amount: Amount, // earning rewards
    pending: Amount, // delegated this epoch: weighed at once, earns from the next epoch
    unbonding: Amount, // undelegated, paid back at releaseEpoch (slashable until then)
    releaseEpoch: Uint64,
  },
  { typeName: "Delegation" },
);

/** Withdrawn stake on its way out: slashable with its sequencer until releaseEpoch, then paid to `account`. */
export const Unbonding = new ContainerType(
  {
    sequencerIndex: Uint32,
    account: Bytes32,
    token: Uint8, // 0 = native (paid to the balance), t > 0 = pos token t (paid to Account.tokens[t - 1])
    amount: Amount,
    releaseEpoch: Uint64,
  },
  { typeName: "Unbonding" },
);

export const CommitteeMember = new ContainerType({ index: Uint32, weight: Amount }, { typeName: "CommitteeMember" });
/** The committee of one epoch, fixed two epochs ahead (at the end of epoch e-2). */
export const EpochCommittee = new ContainerType(
  {
    epoch: Uint64,
    seed: Bytes32,
    members: new ListCompositeType(CommitteeMember, MAX_SEQUENCERS),
    /** a sampled committee (committeeSize < eligible) shares its slots equally: see schedule/committee.ts */
    equalShares: Bool,
    /** members with no slots of their own that stand behind the members in every slot's fallback order (auction: bonded non-winners) */
    fallbacks: new ListCompositeType(CommitteeMember, MAX_SEQUENCERS),
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
    // ---- mechanisms ----
    leaked: Amount, // the leaked part of `burned`
    issued: Amount, // dpos rewards minted
    graceUntilSlot: Uint64, // misses before this slot never eject: the start of the chain and of a restart after an outage (transition/slots.ts)
    supply: Amount, // every native unit that exists: genesis balances and stakes, plus `issued` (never above MAX_AMOUNT)
    governanceNonce: Uint64, // the nonce the next governance action must sign
    epochTxs: Uint64, // user txs included in the current epoch
    txVolume: Uint64, // EMA of user txs per epoch (performance bond)
    bids: new ListCompositeType(Bid, MAX_BIDS),
    delegations: new ListCompositeType(Delegation, MAX_DELEGATIONS),
    unbonding: new ListCompositeType(Unbonding, MAX_UNBONDING),
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
export type Bid = ValueOf<typeof Bid>;
export type Delegation = ValueOf<typeof Delegation>;
export type Unbonding = ValueOf<typeof Unbonding>;
export type GovernanceSignature = ValueOf<typeof GovernanceSignature>;
export type EvictAction = ValueOf<typeof EvictAction>;
export type EvictPayload = ValueOf<typeof EvictPayload>;
export type AdmitAction = ValueOf<typeof AdmitAction>;
export type AdmitPayload = ValueOf<typeof AdmitPayload>;
export type BidCommitPayload = ValueOf<typeof BidCommitPayload>;
export type BidRevealPayload = ValueOf<typeof BidRevealPayload>;
export type DelegationPayload = ValueOf<typeof DelegationPayload>;
export type CommissionPayload = ValueOf<typeof CommissionPayload>;
export type TransferPayload = ValueOf<typeof TransferPayload>;
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
