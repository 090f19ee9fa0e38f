/** The devnet tools' one wait: `await sleep(ms)`, or `sleep(ms, signal)` to stop waiting when a run is aborted. */

/** Thrown by sleep() when its signal aborts. */
export class Aborted extends Error {}

/** Resolves after `ms` (0 if negative); rejects with Aborted as soon as `signal` aborts. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((res, rej) => {
    if (signal?.aborted) return rej(new Aborted("aborted"));
    const onAbort = () => (clearTimeout(t), rej(new Aborted("aborted")));
    const t = setTimeout(() => (signal?.removeEventListener("abort", onAbort), res()), Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
