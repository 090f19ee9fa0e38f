/**
 * Flag parsing for every `baton` subcommand: node:util parseArgs (strict) plus typed
 * converters. Every mistake becomes a UsageError whose one-line message names the flag
 * and what was expected; bin.ts prints it and exits 2.
 */
import { parseArgs } from "node:util";
import { ConfigError, describeIntRange, parseAmount, parseIntInRange, type IntRange } from "@baton/core";

/** The exit code of a user's mistake (a flag, a file, a key file's password). */
export const USAGE_EXIT_CODE = 2;

/** A mistake in what the user typed or pointed us at (flags, files): exit code 2. */
export class UsageError extends Error {
  readonly exitCode = USAGE_EXIT_CODE;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface FlagSpec {
  type: "string" | "boolean";
  /** one line of help */
  help: string;
  /** shown in help as `--flag <valueName>` */
  valueName?: string;
  /** default, applied before validation (strings only: converters parse it) */
  default?: string;
  required?: boolean;
}

export interface CommandSpec {
  /** e.g. "tx send" */
  name: string;
  summary: string;
  flags: Record<string, FlagSpec>;
  /** extra lines printed after the flags */
  notes?: string[];
}

export type FlagValues = Record<string, string | boolean | undefined>;

export interface ParsedFlags {
  help: boolean;
  values: FlagValues;
}

/** Parses argv against a spec. `--help`/`-h` short-circuits validation of required flags. */
export function parseFlags(spec: CommandSpec, argv: string[]): ParsedFlags {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = { help: { type: "boolean", short: "h" } };
  for (const [name, f] of Object.entries(spec.flags)) options[name] = { type: f.type };
  let values: FlagValues;
  try {
    values = { ...parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values } as FlagValues;
  } catch (e) {
    throw new UsageError(describeParseError(spec, e as Error & { code?: string }));
  }
  if (values.help === true) return { help: true, values };
  for (const [name, f] of Object.entries(spec.flags)) {
    if (values[name] === undefined && f.default !== undefined) values[name] = f.default;
    if (f.required && values[name] === undefined) {
      throw new UsageError(`--${name} is required: ${f.help} (see baton ${spec.name} --help)`);
    }
  }
  return { help: false, values };
}

function describeParseError(spec: CommandSpec, e: Error & { code?: string }): string {
  const flag = /'(-{1,2}[^' ]+)/.exec(e.message)?.[1] ?? "";
  const name = flag.replace(/^-+/, "");
  const see = `(see baton ${spec.name} --help)`;
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown flag ${flag} for baton ${spec.name} ${see}`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument ${/'([^']*)'/.exec(e.message)?.[1] ?? ""}: baton ${spec.name} takes only flags ${see}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const f = spec.flags[name];
      if (f?.type === "boolean") return `${flag} is a switch and takes no value ${see}`;
      const expected = `${flag}: expected ${f?.valueName ? `a value <${f.valueName}>` : "a value"}`;
      // `--amount -1`: parseArgs will not take a value that starts with "-" (amounts are never negative)
      if (/ambiguous/.test(e.message)) return `${expected}, not a value starting with "-" (write ${flag}=<value> if you mean one) ${see}`;
      return `${expected} ${see}`;
    }
    default:
      return `${e.message.split("\n")[0]} ${see}`;
  }
}

export function formatHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.flags).map(([name, f]) => {
    const left = `--${name}${f.type === "string" ? ` <${f.valueName ?? "value"}>` : ""}`;
    const right = `${f.help}${f.required ? " (required)" : ""}${f.default ? ` [default: ${f.default}]` : ""}`;
    return [left, right] as const;
  });
  rows.push(["--help, -h", "show this help"]);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const lines = [`baton ${spec.name}: ${spec.summary}`, "", `usage: baton ${spec.name} [flags]`, "", "flags:"];
  for (const [l, r] of rows) lines.push(`  ${l.padEnd(width)}${r}`);
  if (spec.notes?.length) lines.push("", ...spec.notes);
  return lines.join("\n");
}

// ---- converters: each names the flag and the expected form ----

export function str(values: FlagValues, name: string): string {
  const v = values[name];
  if (typeof v !== "string" || v === "") throw new UsageError(`--${name}: expected a non-empty value`);
  return v;
}

export function optStr(values: FlagValues, name: string): string | undefined {
  return values[name] === undefined ? undefined : str(values, name);
}

export function bool(values: FlagValues, name: string): boolean {
  return values[name] === true;
}

export function int(values: FlagValues, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  return intIn(values, name, { min, max });
}

/**
 * An integer flag in `range`, e.g. core's CHAIN_RANGES.slotMs: parsed by core's parser and
 * refused in the words genesis validation uses ("expected an integer in [50, 600000]").
 */
export function intIn(values: FlagValues, name: string, range: IntRange): number {
  const v = values[name];
  const n = typeof v === "string" ? parseIntInRange(v, range) : undefined;
  if (n === undefined) throw new UsageError(`--${name}: expected ${describeIntRange(range)}, got ${JSON.stringify(v ?? null)}`);
  return n;
}

export function optInt(values: FlagValues, name: string, min: number, max?: number): number | undefined {
  return values[name] === undefined ? undefined : int(values, name, min, max);
}

/** A non-negative integer amount < 2^64 (balances, stake, fees). */
export function amount(values: FlagValues, name: string, min = 0n): bigint {
  const v = values[name];
  try {
    if (typeof v === "string") return parseAmount(v, name, min);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
  }
  throw new UsageError(`--${name}: expected an integer amount >= ${min} and < 2^64, got ${JSON.stringify(v ?? null)}`);
}

export function oneOf<T extends string>(values: FlagValues, name: string, choices: readonly T[]): T {
  const v = str(values, name);
  if (!(choices as readonly string[]).includes(v)) {
    throw new UsageError(`--${name}: expected one of ${choices.join(", ")}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

