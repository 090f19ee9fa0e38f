/**
 * Invariants of a chain state, for the property tests (transition.properties.test.ts). Each
 * check returns a list of problems (empty = holds), so a failing property can say exactly
 * what broke and where.
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
  type Type,
} from "@chainsafe/ssz";
import type { Genesis } from "../../src/config/genesis.js";
import { bytesEqual } from "../../src/crypto/hex.js";
import { computeStateRoot } from "../../src/state/stateRoot.js";
import { decodeState } from "../../src/types/encoding.js";
import { BidStatus } from "../../src/types/enums.js";
import { ChainState, type Sequencer, type State } from "../../src/types/ssz.js";

const sum = (xs: Iterable<bigint>): bigint => {
  let total = 0n;
  for (const x of xs) total += x;
  return total;
};

/** The native supply at genesis: every balance and every sequencer's native stake. */
export function genesisSupply(g: Genesis): bigint {
  return sum(g.accounts.map((a) => a.balance)) + sum(g.sequencers.map((s) => s.stake));
}

/** The native value a bid holds in escrow: its deposit until settlement (committed or revealed). */
const escrowOf = (b: State["bids"][number]): bigint =>
  b.status === BidStatus.committed || b.status === BidStatus.revealed ? b.deposit : 0n;

/**
 * Where every native unit is: balances, sequencer stake, unbonding stake (token 0),
 * delegations (earning, pending, unbonding), escrowed bid deposits, the treasury, and what was
 * burned. Conservation: totalValue(state) = genesisSupply + state.issued.
 */
export function totalValue(state: State): bigint {
  return (
    sum(state.accounts.map((a) => a.balance)) +
    sum(state.sequencers.map((s) => s.stake)) +
    sum(state.unbonding.filter((u) => u.token === 0).map((u) => u.amount)) +
    sum(state.delegations.map((d) => d.amount + d.pending + d.unbonding)) +
    sum(state.bids.map(escrowOf)) +
    state.treasury +
    state.burned
  );
}

/**
 * Units of each non-native pos stake token (index t - 1 for token t): staked, on accounts,
 * unbonding. Slashing and the leak shrink token stakes without a burn counter, so the property
 * is that this never exceeds the genesis amount, per token.
 */
export function tokenTotals(state: State, extraTokens: number): bigint[] {
  const out = Array.from({ length: extraTokens }, () => 0n);
  for (let t = 0; t < extraTokens; t++) {
    out[t] += sum(state.sequencers.map((s) => s.tokenStakes[t] ?? 0n));
    out[t] += sum(state.accounts.map((a) => a.tokens[t] ?? 0n));
    out[t] += sum(state.unbonding.filter((u) => u.token === t + 1).map((u) => u.amount));
  }
  return out;
}

/** Every field against its SSZ type: uints within their byte width (and safe below 2^53), list limits, byte lengths. */
export function outOfRange(state: State): string[] {
  const problems: string[] = [];
  walk(ChainState as unknown as Type<unknown>, state, "state", problems);
  return problems;
}

function walk(type: Type<unknown>, value: unknown, path: string, out: string[]): void {
  if (out.length >= 10) return;
  if (type instanceof UintBigintType) {
    const max = 1n << BigInt(8 * type.byteLength);
    if (typeof value !== "bigint" || value < 0n || value >= max) out.push(`${path} = ${String(value)} outside [0, 2^${8 * type.byteLength})`);
  } else if (type instanceof UintNumberType) {
    const max = Math.min(2 ** (8 * type.byteLength), Number.MAX_SAFE_INTEGER);
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value >= max) {
      out.push(`${path} = ${String(value)} outside its uint${8 * type.byteLength} range`);
    }
  } else if (type instanceof BooleanType) {
    if (typeof value !== "boolean") out.push(`${path} = ${String(value)} is not a boolean`);
  } else if (type instanceof ByteVectorType) {
    if (!(value instanceof Uint8Array) || value.length !== type.lengthBytes) out.push(`${path}: not ${type.lengthBytes} bytes`);
  } else if (type instanceof ByteListType) {
    if (!(value instanceof Uint8Array) || value.length > type.limitBytes) out.push(`${path}: not at most ${type.limitBytes} bytes`);
  } else if (type instanceof ListBasicType || type instanceof ListCompositeType) {
    if (!Array.isArray(value) || value.length > type.limit) {
      out.push(`${path}: not a list of at most ${type.limit}`);
      return;
    }
    value.forEach((v, i) => walk(type.elementType as Type<unknown>, v, `${path}[${i}]`, out));
  } else if (type instanceof ContainerType) {
    if (typeof value !== "object" || value === null) {
      out.push(`${path}: missing`);
      return;
    }
    for (const [name, fieldType] of Object.entries(type.fields as Record<string, Type<unknown>>)) {
      walk(fieldType, (value as Record<string, unknown>)[name], `${path}.${name}`, out);
    }
  } else {
    out.push(`${path}: unexpected SSZ type ${type.constructor.name}`);
  }
}

/** encode → decode gives the same state (value and root); the empty list = it does. */
export function roundTripProblems(state: State): string[] {
  let decoded: State;
  try {
    decoded = decodeState(ChainState.serialize(state));
  } catch (e) {
    return [`encode → decode failed: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  if (!ChainState.equals(decoded, state)) problems.push("decode(encode(state)) differs from state");
  if (!bytesEqual(ChainState.hashTreeRoot(decoded), computeStateRoot(state))) {
    problems.push("the decoded state's root differs from computeStateRoot(state)");
  }
  return problems;
}

/**
 * A sequencer that still holds stake the chain can schedule: not evicted or slashed (both are
 * out for good), with native or token stake left.
 */
export function holdsStake(s: Sequencer): boolean {
  return !s.evicted && !s.slashed && (s.stake > 0n || s.tokenStakes.some((a) => a > 0n));
}

/** One line per sequencer, for failure messages. */
export function describeSequencers(state: State): string {
  return state.sequencers
    .map(
      (s, i) =>
        `#${i} status=${s.status} stake=${s.stake} tokens=[${s.tokenStakes.join(",")}] slashed=${s.slashed} evicted=${s.evicted} ` +
        `misses=${s.misses} streak=${s.consecutiveMisses}`,
    )
    .join("; ");
}
