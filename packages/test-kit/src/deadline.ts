/**
 * How much longer than usual tests on this machine may wait for an event, from
 * `AGENTWATCH_TEST_TIMEOUT_SCALE` (default 1; 3 on a slow or loaded machine).
 */
export function timeoutScale(): number {
  const raw = process.env.AGENTWATCH_TEST_TIMEOUT_SCALE;
  const scale = raw === undefined || raw === "" ? 1 : Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new Error(
      `AGENTWATCH_TEST_TIMEOUT_SCALE must be a positive number, got ${JSON.stringify(raw)}`,
    );
  }
  return scale;
}

/** `ms` scaled by {@link timeoutScale}: a deadline, never a pause. */
export function scaled(ms: number): number {
  return Math.round(ms * timeoutScale());
}

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** What is waited for, for the timeout message. */
  readonly what: string;
  /** The deadline before scaling; 20 s by default. */
  readonly timeoutMs?: number;
  /** How often the condition is checked; 25 ms by default. */
  readonly everyMs?: number;
}

/**
 * Resolves with the first truthy value `check` returns, checking every `everyMs` until the
 * (scaled) deadline; then rejects naming `what` and the last error `check` threw, if any.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: WaitOptions,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + scaled(options.timeoutMs ?? 20_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError === undefined ? "" : ` (last error: ${(lastError as Error).message})`;
      throw new Error(`timed out waiting for ${options.what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 25));
  }
}