/** Comma-separated list (also accepted: the flag given once with "" for none). */
export function list(values: FlagValues, name: string): string[] {
  const v = values[name];
  if (v === undefined || v === "") return [];
  return String(v)
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** A multiaddr of the form /ip4|ip6|dns4|dns6|dns/<host>/tcp/<port>[/p2p/<id>]. */
export function checkMultiaddr(flag: string, addr: string, needPeerId: boolean): string {
  const re = /^\/(ip4|ip6|dns4|dns6|dns)\/[^/]+\/tcp\/[0-9]{1,5}(\/p2p\/[1-9A-HJ-NP-Za-km-z]+)?$/;
  const m = re.exec(addr);
  if (!m || (needPeerId && !m[2])) {
    const form = needPeerId ? "/ip4/<host>/tcp/<port>/p2p/<peerId>" : "/ip4/<host>/tcp/<port>";
    throw new UsageError(`--${flag}: expected a multiaddr like ${form}, got ${JSON.stringify(addr)}`);
  }
  return addr;
}

/**
 * Genesis time: unix ms, or relative to `now`: "+5s", "+500ms", "+2m".
 */
export function genesisTime(values: FlagValues, name: string, now: number): number {
  const v = str(values, name);
  const rel = /^\+([0-9]+)(ms|s|m)$/.exec(v);
  if (rel) return now + Number(rel[1]) * { ms: 1, s: 1000, m: 60_000 }[rel[2] as "ms" | "s" | "m"];
  if (/^[0-9]{1,16}$/.test(v)) return Number(v);
  throw new UsageError(`--${name}: expected unix time in ms or a delay like +5s / +500ms / +2m, got ${JSON.stringify(v)}`);
}

/** A URL with http(s) scheme, without a trailing slash. */
export function url(values: FlagValues, name: string): string {
  const v = str(values, name);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new UsageError(`--${name}: expected an http URL like http://127.0.0.1:7001, got ${JSON.stringify(v)}`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new UsageError(`--${name}: expected an http URL like http://127.0.0.1:7001, got ${JSON.stringify(v)}`);
  }
  return v.replace(/\/+$/, "");
}
