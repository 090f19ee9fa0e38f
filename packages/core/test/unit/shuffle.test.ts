import { createHash } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { computeShuffledIndex, shuffleList, ScheduleError } from "../../src/schedule/index.js";

const test = suite("shuffle");

// ---- reference: a literal transcription of the consensus specs' compute_shuffled_index ----
const hash = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
function uintToBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length); // little-endian
  for (let k = 0; k < length; k++) out[k] = Number((value >> BigInt(8 * k)) & 0xffn);
  return out;
}
function bytesToUint64(data: Uint8Array): bigint {
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(data[k]);
  return v;
}
function specComputeShuffledIndex(indexIn: number, indexCount: number, seed: Uint8Array, rounds = 90): number {
  if (!(indexIn < indexCount)) throw new Error("assert index < index_count");
  let index = BigInt(indexIn);
  const count = BigInt(indexCount);
  for (let currentRound = 0n; currentRound < BigInt(rounds); currentRound++) {
    const pivot = bytesToUint64(hash(seed, uintToBytes(currentRound, 1)).slice(0, 8)) % count;
    const flip = (pivot + count - index) % count;
    const position = index > flip ? index : flip;
    const source = hash(seed, uintToBytes(currentRound, 1), uintToBytes(position / 256n, 4));
    const byte = BigInt(source[Number((position % 256n) / 8n)]);
    const bit = (byte >> (position % 8n)) % 2n;
    index = bit === 1n ? flip : index;
  }
  return Number(index);
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, "hex"));
const isPermutation = (xs: number[], n: number): boolean =>
  xs.length === n && new Set(xs).size === n && xs.every((x) => Number.isInteger(x) && x >= 0 && x < n);

const SEEDS: [string, Uint8Array][] = [
  ['sha256("baton")', hash(utf8("baton"))],
  ["zero", new Uint8Array(32)],
  ["0xff..ff", new Uint8Array(32).fill(0xff)],
  ...[0, 1, 2, 3].map((i): [string, Uint8Array] => [`sha256(uint32 ${i})`, hash(uintToBytes(BigInt(i), 4))]),
];
const COUNTS = [1, 2, 3, 5, 10, 255, 256, 257];

for (const [name, seed] of SEEDS) {
  for (const count of COUNTS) {
    test(`matches the spec: seed ${name}, count ${count}`, () => {
      const expected = Array.from({ length: count }, (_, i) => specComputeShuffledIndex(i, count, seed));
      assert.ok(isPermutation(expected, count));
      assert.equal(Array.from({ length: count }, (_, i) => computeShuffledIndex(i, count, seed)), expected);
      assert.equal(shuffleList(count, seed), expected);
    });
  }
}

for (const [name, seed] of SEEDS.slice(0, 1)) {
  test(`matches the spec: seed ${name}, count 1000`, () => {
    const expected = Array.from({ length: 1000 }, (_, i) => specComputeShuffledIndex(i, 1000, seed));
    assert.equal(shuffleList(1000, seed), expected);
    for (const i of [0, 1, 499, 998, 999]) assert.is(computeShuffledIndex(i, 1000, seed), expected[i]);
  });
}

for (const rounds of [0, 1, 2, 10, 255]) {
  test(`matches the spec with ${rounds} rounds`, () => {
    const seed = hash(utf8("rounds"));
    const expected = Array.from({ length: 300 }, (_, i) => specComputeShuffledIndex(i, 300, seed, rounds));
    assert.equal(shuffleList(300, seed, rounds), expected);
    assert.is(computeShuffledIndex(7, 300, seed, rounds), expected[7]);
  });
}

test("large lists are permutations, and spot indices match the spec", () => {
  const seed = hash(utf8("large"));
  for (const count of [4096, 10_000]) {
    const out = shuffleList(count, seed);
    assert.ok(isPermutation(out, count));
    for (const i of [0, 1, 255, 256, count >> 1, count - 1]) assert.is(out[i], specComputeShuffledIndex(i, count, seed));
  }
});

test("shuffleList(0) is empty; bad arguments throw", () => {
  const seed = new Uint8Array(32);
  assert.equal(shuffleList(0, seed), []);
  for (const [index, count] of [[0, 0], [1, 1], [5, 3], [-1, 3], [0.5, 3]]) {
    assert.throws(() => computeShuffledIndex(index, count, seed), (e: unknown) => e instanceof ScheduleError);
  }
  assert.throws(() => shuffleList(4, new Uint8Array(31)), (e: unknown) => e instanceof ScheduleError);
});

// ---- pinned vectors ----
// From protolambda/eth2-shuffle spec/tests.csv, generated with the Python spec function
// (seed = sha256(uint32 LE i)). Each row: shuffled[computeShuffledIndex(j)] = input[j].
const INPUT_100 =
  "87:29:63:50:84:93:7:67:64:75:24:60:1:9:3:44:22:45:14:28:12:85:96:10:69:74:54:15:46:35:39:91:83:82:23:26:47:81:56:95:27:32:41:25:73:80:62:58:72:38:70:59:51:33:21:19:49:65:53:61:66:30:36:78:37:2:16:18:77:5:94:57:40:79:8:92:76:97:55:0:86:31:89:90:88:17:20:99:43:42:71:68:48:4:13:98:52:11:34:6";
