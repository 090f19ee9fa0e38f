/**
 * The sealed bid's secret: `tx bid` commits to sha256(chain, sequencer, epoch, amount, salt) and
 * keeps amount and salt in a file next to the key, `<key>.bid-<epoch>.json` (mode 0600, never
 * overwritten); `tx reveal` reads it. Losing it before the reveal costs the unrevealed penalty.
 */
import { readFile, unlink, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fromHex, toHex } from "@baton/core";
import { UsageError } from "../../args.js";
import type { SealedBid } from "../../txs.js";

export const BID_FILE_VERSION = 1;

export const bidFilePath = (keyPath: string, epoch: number): string => `${resolve(keyPath)}.bid-${epoch}.json`;

/** Writes the bid's file; refuses to overwrite one (an earlier bid for that epoch keeps its salt). */
export async function writeBidFile(path: string, chainId: number, bid: SealedBid): Promise<void> {
  const json = {
    version: BID_FILE_VERSION,
    chainId,
    sequencerIndex: bid.sequencerIndex,
    epoch: bid.epoch,
    amount: bid.amount.toString(),
    deposit: bid.deposit.toString(),
    salt: toHex(bid.salt),
  };
  try {
    await writeFile(path, JSON.stringify(json, null, 2) + "\n", { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new UsageError(
        `${path} exists: a bid for epoch ${bid.epoch} was made already (its salt is there for tx reveal); delete the file only if that bid was never included`,
      );
    }
    throw new UsageError(`cannot write the bid's salt to ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): nothing was sent`);
  }
}

export const removeBidFile = (path: string): Promise<void> => unlink(path).catch(() => undefined);

/** The bid kept in `path` for a chain `chainId`. */
export async function readBidFile(path: string, chainId: number, epoch: number): Promise<SealedBid> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new UsageError(`no sealed bid for epoch ${epoch} under this key: ${path} does not exist (tx bid writes it; --epoch picks another)`);
    }
    throw new UsageError(`bid file ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const bad = (what: string) => new UsageError(`bid file ${path}: ${what}`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw bad("not JSON");
  }
  if (json.version !== BID_FILE_VERSION) throw bad(`version: expected ${BID_FILE_VERSION}`);
  if (json.chainId !== chainId) throw bad(`a bid on chain ${String(json.chainId)}, not on chain ${chainId}`);
  if (json.epoch !== epoch || typeof json.sequencerIndex !== "number") throw bad(`expected a bid of a sequencer for epoch ${epoch}`);
  const amountOf = (field: string): bigint => {
    const raw = json[field];
    if (typeof raw !== "string" || !/^[0-9]+$/.test(raw)) throw bad(`${field}: expected a decimal amount`);
    return BigInt(raw);
  };
  let salt: Uint8Array;
  try {
    salt = fromHex(String(json.salt), 32);
  } catch {
    throw bad("salt: expected 0x and 64 hex digits");
  }
  return { sequencerIndex: json.sequencerIndex, epoch, amount: amountOf("amount"), deposit: amountOf("deposit"), salt };
}
