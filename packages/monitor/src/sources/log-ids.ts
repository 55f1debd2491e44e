import { basename, dirname, parse } from "node:path";
import { assertValidInstanceId } from "@agentwatch/summary-store";
import { DEFAULT_LOG_TYPE } from "../agent-source.js";

/** The log file of the original orchestrator's layout, named after its directory. */
const LAYOUT_LOG = `${DEFAULT_LOG_TYPE}.log`;

/**
 * The instance id a log file's path gives: its directory's name for a file named exactly
 * `tmux_output.log` (the original orchestrator's layout, `<id>/tmux_output.log`), else the file's
 * name without its extension (`~/agent-logs/backend.log` → `backend`).
 */
export function naturalInstanceId(path: string): string {
  return basename(path) === LAYOUT_LOG ? basename(dirname(path)) : parse(path).name;
}

/** Why `id` cannot be an instance id, or null when it can. */
function invalidReason(id: string): string | null {
  try {
    assertValidInstanceId(id);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A log shown under a numbered id because another log has its natural one. */
export interface NumberedLog {
  readonly path: string;
  readonly id: string;
  readonly natural: string;
  /** The log that has the natural id. */
  readonly holder: string;
}

/** What {@link LogIds.assign} decided for one listing. */
export interface LogIdAssignment {
  /** Every log with an id, in the order given. */
  readonly ids: ReadonlyArray<{ readonly path: string; readonly id: string }>;
  /** Logs numbered in this call (they had no id before). */
  readonly numbered: readonly NumberedLog[];
  /** Logs skipped because no valid id can be made from their name, with the reason. */
  readonly invalid: ReadonlyArray<{ readonly path: string; readonly reason: string }>;
}

/**
 * Gives every log file of a listing its own instance id. A file takes its natural id
 * ({@link naturalInstanceId}) when no other file has it; when several files would share it, the
 * first in path order takes it and the others get `<id>-2`, `<id>-3`, … in path order (skipping
 * any number another file's natural id already is). A file keeps the id it was given for as long
 * as it keeps being listed, so a colliding file that appears later is numbered even when its path
 * sorts first, and a file is never renamed because another one disappeared. A file that is no
 * longer listed gives its id up; a new instance (a restart) numbers in path order again.
 */
export class LogIds {
  readonly #byPath = new Map<string, string>();

  /** Assigns ids to `paths` (sorted, without duplicates). */
  assign(paths: readonly string[]): LogIdAssignment {
    const present = new Set(paths);
    for (const path of this.#byPath.keys()) if (!present.has(path)) this.#byPath.delete(path);
    const owner = new Map<string, string>(); // id → path
    for (const [path, id] of this.#byPath) owner.set(id, path);
    const naturals = new Map<string, string>(); // path → natural id, for every valid path
    const invalid: { path: string; reason: string }[] = [];
    const waiting: string[] = [];
    for (const path of paths) {
      const natural = naturalInstanceId(path);
      const reason = invalidReason(natural);
      if (reason !== null) {
        invalid.push({ path, reason });
        continue;
      }
      naturals.set(path, natural);
      if (this.#byPath.has(path)) continue;
      if (owner.has(natural)) {
        waiting.push(path);
      } else {
        owner.set(natural, path);
        this.#byPath.set(path, natural);
      }
    }
    const claimed = new Set(naturals.values());
    const numbered: NumberedLog[] = [];
    for (const path of waiting) {
      const natural = naturals.get(path)!;
      let n = 2;
      while (owner.has(`${natural}-${n}`) || claimed.has(`${natural}-${n}`)) n++;
      const id = `${natural}-${n}`;
      const reason = invalidReason(id);
      if (reason !== null) {
        invalid.push({
          path,
          reason: `another log is already ${JSON.stringify(natural)}; ${reason}`,
        });
        continue;
      }
      owner.set(id, path);
      this.#byPath.set(path, id);
      numbered.push({ path, id, natural, holder: owner.get(natural)! });
    }
    const ids: { path: string; id: string }[] = [];
    for (const path of paths) {
      const id = this.#byPath.get(path);
      if (id !== undefined) ids.push({ path, id });
    }
    return { ids, numbered, invalid };
  }
}
