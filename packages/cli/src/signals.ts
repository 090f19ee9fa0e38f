/**
 * SIGTERM / SIGINT handling for long-running commands (`start`, `devnet`): the first signal
 * asks for a clean stop, a second one exits at once. `docker compose stop` sends SIGTERM;
 * Ctrl-C sends SIGINT.
 */
import type { Io } from "./command.js";

export interface StopSignal {
  /** resolves with the first signal's name */
  readonly received: Promise<NodeJS.Signals>;
  /** true once a signal arrived */
  readonly stopping: boolean;
  /** removes the handlers */
  dispose(): void;
}

export function onStopSignal(io: Io, forcedExitCode = 1): StopSignal {
  let first: NodeJS.Signals | null = null;
  let resolve!: (s: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const handler = (sig: NodeJS.Signals) => {
    if (first !== null) {
      io.err(`${sig} again: exiting now without a clean stop`);
      process.exit(forcedExitCode);
    }
    first = sig;
    io.err(`${sig}: stopping (send it again to exit at once)`);
    resolve(sig);
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
  return {
    received,
    get stopping() {
      return first !== null;
    },
    dispose() {
      process.off("SIGTERM", handler);
      process.off("SIGINT", handler);
    },
  };
}
