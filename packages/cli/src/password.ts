/**
 * Where a keystore password comes from: a file (`--password-file`, `passwordFile` in the config
 * file, or BATON_KEYSTORE_PASSWORD_FILE) or the environment (BATON_KEYSTORE_PASSWORD). Never a
 * flag's value: argv is visible to every user of the machine (ps, /proc/<pid>/cmdline).
 */
import { readFile, stat } from "node:fs/promises";
import { UsageError } from "./args.js";
import { KeystoreError, KeystoreErrorCode } from "@baton/client";

export const PASSWORD_ENV = "BATON_KEYSTORE_PASSWORD";
export const PASSWORD_FILE_ENV = "BATON_KEYSTORE_PASSWORD_FILE";

export type PasswordSource = { kind: "file"; path: string; from: string } | { kind: "env"; name: string };

/**
 * Picks the source: an explicit file (flag or config; `from` names where it was set) wins,
 * then BATON_KEYSTORE_PASSWORD_FILE, then BATON_KEYSTORE_PASSWORD. Null if none is set.
 */
export function passwordSource(passwordFile: { path: string; from: string } | undefined, env: NodeJS.ProcessEnv): PasswordSource | null {
  if (passwordFile) return { kind: "file", ...passwordFile };
  const fileEnv = env[PASSWORD_FILE_ENV];
  if (fileEnv !== undefined && fileEnv !== "") return { kind: "file", path: fileEnv, from: PASSWORD_FILE_ENV };
  if (env[PASSWORD_ENV] !== undefined) return { kind: "env", name: PASSWORD_ENV };
  return null;
}

export function describePasswordSource(s: PasswordSource | null): string {
  if (!s) return "none";
  return s.kind === "file" ? `file ${s.path} (${s.from})` : `environment variable ${s.name}`;
}

/** The text of a password file, without its trailing line break. */
export function passwordFromFileText(text: string): string {
  return text.replace(/\r?\n$/, "");
}

/** Reads the password; `warn` gets a line if a password file is readable by other users. */
export async function readPassword(source: PasswordSource | null, env: NodeJS.ProcessEnv, warn?: (line: string) => void): Promise<string> {
  if (!source) {
    throw new KeystoreError(
      KeystoreErrorCode.NO_PASSWORD,
      `no keystore password: pass --password-file <file>, or set ${PASSWORD_FILE_ENV} (a file) or ${PASSWORD_ENV} (the password)`,
    );
  }
  if (source.kind === "env") return env[source.name] ?? "";
  let text: string;
  try {
    text = await readFile(source.path, "utf8");
    if (warn && ((await stat(source.path)).mode & 0o077) !== 0) warn(`warning: password file ${source.path} is readable by other users; chmod 600 it`);
  } catch (e) {
    throw new UsageError(`password file ${source.path} (${source.from}): cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return passwordFromFileText(text);
}
