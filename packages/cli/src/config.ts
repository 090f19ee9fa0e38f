/**
 * The node's settings, from three places plus defaults, in this order of precedence:
 *   flags (--api-port)  >  environment (BATON_API_PORT)  >  config file (apiPort)  >  default.
 * One table (SETTINGS) names every setting in its three spellings, its type and its default;
 * `baton start` and `baton config show` both go through resolveNodeConfig(), so what `show`
 * prints is what `start` runs with. Every mistake is a UsageError that names the setting as
 * the user wrote it (`--api-port`, `BATON_API_PORT`, `config file ./baton.toml: apiPort`) and
 * the expected form. Pure: files are read by loadConfigFile() (configFile.ts), not here.
 */
import { isAbsolute, resolve } from "node:path";
import { describeIntRange, parseIntInRange } from "@baton/core";
import { checkMultiaddr, UsageError, type FlagSpec, type FlagValues } from "./args.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The effective settings of `baton start`. Paths are absolute. */
export interface NodeConfig {
  genesis: string;
  /** a key file (keystore, or plaintext devnet key), or "none" for a non-sequencing node */
  key: string;
  passwordFile: string | null;
  dataDir: string;
  listen: string[];
  bootstrap: string[];
  apiPort: number;
  apiHost: string;
  /** a file whose first line is the API token POST /txs needs; null = no token */
  apiTokenFile: string | null;
  /** origins that get CORS headers (or ["*"]); empty = none */
  apiCorsOrigins: string[];
  /** null: no metrics listener */
  metricsPort: number | null;
  metricsHost: string;
  mempoolSize: number;
  logLevel: LogLevel;
  insecurePlaintextKey: boolean;
  /** shifts the node's slot clock (ms, positive = ahead): tests and chaos only */
  clockOffsetMs: number;
}
export type SettingName = keyof NodeConfig;

/** Where a value came from. */
export type Source =
  | { kind: "flag"; name: string }
  | { kind: "env"; name: string }
  | { kind: "file"; file: string; name: string }
  | { kind: "default" }
  | { kind: "unset" };

/** How an error names the setting: as the user wrote it. */
export function describeSource(setting: SettingName, s: Source): string {
  switch (s.kind) {
    case "flag":
      return `--${s.name}`;
    case "env":
      return s.name;
    case "file":
      return `config file ${s.file}: ${s.name}`;
    case "default":
      return `${setting} (default)`;
    case "unset":
      return setting;
  }
}

/** Short form for `config show`. */
export function sourceLabel(s: Source): string {
  switch (s.kind) {
    case "flag":
      return `--${s.name}`;
    case "env":
      return `$${s.name}`;
    case "file":
      return "config file";
    case "default":
      return "default";
    case "unset":
      return "not set";
  }
}

type Raw = { value: unknown; source: Source; baseDir: string };

interface Setting<T> {
  name: SettingName;
  flag: string;
  env: string;
  valueName: string;
  help: string;
  /** absent = required */
  default?: T;
  /** a switch on the command line */
  boolean?: boolean;
  /** raw value (string from flags/env; any JSON/TOML value from a file) → typed value */
  parse(raw: Raw, where: string): T;
}

const bad = (where: string, expected: string, got: unknown) =>
  new UsageError(`${where}: expected ${expected}, got ${JSON.stringify(got ?? null)}`);

function pathValue(raw: Raw, where: string): string {
  if (typeof raw.value !== "string" || raw.value === "") throw bad(where, "a path", raw.value);
  return isAbsolute(raw.value) ? raw.value : resolve(raw.baseDir, raw.value);
}

function intValue(raw: Raw, where: string, min: number, max: number): number {
  const v = raw.value;
  const n = parseIntInRange(typeof v === "string" ? v.trim() : v, { min, max });
  if (n === undefined) throw bad(where, describeIntRange({ min, max }), v);
  return n;
}

