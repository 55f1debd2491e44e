import { SeededRandom } from "./random.js";

/** Fewest lines in one cut (one poll's worth of new output). */
export const MIN_CUT_LINES = 20;
/** Most lines in one cut. */
export const MAX_CUT_LINES = 200;

/** Thrown when a log is too short to be fed in more than one cut. */
export class CutPlanError extends Error {
  readonly code = "LOG_TOO_SHORT";
  constructor(message: string) {
    super(message);
    this.name = "CutPlanError";
  }
}

/**
 * How many lines each poll adds: sizes of `MIN_CUT_LINES` to `MAX_CUT_LINES` lines, at least two
 * cuts, adding up to `totalLines` exactly, drawn from `seed` (the same seed, the same plan).
 *
 * @throws {CutPlanError} when `totalLines` is below `2 * MIN_CUT_LINES`: such a log cannot be fed
 *   in more than one cut; make the case's session longer.
 * @example
 * planCuts(130, 7); // e.g. [52, 78]
 */
export function planCuts(totalLines: number, seed: number): number[] {
  if (!Number.isSafeInteger(totalLines) || totalLines < 2 * MIN_CUT_LINES) {
    throw new CutPlanError(
      `cannot cut a log of ${totalLines} lines into polls: it needs at least ${2 * MIN_CUT_LINES} lines (two cuts of ${MIN_CUT_LINES}); make the session longer`,
    );
  }
  const random = new SeededRandom(seed);
  const cuts: number[] = [];
  let left = totalLines;
  while (left > 0) {
    // After the first cut, what is left may be the last cut: always when it cannot make two.
    if (
      cuts.length > 0 &&
      left <= MAX_CUT_LINES &&
      (left < 2 * MIN_CUT_LINES || random.next() < 0.5)
    ) {
      cuts.push(left);
      break;
    }
    // Otherwise a cut that leaves at least one more cut's worth.
    const size = random.int(MIN_CUT_LINES, Math.min(MAX_CUT_LINES, left - MIN_CUT_LINES));
    cuts.push(size);
    left -= size;
  }
  return cuts;
}

/**
 * The log's bytes split into lines as a terminal capture holds them: each piece ends with its
 * `\n`, except a last piece without one (a prompt waiting on its line). Joined, they are the
 * original bytes.
 */
export function splitLines(bytes: Uint8Array): Buffer[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < buffer.length; i++) {
    if (buffer[i] === 0x0a) {
      lines.push(buffer.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < buffer.length) lines.push(buffer.subarray(start));
  return lines;
}

/** The bytes of each poll: the lines grouped by `plan` (sizes in lines), in order. */
export function cutBytes(lines: readonly Buffer[], plan: readonly number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let at = 0;
  for (const size of plan) {
    pieces.push(Buffer.concat(lines.slice(at, at + size)));
    at += size;
  }
  return pieces;
}
