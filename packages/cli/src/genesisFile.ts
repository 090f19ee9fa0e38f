/** Reading a genesis file: a bad file is a usage error naming the field and the expected form. */
import { readFile } from "node:fs/promises";
import { ConfigError, parseGenesis, type Genesis } from "@baton/core";
import { UsageError } from "./args.js";

export function parseGenesisText(text: string, source: string): Genesis {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`genesis file ${source}: not valid JSON (${(e as Error).message})`);
  }
  try {
    return parseGenesis(json);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`genesis file ${source}: ${e.message}`);
    throw e;
  }
}

export async function readGenesisFile(path: string): Promise<Genesis> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new UsageError(`genesis file ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseGenesisText(text, path);
}
