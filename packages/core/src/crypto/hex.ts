export function toHex(bytes: Uint8Array): string {
  return "0x" + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Parses 0x-prefixed (or bare) hex; throws on odd length or non-hex characters. */
export function fromHex(hex: string, expectedLength?: number): Uint8Array {
  if (typeof hex !== "string") throw new Error(`expected a hex string, got ${typeof hex}`);
  const s = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new Error(`not a hex string: ${hex.slice(0, 20)}`);
  const out = new Uint8Array(Buffer.from(s, "hex"));
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new Error(`expected ${expectedLength} bytes of hex, got ${out.length}`);
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic byte order; used for deterministic tie breaks. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}
