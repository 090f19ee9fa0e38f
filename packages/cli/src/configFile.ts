/** Reading a config file (TOML or JSON, by extension; otherwise JSON first, then TOML). */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseToml } from "smol-toml";
import { UsageError } from "./args.js";
import type { ConfigFile } from "./config.js";

export function parseConfigText(text: string, path: string): ConfigFile {
  const ext = extname(path).toLowerCase();
  let data: unknown;
  const asJson = () => JSON.parse(text) as unknown;
  const asToml = () => parseToml(text) as unknown;
  try {
    if (ext === ".json") data = asJson();
    else if (ext === ".toml") data = asToml();
    else {
      try {
        data = asJson();
      } catch {
        data = asToml();
      }
    }
  } catch (e) {
    const kind = ext === ".json" ? "JSON" : ext === ".toml" ? "TOML" : "JSON or TOML";
    throw new UsageError(`config file ${path}: not valid ${kind}: ${(e as Error).message.split("\n")[0]}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UsageError(`config file ${path}: expected a table of settings (key = value), got ${Array.isArray(data) ? "a list" : typeof data}`);
  }
  return { path, data: data as Record<string, unknown> };
}

export async function loadConfigFile(path: string, from: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new UsageError(`config file ${path} (${from}): cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseConfigText(text, path);
}
