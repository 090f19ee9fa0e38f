/** What every subcommand module exports, and the output it writes to. */
import type { CommandSpec, FlagValues } from "./args.js";

export interface Io {
  /** a line to stdout */
  out(line: string): void;
  /** a line to stderr */
  err(line: string): void;
  /** unix ms (injected so tests can fix it) */
  now(): number;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(line + "\n"),
  err: (line) => process.stderr.write(line + "\n"),
  now: () => Date.now(),
};

export interface Command {
  spec: CommandSpec;
  /** resolves with the exit code */
  run(values: FlagValues, io: Io): Promise<number>;
}
