import closeWithGrace from "close-with-grace";
import { ExitCode } from "./errors.js";

/**
 * Runs `work` until it finishes, SIGINT, SIGTERM or SIGHUP (a closed terminal) arrives, or
 * `options.stopOn` aborts (stdout or stderr is gone). On the first signal the work's own signal
 * aborts, the work is awaited (within `delayMs`) and the process exits 0; a second signal exits
 * 130 at once. On `stopOn` the work's signal aborts and this resolves as the work does.
 */
export async function runUntilSignal<T>(
  work: (signal: AbortSignal) => Promise<T>,
  options: { delayMs?: number; stopOn?: AbortSignal | undefined } = {},
): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (options.stopOn?.aborted === true) stop();
  options.stopOn?.addEventListener("abort", stop, { once: true });
  let finished: Promise<T> | undefined;
  const grace = closeWithGrace(
    {
      delay: options.delayMs ?? 15_000,
      skip: ["beforeExit", "uncaughtException", "unhandledRejection"],
      logger: false,
      onSecondSignal: () => process.exit(ExitCode.INTERRUPTED),
    },
    async () => {
      controller.abort();
      await finished?.catch(() => {});
    },
  );
  try {
    finished = work(controller.signal);
    return await finished;
  } finally {
    grace.uninstall();
    options.stopOn?.removeEventListener("abort", stop);
  }
}

/** Resolves when `signal` aborts or after `ms` (never, when `ms` is undefined), whichever is first. */
export function untilAborted(signal: AbortSignal, ms?: number): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = ms === undefined ? undefined : setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
