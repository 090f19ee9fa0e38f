/**
 * The slashing-protection interchange file (issue 11): EIP-3076's shape, adapted to Baton. A
 * key moves to another machine with the highest slot it has signed, so the new node refuses
 * every slot at or below it. Pure: types, parse/validate, build and the merge rule; the
 * store side is `SlashingProtectionRepository.importWatermarks`.
 *
 * ```json
 * {
 *   "metadata": { "interchange_format_version": "baton-1", "genesis_root": "0x<32 B>", "chain_id": "31337" },
 *   "data": [{ "pubkey": "0x<48 B BLS>", "signed_batches": [{ "slot": "1234", "signing_root": "0x<32 B>" }] }]
 * }
 * ```
 *
 * Numbers are decimal strings (as in EIP-3076). Baton has no attestations, and a RANDAO reveal
 * is one deterministic signature per epoch (nothing to equivocate), so the store keeps, per
 * key, only the highest batch slot signed: an export lists that one slot per key ("minimal"
 * form). An import takes the highest slot of each key's `signed_batches` (any number of them,
 * `signing_root` optional and not stored) and can only raise the record, never lower it.
 */
import { BatonError } from "@baton/core";

export const INTERCHANGE_FORMAT_VERSION = "baton-1";

export enum InterchangeErrorCode {
  /** a field is missing or not of the expected form */
  INVALID_FIELD = "INTERCHANGE_INVALID_FIELD",
  /** the file is for another chain (genesis root or chain id) */
  WRONG_CHAIN = "INTERCHANGE_WRONG_CHAIN",
}

/** A bad interchange file: names the field (`data[0].signed_batches[1].slot`) and the expected form. */
export class InterchangeError extends BatonError<{ code: InterchangeErrorCode; field: string }> {}

/** The file as JSON. */
export interface InterchangeFile {
  metadata: { interchange_format_version: string; genesis_root: string; chain_id: string };
  data: { pubkey: string; signed_batches: { slot: string; signing_root?: string }[] }[];
}

/** The chain a file belongs to. `genesisRoot`: 0x + 64 lowercase hex digits. */
export interface InterchangeChain {
  genesisRoot: string;
  chainId: number;
}

/** One key's record: the highest slot it has signed. `pubkey`: 0x + 96 lowercase hex digits. */
export interface KeyWatermark {
  pubkey: string;
  slot: number;
}

/** A parsed file: its chain and one watermark per key (the highest slot of its entries). */
export interface ParsedInterchange extends InterchangeChain {
  watermarks: KeyWatermark[];
}

export enum MergeOutcome {
  /** no record for the key before: the file's slot is recorded */
  added = "added",
  /** the file's slot is above the record: raised to it */
  raised = "raised",
  /** the same slot: nothing to do */
  unchanged = "unchanged",
  /** the file's slot is below the record: the record is kept (never lowered) */
  kept = "kept",
}

export interface WatermarkChange {
  pubkey: string;
  /** the record before the import (null: none) */
  existing: number | null;
  imported: number;
  /** the record after the import: max(existing, imported) */
  result: number;
  outcome: MergeOutcome;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const DECIMAL_FORM = 'a decimal string such as "1234" (at most 2^53 - 1)';

function invalid(field: string, expected: string, got: unknown): InterchangeError {
  const shown = got === undefined ? "nothing" : JSON.stringify(got);
  const short = shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
  return new InterchangeError({ code: InterchangeErrorCode.INVALID_FIELD, field }, `${field}: expected ${expected}, got ${short}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** 0x + `bytes` bytes of hex → lowercase; else an error naming the field. */
export function parseHexField(value: unknown, bytes: number, field: string, what: string): string {
  const form = new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`);
  if (typeof value !== "string" || !form.test(value)) throw invalid(field, `${what}: 0x and ${bytes * 2} hex digits (${bytes} bytes)`, value);
  return value.toLowerCase();
}

/** A decimal string → a safe integer; else an error naming the field. */
export function parseDecimalField(value: unknown, field: string): number {
  if (typeof value !== "string" || !DECIMAL.test(value) || !Number.isSafeInteger(Number(value))) throw invalid(field, DECIMAL_FORM, value);
  return Number(value);
}

function parseMetadata(value: unknown): InterchangeChain {
  if (!isObject(value)) throw invalid("metadata", "an object {interchange_format_version, genesis_root, chain_id}", value);
  const version = value.interchange_format_version;
  if (version !== INTERCHANGE_FORMAT_VERSION) {
    const hint = version === "5" ? ` (an Ethereum EIP-3076 file? Baton's come from baton keys export-protection)` : "";
    throw invalid("metadata.interchange_format_version", `"${INTERCHANGE_FORMAT_VERSION}"${hint}`, version);
  }
  return {
    genesisRoot: parseHexField(value.genesis_root, 32, "metadata.genesis_root", "the chain's genesis root"),
    chainId: parseDecimalField(value.chain_id, "metadata.chain_id"),
  };
}

/** One entry of `data` → its key and highest slot (null: no batches listed). */
function parseEntry(value: unknown, field: string): { pubkey: string; slot: number | null } {
  if (!isObject(value)) throw invalid(field, "an object {pubkey, signed_batches}", value);
  const pubkey = parseHexField(value.pubkey, 48, `${field}.pubkey`, "a BLS public key");
  const batches = value.signed_batches;
  if (!Array.isArray(batches)) {
    const hint = "signed_blocks" in value ? " (Baton signs batches: signed_batches, not EIP-3076's signed_blocks)" : "";
    throw invalid(`${field}.signed_batches`, `an array of {slot, signing_root?}${hint}`, batches);
  }
  let slot: number | null = null;
  for (const [index, batch] of (batches as unknown[]).entries()) {
    const at = `${field}.signed_batches[${index}]`;
    if (!isObject(batch)) throw invalid(at, "an object {slot, signing_root?}", batch);
    const batchSlot = parseDecimalField(batch.slot, `${at}.slot`);
    if (batch.signing_root !== undefined) parseHexField(batch.signing_root, 32, `${at}.signing_root`, "a signing root");
    slot = slot === null ? batchSlot : Math.max(slot, batchSlot);
  }
  return { pubkey, slot };
}

/** Validates a file's JSON. Throws InterchangeError(INVALID_FIELD) naming the first bad field. */
export function parseInterchange(json: unknown): ParsedInterchange {
  if (!isObject(json)) throw invalid("(file)", "a JSON object {metadata, data}", json);
  const chain = parseMetadata(json.metadata);
  if (!Array.isArray(json.data)) throw invalid("data", "an array of {pubkey, signed_batches}", json.data);
  const highest = new Map<string, number>();
  for (const [index, entry] of (json.data as unknown[]).entries()) {
    const { pubkey, slot } = parseEntry(entry, `data[${index}]`);
    // a key listed twice: its highest slot counts
    if (slot !== null) highest.set(pubkey, Math.max(slot, highest.get(pubkey) ?? 0));
  }
  return { ...chain, watermarks: sortWatermarks([...highest].map(([pubkey, slot]) => ({ pubkey, slot }))) };
}

/** `parseInterchange` of a file's text; text that is no JSON is an INVALID_FIELD error too. */
export function parseInterchangeText(text: string): ParsedInterchange {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InterchangeError({ code: InterchangeErrorCode.INVALID_FIELD, field: "(file)" }, `not valid JSON (${(e as Error).message})`);
  }
  return parseInterchange(json);
}