/** A list: an array in a file; comma-separated in flags and env. */
function listValue(raw: Raw, where: string): string[] {
  const v = raw.value;
  if (Array.isArray(v)) {
    if (!v.every((x) => typeof x === "string")) throw bad(where, "a list of strings", v);
    return v.map((x: string) => x.trim()).filter((x) => x !== "");
  }
  if (typeof v !== "string") throw bad(where, raw.source.kind === "file" ? "a list of strings" : "a comma-separated list", v);
  return v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function boolValue(raw: Raw, where: string): boolean {
  const v = raw.value;
  if (typeof v === "boolean") return v;
  if (typeof v === "string" && /^(1|true|yes)$/i.test(v)) return true;
  if (typeof v === "string" && /^(0|false|no|)$/i.test(v)) return false;
  throw bad(where, "true or false", v);
}

function multiaddrs(list: string[], where: string, needPeerId: boolean): string[] {
  return list.map((a) => {
    try {
      return checkMultiaddr("x", a, needPeerId);
    } catch (e) {
      throw new UsageError(`${where}: ${(e as Error).message.replace(/^--x: /, "")}`);
    }
  });
}

/** A CORS origin as browsers send it: scheme://host[:port], no path; or `*`. */
function corsOrigin(value: string, where: string): string {
  if (value === "*") return value;
  let origin: string | null = null;
  try {
    origin = new URL(value).origin;
  } catch {}
  if (origin === null || origin === "null" || origin !== value) throw bad(where, "origins like https://app.example or http://localhost:3000 (scheme://host[:port], no path), or *", value);
  return value;
}

const str = (raw: Raw, where: string): string => {
  if (typeof raw.value !== "string" || raw.value === "") throw bad(where, "a non-empty string", raw.value);
  return raw.value;
};

/** Every setting of `baton start`, in the order `config show` prints them. */
export const SETTINGS: Setting<unknown>[] = [
  { name: "genesis", flag: "genesis", env: "BATON_GENESIS", valueName: "file", help: "genesis JSON file of the network", parse: pathValue },
  {
    name: "key",
    flag: "key",
    env: "BATON_KEY",
    valueName: "file|none",
    help: "keystore (baton keys new), or none for a full (non-sequencing) node",
    default: "none",
    parse: (raw, where) => (raw.value === "none" ? "none" : pathValue(raw, where)),
  },
  {
    name: "passwordFile",
    flag: "password-file",
    env: "BATON_KEYSTORE_PASSWORD_FILE",
    valueName: "file",
    help: "file holding the keystore password (or set BATON_KEYSTORE_PASSWORD)",
    default: null,
    parse: pathValue,
  },
  { name: "dataDir", flag: "data-dir", env: "BATON_DATA_DIR", valueName: "dir", help: "chain store, p2p identity (p2p.key), slashing protection", parse: pathValue },
  {
    name: "listen",
    flag: "listen",
    env: "BATON_LISTEN",
    valueName: "multiaddr[,...]",
    help: "p2p listen addresses",
    default: ["/ip4/127.0.0.1/tcp/9001"],
    parse: (raw, where) => multiaddrs(listValue(raw, where), where, false),
  },
  {
    name: "bootstrap",
    flag: "bootstrap",
    env: "BATON_BOOTSTRAP",
    valueName: "multiaddr[,...]",
    help: "peers to dial, each with /p2p/<peerId>",
    default: [],
    parse: (raw, where) => multiaddrs(listValue(raw, where), where, true),
  },
  { name: "apiPort", flag: "api-port", env: "BATON_API_PORT", valueName: "port", help: "HTTP API and dashboard port (0 = any free port)", default: 7001, parse: (r, w) => intValue(r, w, 0, 65535) },
  { name: "apiHost", flag: "api-host", env: "BATON_API_HOST", valueName: "host", help: "HTTP API bind address", default: "127.0.0.1", parse: str },
  {
    name: "apiTokenFile",
    flag: "api-token-file",
    env: "BATON_API_TOKEN_FILE",
    valueName: "file",
    help: "file whose first line is the API token: POST /txs then needs `Authorization: Bearer <token>` [default: no token]",
    default: null,
    parse: pathValue,
  },
  {
    name: "apiCorsOrigins",
    flag: "api-cors-origins",
    env: "BATON_API_CORS_ORIGINS",
    valueName: "origin[,...]|*",
    help: "web origins (scheme://host[:port]) whose pages may call the API (CORS), or * for any",
    default: [],
    parse: (raw, where) => listValue(raw, where).map((o) => corsOrigin(o, where)),
  },
  {
    name: "metricsPort",
    flag: "metrics-port",
    env: "BATON_METRICS_PORT",
    valueName: "port|off",
    help: "Prometheus GET /metrics on a listener of its own (0 = any free port) [default: off]",
    default: null,
    parse: (raw, where) => (raw.value === "off" || raw.value === null ? null : intValue(raw, where, 0, 65535)),
  },
  {
    name: "metricsHost",
    flag: "metrics-host",
    env: "BATON_METRICS_HOST",
    valueName: "host",
    help: "metrics bind address (0.0.0.0 lets a remote Prometheus scrape while the API stays on 127.0.0.1)",
    default: "127.0.0.1",
    parse: str,
  },
  { name: "mempoolSize", flag: "mempool-size", env: "BATON_MEMPOOL_SIZE", valueName: "n", help: "most txs held in the mempool", default: 50_000, parse: (r, w) => intValue(r, w, 1, 10_000_000) },
  {
    name: "logLevel",
    flag: "log-level",
    env: "BATON_LOG_LEVEL",
    valueName: "level",
    help: `${LOG_LEVELS.join("|")} (pino JSON lines on stdout)`,
    default: "info",
    parse: (raw, where) => {
      if (typeof raw.value !== "string" || !(LOG_LEVELS as readonly string[]).includes(raw.value)) throw bad(where, `one of ${LOG_LEVELS.join(", ")}`, raw.value);
      return raw.value;
    },
  },
  {
    name: "insecurePlaintextKey",
    flag: "insecure-plaintext-key",
    env: "BATON_INSECURE_PLAINTEXT_KEY",
    valueName: "",
    help: "accept a plaintext devnet key file outside a devnet directory",
    default: false,
    boolean: true,
    parse: boolValue,
  },
  { name: "clockOffsetMs", flag: "clock-offset-ms", env: "BATON_CLOCK_OFFSET_MS", valueName: "ms", help: "shift this node's slot clock by ms (ahead; behind: --clock-offset-ms=-500; at most 1 hour), for tests and chaos only", default: 0, parse: (raw, where) => intValue(raw, where, -3_600_000, 3_600_000) },
];

const BY_FILE_KEY = new Map(SETTINGS.map((s) => [s.name as string, s]));

/** The settings as `baton start` / `baton config show` flags (no defaults here: sources must stay known). */
export function settingFlags(): Record<string, FlagSpec> {
  const flags: Record<string, FlagSpec> = {
    config: { type: "string", valueName: "file", help: "config file, .toml or .json (also BATON_CONFIG)" },
  };
  for (const s of SETTINGS) {
    const shown = Array.isArray(s.default) ? s.default.join(",") || "none" : String(s.default);
    const dflt = s.default === undefined ? " (required)" : s.boolean || s.default === null ? "" : ` [default: ${shown}]`;
    flags[s.flag] = s.boolean
      ? { type: "boolean", help: `${s.help} (env ${s.env})` }
      : { type: "string", valueName: s.valueName, help: `${s.help}${dflt} (env ${s.env})` };
  }
  return flags;
}

export const CONFIG_ENV = "BATON_CONFIG";

export interface ConfigFile {
  path: string;
  data: Record<string, unknown>;
}

export interface ConfigInput {
  flags: FlagValues;
  env: NodeJS.ProcessEnv;
  file: ConfigFile | null;
  cwd: string;
}

export interface ResolvedConfig {
  /** the settings that are set; a required one that is missing is absent from `config` and listed in `missing` */
  config: Partial<NodeConfig>;
  sources: Record<SettingName, Source>;
  missing: SettingName[];
  file: string | null;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

function unknownKeyError(file: string, key: string): UsageError {
  const names = SETTINGS.map((s) => s.name as string);
  const near = names.map((n) => [n, distance(n.toLowerCase(), key.toLowerCase().replace(/[-_]/g, ""))] as const).sort((x, y) => x[1] - y[1])[0];
  const hint = near && near[1] <= 3 ? ` (did you mean ${near[0]}?)` : "";
  return new UsageError(`config file ${file}: unknown setting ${JSON.stringify(key)}${hint}; settings: ${names.join(", ")}`);
}

/**
 * Merges flags > env > file > defaults and validates every value. Throws UsageError on an
 * unknown key in the file or a bad value anywhere; a missing required setting is reported in
 * `missing` (requireAll() turns that into an error).
 */
export function resolveNodeConfig(input: ConfigInput): ResolvedConfig {
  const fileDir = input.file ? resolve(input.file.path, "..") : input.cwd;
  if (input.file) {
    for (const key of Object.keys(input.file.data)) if (!BY_FILE_KEY.has(key)) throw unknownKeyError(input.file.path, key);
  }
  const config: Partial<NodeConfig> = {};
  const sources = {} as Record<SettingName, Source>;
  const missing: SettingName[] = [];
  for (const s of SETTINGS) {
    let raw: Raw | null = null;
    const flagValue = input.flags[s.flag];
    const envValue = input.env[s.env];
    if (flagValue !== undefined) raw = { value: flagValue, source: { kind: "flag", name: s.flag }, baseDir: input.cwd };
    else if (envValue !== undefined && envValue !== "") raw = { value: envValue, source: { kind: "env", name: s.env }, baseDir: input.cwd };
    else if (input.file && input.file.data[s.name] !== undefined) {
      raw = { value: input.file.data[s.name], source: { kind: "file", file: input.file.path, name: s.name }, baseDir: fileDir };
    }
    if (raw === null) {
      if (s.default === undefined) {
        missing.push(s.name);
        sources[s.name] = { kind: "unset" };
      } else {
        (config as Record<string, unknown>)[s.name] = s.default;
        sources[s.name] = { kind: "default" };
      }
      continue;
    }
    (config as Record<string, unknown>)[s.name] = s.parse(raw, describeSource(s.name, raw.source));
    sources[s.name] = raw.source;
  }
  return { config, sources, missing, file: input.file?.path ?? null };
}

/** The full config, or a UsageError naming the first missing required setting and its three spellings. */
export function requireAll(r: ResolvedConfig): NodeConfig {
  if (r.missing.length > 0) {
    const s = BY_FILE_KEY.get(r.missing[0])!;
    throw new UsageError(`${s.name} is required: ${s.help} (set --${s.flag}, ${s.env}, or ${s.name} in a config file; see baton start --help)`);
  }
  return r.config as NodeConfig;
}

/** The config file path from --config or BATON_CONFIG, resolved against cwd; null if neither. */
export function configFilePath(flags: FlagValues, env: NodeJS.ProcessEnv, cwd: string): { path: string; from: string } | null {
  const flag = flags.config;
  if (typeof flag === "string" && flag !== "") return { path: resolve(cwd, flag), from: "--config" };
  const e = env[CONFIG_ENV];
  if (e !== undefined && e !== "") return { path: resolve(cwd, e), from: CONFIG_ENV };
  return null;
}

const tomlValue = (v: unknown): string => JSON.stringify(v);

/**
 * `baton config show` text: a TOML document of the effective config (usable as a config
 * file), each line with a comment saying where the value came from.
 */
export function formatConfig(r: ResolvedConfig, passwordNote: string): string[] {
  const lines = [
    "# effective config of baton start (precedence: flags > environment > config file > defaults)",
    `# config file: ${r.file ?? "none"}`,
  ];
  const rows: [string, string][] = SETTINGS.map((s) => {
    const v = (r.config as Record<string, unknown>)[s.name];
    const left = v === undefined || v === null ? `# ${s.name} =` : `${s.name} = ${tomlValue(v)}`;
    const note = r.sources[s.name].kind === "unset" ? "REQUIRED, not set" : v === null ? "not set" : sourceLabel(r.sources[s.name]);
    return [left, note];
  });
  const width = Math.min(70, Math.max(...rows.map(([l]) => l.length)) + 2);
  for (const [l, n] of rows) lines.push(`${l.padEnd(width)}${l.length >= width ? "  " : ""}# ${n}`);
  lines.push(`# keystore password: ${passwordNote}`);
  return lines;
}
