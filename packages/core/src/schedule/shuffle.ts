/**
 * Ethereum's swap-or-not shuffle (`compute_shuffled_index` of the consensus specs, phase0),
 * sha256, 90 rounds by default. Anyone can recompute a Baton schedule with this known
 * algorithm. Each round r pairs position x with flip = (pivot - x) mod count and swaps the
 * pair when bit `max(x, flip)` of hash(seed ‖ r ‖ uint32(max / 256)) is set; every round is
 * an involution, so the whole shuffle is a permutation.
 *
 * sha256 here is @chainsafe/as-sha256 (wasm, the hasher ssz already uses): same digest as
 * node:crypto, about 3x cheaper per 33/37-byte input, and shuffling is hash-bound.
 */
import { digest as sha256 } from "@chainsafe/as-sha256";
import { ScheduleError, ScheduleErrorCode } from "./errors.js";

export const SHUFFLE_ROUND_COUNT = 90;
/** The spec bounds the list size (position / 256 must fit a uint32). */
const MAX_SHUFFLE_COUNT = 2 ** 40;
/** shuffleList indexes with 32-bit bit operations. */
const MAX_LIST_COUNT = 2 ** 31 - 1;

function invalid(detail: string): ScheduleError {
  return new ScheduleError({ code: ScheduleErrorCode.INVALID_ARGUMENT, detail });
}

function checkShuffleArgs(count: number, seed: Uint8Array, rounds: number): void {
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_SHUFFLE_COUNT) throw invalid(`shuffle count ${count}`);
  if (seed.length !== 32) throw invalid(`shuffle seed must be 32 bytes, got ${seed.length}`);
  if (!Number.isInteger(rounds) || rounds < 0 || rounds > 256) throw invalid(`shuffle rounds ${rounds} not in [0, 256]`);
}

/** seed ‖ round byte ‖ uint32 LE, reused for every hash of one shuffle. */
function hashInput(seed: Uint8Array): { buf: Uint8Array; view: DataView } {
  const buf = new Uint8Array(32 + 1 + 4);
  buf.set(seed);
  return { buf, view: new DataView(buf.buffer) };
}

/** pivot = bytes_to_uint64(hash(seed ‖ round)[0:8]) mod count, little-endian. */
function roundPivot(buf: Uint8Array, round: number, count: number): number {
  buf[32] = round;
  const h = sha256(buf.subarray(0, 33));
  const u64 = new DataView(h.buffer, h.byteOffset, 8).getBigUint64(0, true);
  return Number(u64 % BigInt(count));
}

/**
 * The spec's `compute_shuffled_index(index, count, seed)`: a pseudorandom permutation of
 * [0, count) evaluated at `index`. Throws on count 0 or index >= count.
 */
export function computeShuffledIndex(index: number, count: number, seed: Uint8Array, rounds = SHUFFLE_ROUND_COUNT): number {
  checkShuffleArgs(count, seed, rounds);
  if (count === 0) throw invalid("shuffle count 0");
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) throw invalid(`shuffle index ${index} not in [0, ${count})`);
  const { buf, view } = hashInput(seed);
  for (let round = 0; round < rounds; round++) {
    const pivot = roundPivot(buf, round, count);
    const flip = (pivot + count - index) % count;
    const position = Math.max(index, flip);
    view.setUint32(33, Math.floor(position / 256), true);
    const source = sha256(buf);
    const byte = source[Math.floor((position % 256) / 8)];
    const bit = (byte >> (position % 8)) & 1;
    if (bit === 1) index = flip;
  }
  return index;
}

/** Swaps out[i] and out[j] for the mirrored pairs i < j, i + j = lo + hi, when bit j is set. */
function swapMirrored(out: Uint32Array, bits: Uint8Array, lo: number, hi: number): void {
  // Branch-free: the swap bit is a coin flip, so a branch would mispredict half the time.
  for (let i = lo, j = hi; i < j; i++, j--) {
    const mask = -((bits[j >> 3] >> (j & 7)) & 1);
    const a = out[i];
    const b = out[j];
    const x = (a ^ b) & mask;
    out[i] = a ^ x;
    out[j] = b ^ x;
  }
}

/**
 * The whole shuffle at once: `out[i] === computeShuffledIndex(i, count, seed, rounds)` for
 * every i. So, as in the spec's `compute_committee`, output position i takes input
 * `out[i]`: `shuffled[i] = list[out[i]]`. Returns [] for count 0.
 *
 * Swaps in place round by round (rounds applied last to first, which composes to the
 * per-index function), visiting each mirrored pair once per round and hashing each
 * 256-position chunk at most once per round: O(rounds × (count + count/256 hashes)).
 */
export function shuffleList(count: number, seed: Uint8Array, rounds = SHUFFLE_ROUND_COUNT): number[] {
  checkShuffleArgs(count, seed, rounds);
  if (count > MAX_LIST_COUNT) throw invalid(`shuffleList count ${count} above ${MAX_LIST_COUNT}`);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = i;
  if (count <= 1) return Array.from(out);
  const { buf, view } = hashInput(seed);
  // bit `position` of the round's source bits is bits[position >> 3] >> (position & 7):
  // chunk c (positions 256c..256c+255) is hash(seed ‖ round ‖ uint32(c)) at bits[32c..].
  const bits = new Uint8Array(Math.ceil(count / 256) * 32);
  const fillChunks = (round: number, fromPos: number, toPos: number): void => {
    buf[32] = round;
    for (let c = Math.floor(fromPos / 256); c <= Math.floor(toPos / 256); c++) {
      view.setUint32(33, c, true);
      bits.set(sha256(buf), c * 32);
    }
  };
  for (let round = rounds - 1; round >= 0; round--) {
    const pivot = roundPivot(buf, round, count);
    // Pairs below the pivot: (i, pivot - i); the higher one, j, is the position looked up.
    if (pivot > 0) fillChunks(round, Math.floor(pivot / 2) + 1, pivot);
    swapMirrored(out, bits, 0, pivot);
    // Pairs above the pivot: (i, pivot + count - i).
    const upperFrom = Math.floor((pivot + count) / 2) + 1;
    if (upperFrom <= count - 1) fillChunks(round, upperFrom, count - 1);
    swapMirrored(out, bits, pivot + 1, count - 1);
  }
  return Array.from(out);
}
