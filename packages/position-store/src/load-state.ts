import type { LogPosition } from "@agentwatch/models";
import { writeStateAtomically } from "./durable-fs.js";
import { PositionReadError } from "./errors.js";
import { serializeState } from "./state-format.js";
import {
  type LoaderContext,
  type StateFileRead,
  readBackup,
  readStateFile,
  readStateForWrite,
  warnProblems,
} from "./state-loader.js";
import { type StateLockOptions, withStateLock } from "./state-lock.js";
import { describeSystemError } from "./system-error.js";

/**
 * Loads the positions of the state file for `open()` and `refresh()`. A missing file is empty. A
 * corrupt one is repaired under the lock: kept as `.corrupt-<timestamp>` and replaced by the
 * `.bak` (or an empty state); if that is impossible (read-only directory), the `.bak` is used in
 * memory only. Never throws because of file content.
 *
 * @throws {PositionReadError} when the state file exists but cannot be read.
 */
export async function loadState(
  ctx: LoaderContext,
  lock: StateLockOptions,
): Promise<Map<string, LogPosition>> {
  const { file } = ctx.paths;
  let read: StateFileRead;
  try {
    read = await readStateFile(file);
  } catch (error) {
    throw new PositionReadError(file, error);
  }
  if (read.kind === "valid") {
    warnProblems(ctx, file, read.problems);
    return read.positions;
  }
  if (read.kind === "missing") return new Map();
  try {
    return await withStateLock(ctx.paths, lock, async (assertLockHeld) => {
      const base = await readStateForWrite(ctx);
      if (base.recovered) {
        await writeStateAtomically(ctx.paths, serializeState(base.positions.values()), {
          backupCurrent: false,
          beforeCommit: assertLockHeld,
          logger: ctx.logger,
        });
      }
      return base.positions;
    });
  } catch (error) {
    ctx.logger.warn(
      { file, reason: read.reason, error: describeSystemError(error) },
      `${file} is unusable (${read.reason}) and could not be repaired ` +
        `(${describeSystemError(error)}); it is left in place and the backup is used in memory only`,
    );
    return readBackup(ctx);
  }
}