const INPUTS: Record<number, string> = { 3: "2:1:0", 5: "3:1:4:2:0", 10: "8:7:5:9:2:3:6:1:4:0", 100: INPUT_100 };
const ETH2_SHUFFLE_VECTORS: [string, number, string][] = [
  ["df3f619804a92fdb4057192dc43dd748ea778adc52bc498ce80524c014b81119", 3, "1:0:2"],
  ["df3f619804a92fdb4057192dc43dd748ea778adc52bc498ce80524c014b81119", 5, "2:3:1:0:4"],
  ["df3f619804a92fdb4057192dc43dd748ea778adc52bc498ce80524c014b81119", 10, "2:6:9:5:7:3:4:8:1:0"],
  ["df3f619804a92fdb4057192dc43dd748ea778adc52bc498ce80524c014b81119", 100, "19:52:44:87:60:26:39:40:14:72:32:86:37:71:49:45:42:31:33:28:7:59:46:50:23:18:62:97:30:91:53:24:88:5:4:8:70:11:55:98:79:47:54:17:73:74:1:93:43:94:57:41:77:82:84:9:85:34:67:56:99:29:76:36:10:61:6:22:64:68:83:15:12:0:20:90:2:92:66:96:48:81:65:25:16:38:27:35:51:63:95:80:78:13:21:75:69:58:3:89"],
  ["67abdd721024f0ff4e0b3f4c2fc13bc5bad42d0b7851d456d88d203d15aaa450", 3, "2:1:0"],
  ["67abdd721024f0ff4e0b3f4c2fc13bc5bad42d0b7851d456d88d203d15aaa450", 5, "0:2:4:1:3"],
  ["67abdd721024f0ff4e0b3f4c2fc13bc5bad42d0b7851d456d88d203d15aaa450", 10, "1:6:8:7:2:3:0:5:4:9"],
  ["67abdd721024f0ff4e0b3f4c2fc13bc5bad42d0b7851d456d88d203d15aaa450", 100, "61:18:83:73:72:40:54:99:71:53:81:91:19:16:26:64:7:88:92:3:39:93:63:67:38:76:32:48:41:34:8:50:6:56:57:29:14:30:95:51:12:85:46:45:35:2:62:27:15:37:75:21:13:78:70:94:49:9:1:77:58:90:24:5:42:65:68:97:87:96:23:36:4:47:20:43:33:82:60:69:66:10:59:11:31:55:89:0:79:17:22:98:44:74:28:84:80:52:86:25"],
  ["26b25d457597a7b0463f9620f666dd10aa2c4373a505967c7c8d70922a2d6ece", 3, "0:2:1"],
  ["26b25d457597a7b0463f9620f666dd10aa2c4373a505967c7c8d70922a2d6ece", 5, "0:1:3:2:4"],
  ["26b25d457597a7b0463f9620f666dd10aa2c4373a505967c7c8d70922a2d6ece", 10, "0:8:4:9:5:7:3:1:6:2"],
  ["9d9f290527a6be626a8f5985b26e19b237b44872b03631811df4416fc1713178", 3, "2:0:1"],
  ["9d9f290527a6be626a8f5985b26e19b237b44872b03631811df4416fc1713178", 5, "0:1:4:2:3"],
  ["9d9f290527a6be626a8f5985b26e19b237b44872b03631811df4416fc1713178", 10, "1:4:2:5:7:3:0:6:8:9"],
];

for (const [seedHex, count, shuffledStr] of ETH2_SHUFFLE_VECTORS) {
  test(`eth2-shuffle vector: seed ${seedHex.slice(0, 8)}, count ${count}`, () => {
    const input = INPUTS[count].split(":").map(Number);
    const perm = shuffleList(count, fromHex(seedHex));
    const shuffled = new Array<number>(count);
    input.forEach((v, j) => (shuffled[perm[j]] = v));
    assert.equal(shuffled, shuffledStr.split(":").map(Number));
  });
}

test("eth2-shuffle vector seeds are sha256(uint32 LE i)", () => {
  const seeds = [...new Set(ETH2_SHUFFLE_VECTORS.map((v) => v[0]))];
  seeds.forEach((s, i) => assert.is(Buffer.from(hash(uintToBytes(BigInt(i), 4))).toString("hex"), s));
});

// Printed once from specComputeShuffledIndex above; a change to the shuffle breaks these.
const BATON = hash(utf8("baton"));
const PINNED: [string, () => unknown, unknown][] = [
  ['shuffleList(10, sha256("baton"))', () => shuffleList(10, BATON), [2, 0, 3, 9, 8, 7, 4, 6, 5, 1]],
  ['shuffleList(16, sha256("baton"))', () => shuffleList(16, BATON), [10, 4, 13, 6, 11, 0, 7, 2, 15, 8, 3, 5, 12, 1, 9, 14]],
  ['computeShuffledIndex(i, 1000, sha256("baton")), i = 0, 1, 500, 999', () => [0, 1, 500, 999].map((i) => computeShuffledIndex(i, 1000, BATON)), [453, 348, 466, 932]],
  ['computeShuffledIndex(123456, 2^20, sha256("baton"))', () => computeShuffledIndex(123456, 2 ** 20, BATON), 979914],
];
for (const [name, run, expected] of PINNED) {
  test(`pinned: ${name}`, () => assert.equal(run(), expected));
}

test.run();
