import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";

/** The name of the state file inside the state directory, as the Python implementation names it. */
export const STATE_FILE_NAME = "monitor_positions.json";

/** The files a tracker uses inside its state directory. */
export interface StatePaths {
  /** The state directory, absolute. */
  readonly dir: string;
  /** `<dir>/monitor_positions.json`. */
  readonly file: string;
  /** `<dir>/monitor_positions.json.lock`: proper-lockfile's lock directory. */
  readonly lock: string;
  /** `<dir>/monitor_positions.json.bak`: the state file before it was last rewritten. */
  readonly bak: string;
  /**
   * `<dir>/monitor_positions.json.journal`: the writes made since the state file was last
   * rewritten, one durable record per write, applied on top of it.
   */
  readonly journal: string;
}

/** The paths of the state files in `stateDir`. */
export function statePaths(stateDir: string): StatePaths {
  const dir = resolve(stateDir);
  const file = join(dir, STATE_FILE_NAME);
  return { dir, file, lock: `${file}.lock`, bak: `${file}.bak`, journal: `${file}.journal` };
}

/**
 * A unique temp name beside `path`: `<path>.<pid>.<random>.tmp`. Only written under the lock, so
 * one found while holding the lock was left by a writer that died.
 */
export function tempPathFor(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
}

const TEMP_NAME = /^monitor_positions\.json(?:\.bak|\.journal)?\.\d+\.[0-9a-f]{12}\.tmp$/;

/** Whether a file name in the state directory is a temp file of this package. */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** The name a corrupt state file is moved aside to: `<file>.corrupt-<UTC timestamp>[-n]`. */
export function corruptPathFor(file: string, epochMs: number, attempt: number): string {
  const stamp = new Date(epochMs).toISOString().replace(/[:.]/g, "-");
  return `${file}.corrupt-${stamp}${attempt === 0 ? "" : `-${attempt}`}`;
}
