import { keepCommandsAndToolCalls, type ErasedRowPolicy } from "./erased-text.js";
import { InvalidActivityInputError } from "./errors.js";
import { SnapshotFilter, type SnapshotCarry } from "./snapshot-filter.js";
import { TerminalScreen, type EmittedRow, type ScreenCarry } from "./terminal-screen.js";

/** Rows fed to the screen between drains into the snapshot filter. */
const DRAIN_EVERY = 512;

/** Throws unless `lines` is an array of strings. */
export function checkLines(lines: unknown, caller: string): asserts lines is readonly string[] {
  if (!Array.isArray(lines))
    throw new InvalidActivityInputError(
      `${caller}: lines must be an array of strings (got ${describe(lines)}); pass the lines IncrementalLogReader returned`,
      "lines",
    );
  for (let i = 0; i < lines.length; i++) {
    if (typeof lines[i] !== "string")
      throw new InvalidActivityInputError(
        `${caller}: lines[${i}] must be a string (got ${describe(lines[i])}); pass decoded text lines`,
        `lines[${i}]`,
      );
  }
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return `Date(${String(value.getTime())})`;
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value;
}

/** The screen and snapshot filter after a run, and the rows that passed. */
export interface PipelineRun {
  readonly rows: EmittedRow[];
  readonly screen: TerminalScreen;
  readonly filter: SnapshotFilter;
}

/**
 * Feeds lines through the virtual terminal and the snapshot filter. With `complete`, the input is
 * taken as the whole log (open snapshots are closed); otherwise what is undecided is kept for the
 * next call's carry. Rows that were erased before they were handed out come out too (marked
 * `erased`) when `policy` (by default `keepCommandsAndToolCalls`) keeps them.
 */
export function runPipeline(
  lines: readonly string[],
  carry: { screen?: ScreenCarry | undefined; snapshot?: SnapshotCarry | undefined },
  complete: boolean,
  policy: ErasedRowPolicy = keepCommandsAndToolCalls,
): PipelineRun {
  const screen = new TerminalScreen(carry.screen, policy);
  const filter = new SnapshotFilter(carry.snapshot);
  for (let i = 0; i < lines.length; i++) {
    screen.feedLine(lines[i]!, i);
    if (i % DRAIN_EVERY === DRAIN_EVERY - 1) for (const row of screen.drain()) filter.push(row);
  }
  for (const row of screen.finish()) filter.push(row);
  if (complete) filter.end();
  return { rows: filter.drain(), screen, filter };
}
