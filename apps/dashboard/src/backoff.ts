/** The first reconnect delay, in ms. */
export const BACKOFF_BASE_MS = 500;
/** The longest reconnect delay, in ms. */
export const BACKOFF_MAX_MS = 30_000;

/**
 * How long to wait before reconnect attempt `attempt` (0 for the first): doubling from 0.5 s up
 * to 30 s, with jitter between half and all of it so that many dashboards do not reconnect at once.
 * `random` is a number in [0, 1).
 */
export function reconnectDelay(attempt: number, random: number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random, 0), 1));
}
