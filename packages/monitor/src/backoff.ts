/** The longest wait before a failing agent is tried again: five minutes. */
export const MAX_BACKOFF_SECONDS = 300;

/**
 * Seconds to wait after the `failures`-th consecutive failure of an agent: `baseSeconds`, doubling
 * per further failure, at most `MAX_BACKOFF_SECONDS` (10, 20, 40, 80, 160, 300, 300, … for 10).
 *
 * @example
 * backoffSeconds(10, 3); // 40
 */
export function backoffSeconds(baseSeconds: number, failures: number): number {
  if (failures <= 0) return 0;
  const exponent = Math.min(failures - 1, 30);
  return Math.min(baseSeconds * 2 ** exponent, MAX_BACKOFF_SECONDS);
}
