/** Dispatch `baton <command> [subcommand] [flags]` to a command module. */
import { BATON_VERSION } from "@baton/core";
import { KeyFileError } from "@baton/client";
import { formatHelp, parseFlags, USAGE_EXIT_CODE, UsageError } from "./args.js";
import type { Command, Io } from "./command.js";
import { benchCommand } from "./commands/bench.js";
import { chaosCommand } from "./commands/chaos.js";
import { devnetCommand } from "./commands/devnet.js";
import { genesisCommand } from "./commands/genesis.js";
import { configShow } from "./commands/config.js";
import { keysImport, keysList, keysNew } from "./commands/keys.js";
import { keysExportProtection, keysImportProtection } from "./commands/protection.js";
import { simCommand } from "./commands/sim.js";
import { startCommand } from "./commands/start.js";
import { statusCommand } from "./commands/status.js";
import {
  txAdmit,
  txBid,
  txCommission,
  txDelegate,
  txEvict,
  txExit,
  txRejoin,
  txReveal,
  txSend,
  txStake,
  txTransfer,
  txUndelegate,
  txUnstake,
} from "./commands/tx.js";

/** Top-level commands; a group (keys, tx) maps subcommand names to commands. */
export const COMMANDS: Record<string, Command | Record<string, Command>> = {
  devnet: devnetCommand,
  start: startCommand,
  keys: { new: keysNew, list: keysList, import: keysImport, "export-protection": keysExportProtection, "import-protection": keysImportProtection },
  config: { show: configShow },
  genesis: genesisCommand,
  tx: {
    send: txSend,
    transfer: txTransfer,
    stake: txStake,
    unstake: txUnstake,
    exit: txExit,
    rejoin: txRejoin,
    bid: txBid,
    reveal: txReveal,
    delegate: txDelegate,
    undelegate: txUndelegate,
    commission: txCommission,
    evict: txEvict,
    admit: txAdmit,
  },
  status: statusCommand,
  chaos: chaosCommand,
  bench: benchCommand,
  sim: simCommand,
};

const isCommand = (c: Command | Record<string, Command>): c is Command => "spec" in c && "run" in c;

export function topHelp(): string {
  const lines = [`baton ${BATON_VERSION}: a decentralized rollup sequencer`, "", "usage: baton <command> [flags]   (baton <command> --help for its flags; baton --version)", "", "commands:"];
  const entries: [string, Command][] = Object.entries(COMMANDS).flatMap(([name, c]) =>
    isCommand(c) ? [[name, c] as [string, Command]] : Object.entries(c).map(([sub, cc]) => [`${name} ${sub}`, cc] as [string, Command]),
  );
  const width = Math.max(...entries.map(([label]) => label.length)) + 2;
  for (const [label, command] of entries) lines.push(`  ${label.padEnd(width)}${command.spec.summary}`);
  return lines.join("\n");
}

/** Finds the command for argv; returns it with the remaining (flag) arguments. */
export function resolveCommand(argv: string[]): { command: Command; rest: string[] } | { help: string; asked: boolean } {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") return { help: topHelp(), asked: first !== undefined };
  const entry = COMMANDS[first];
  if (entry === undefined) {
    throw new UsageError(`unknown command ${JSON.stringify(first)}; commands: ${Object.keys(COMMANDS).join(", ")} (see baton --help)`);
  }
  if (isCommand(entry)) return { command: entry, rest };
  const [sub, ...subRest] = rest;
  const subs = Object.keys(entry).join(", ");
  if (sub === undefined || sub === "--help" || sub === "-h") {
    const width = Math.max(...Object.keys(entry).map((sub) => sub.length)) + 2;
    const lines = Object.entries(entry).map(([sub, c]) => `  ${first} ${sub.padEnd(width)}${c.spec.summary}`);
    return { help: [`usage: baton ${first} <${Object.keys(entry).join("|")}> [flags]`, "", ...lines].join("\n"), asked: sub !== undefined };
  }
  const command = entry[sub];
  if (command === undefined) throw new UsageError(`unknown command "${first} ${sub}"; ${first} commands: ${subs}`);
  return { command, rest: subRest };
}

/** Runs the CLI; resolves with the exit code. UsageErrors and KeyFileErrors (a bad key file or password) print one line and give 2. */
export async function main(argv: string[], io: Io): Promise<number> {
  try {
    if (argv.length === 1 && ["--version", "-V", "version"].includes(argv[0])) {
      io.out(`baton ${BATON_VERSION}`);
      return 0;
    }
    const found = resolveCommand(argv);
    if ("help" in found) {
      if (found.asked) {
        io.out(found.help);
        return 0;
      }
      io.err(found.help);
      return 2;
    }
    const parsed = parseFlags(found.command.spec, found.rest);
    if (parsed.help) {
      io.out(formatHelp(found.command.spec));
      return 0;
    }
    return await found.command.run(parsed.values, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`baton: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof KeyFileError) {
      io.err(`baton: ${e.message}`);
      return USAGE_EXIT_CODE;
    }
    throw e;
  }
}
