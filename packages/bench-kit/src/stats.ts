import { performance } from "node:perf_hooks";

/** The median of `values` (NaN for none). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The p-th percentile (0..100) of `values`, by linear interpolation (NaN for none). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** Wall-clock times of repeated runs, in milliseconds. */
export interface Timing {
  readonly runs: readonly number[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

function summarize(runs: number[]): Timing {
  return { runs, medianMs: median(runs), minMs: Math.min(...runs), maxMs: Math.max(...runs) };
}

/** Runs `fn` `runs` times (after `warmup` untimed runs) and returns the timings. */
export async function timeAsync(
  fn: () => Promise<unknown>,
  options: { runs?: number; warmup?: number } = {},
): Promise<Timing> {
  const { runs = 5, warmup = 1 } = options;
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return summarize(times);
}

/** Runs `fn` `runs` times (after `warmup` untimed runs) and returns the timings. */
export function timeSync(
  fn: () => unknown,
  options: { runs?: number; warmup?: number } = {},
): Timing {
  const { runs = 5, warmup = 1 } = options;
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return summarize(times);
}