/** Throws InterchangeError(WRONG_CHAIN) unless the file is for `chain`. */
export function checkInterchangeChain(file: InterchangeChain, chain: InterchangeChain): void {
  if (file.genesisRoot !== chain.genesisRoot.toLowerCase()) {
    throw new InterchangeError(
      { code: InterchangeErrorCode.WRONG_CHAIN, field: "metadata.genesis_root" },
      `metadata.genesis_root: the file is for another chain (genesis root ${file.genesisRoot}, this chain's is ${chain.genesisRoot.toLowerCase()}); refusing it`,
    );
  }
  if (file.chainId !== chain.chainId) {
    throw new InterchangeError(
      { code: InterchangeErrorCode.WRONG_CHAIN, field: "metadata.chain_id" },
      `metadata.chain_id: the file is for chain ${file.chainId}, this chain is ${chain.chainId}; refusing it`,
    );
  }
}

function sortWatermarks(watermarks: KeyWatermark[]): KeyWatermark[] {
  return [...watermarks].sort((left, right) => (left.pubkey < right.pubkey ? -1 : left.pubkey > right.pubkey ? 1 : 0));
}

/** The file for a store's records (one entry per key, its highest slot), keys sorted. */
export function buildInterchange(chain: InterchangeChain, watermarks: readonly KeyWatermark[]): InterchangeFile {
  for (const { pubkey, slot } of watermarks) {
    parseHexField(pubkey, 48, "pubkey", "a BLS public key");
    if (!Number.isSafeInteger(slot) || slot < 0) throw new RangeError(`slot of ${pubkey}: expected a non-negative safe integer, got ${slot}`);
  }
  return {
    metadata: {
      interchange_format_version: INTERCHANGE_FORMAT_VERSION,
      genesis_root: parseHexField(chain.genesisRoot, 32, "genesis_root", "the chain's genesis root"),
      chain_id: String(chain.chainId),
    },
    data: sortWatermarks(watermarks.map((mark) => ({ pubkey: mark.pubkey.toLowerCase(), slot: mark.slot }))).map(({ pubkey, slot }) => ({
      pubkey,
      signed_batches: [{ slot: String(slot) }],
    })),
  };
}

/** The file's text: 2-space JSON and a final newline. */
export function formatInterchange(file: InterchangeFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** The merge rule for one key: the record becomes max(existing, imported); it is never lowered. */
export function mergeWatermark(pubkey: string, existing: number | null, imported: number): WatermarkChange {
  if (existing === null) return { pubkey, existing, imported, result: imported, outcome: MergeOutcome.added };
  if (imported > existing) return { pubkey, existing, imported, result: imported, outcome: MergeOutcome.raised };
  return { pubkey, existing, imported, result: existing, outcome: imported === existing ? MergeOutcome.unchanged : MergeOutcome.kept };
}

/** The merge rule over a store's records (`existing`: pubkey → slot) and a file's watermarks. */
export function mergeWatermarks(existing: ReadonlyMap<string, number>, imported: readonly KeyWatermark[]): WatermarkChange[] {
  return imported.map(({ pubkey, slot }) => mergeWatermark(pubkey, existing.get(pubkey) ?? null, slot));
}

/** Short form of a key for one-line summaries: 0x + 16 hex digits + "…". */
export function shortPubkey(pubkey: string): string {
  return `${pubkey.slice(0, 18)}…`;
}

/** One key's result in words: "0xb88d…: 120 (raised from 100)". */
export function describeChange(change: WatermarkChange): string {
  const key = shortPubkey(change.pubkey);
  switch (change.outcome) {
    case MergeOutcome.added:
      return `${key} slot ${change.result} (new)`;
    case MergeOutcome.raised:
      return `${key} slot ${change.result} (raised from ${change.existing})`;
    case MergeOutcome.unchanged:
      return `${key} slot ${change.result} (unchanged)`;
    case MergeOutcome.kept:
      return `${key} slot ${change.result} (kept: the file's ${change.imported} is lower, never lowered)`;
  }
}
