import type { LogPosition } from "@agentwatch/models";
import { PositionReadError } from "./errors.js";
import {
  type DiskState,
  type DiskView,
  applyRecords,
  compact,
  readDiskLocked,
  readDiskUnlocked,
  readJournal,
  resetJournal,
} from "./journal.js";
import { type LoaderContext, readBackup, readStateFile } from "./state-loader.js";
import type { StateLock } from "./state-lock.js";
import { describeSystemError } from "./system-error.js";

/** The state a tracker starts from, and what it knows of the files (null: read them again). */
export interface LoadedState {
  readonly positions: Map<string, LogPosition>;
  readonly view: DiskView | null;
}

function pathOf(error: unknown, fallback: string): string {
  const path = (error as { path?: unknown } | null)?.path;
  return typeof path === "string" ? path : fallback;
}

/**
 * Loads the positions for `open()` and `refresh()`: the state file and the journal on top of it.
 * A missing file is empty. Anything that needs a repair (a corrupt state file, a damaged journal,
 * a journal that does not continue the state file) is read again and repaired under the lock: a
 * corrupt file is kept as `.corrupt-<timestamp>` and replaced by the `.bak` (or an empty state).
 * If that is impossible (read-only directory), the best state is used in memory only. Never throws
 * because of file content.
 *
 * @throws {PositionReadError} when a state file exists but cannot be read.
 */
export async function loadState(ctx: LoaderContext, lock: StateLock): Promise<LoadedState> {
  const { file } = ctx.paths;
  let unlocked: DiskState | null;
  try {
    unlocked = await readDiskUnlocked(ctx);
  } catch (error) {
    throw new PositionReadError(pathOf(error, file), error);
  }
  if (unlocked !== null) return unlocked;
  try {
    return await lock.run(async ({ assertLockHeld }) => {
      await ctx.stateDir.assertSame();
      const read = await readDiskLocked(ctx);
      if (read.repair === "none") return read;
      try {
        const view =
          read.repair === "compact"
            ? await compact(ctx, read.positions, {
                backupCurrent: read.view.snapshotValid,
                lastSeq: read.view.lastSeq,
                assertLockHeld,
              })
            : await resetJournal(
                ctx,
                read.view.snapshot,
                read.view.snapshotValid,
                read.view.lastSeq,
                assertLockHeld,
              );
        return { positions: read.positions, view };
      } catch (error) {
        ctx.logger.warn(
          { file, error: describeSystemError(error) },
          `${file} could not be repaired (${describeSystemError(error)}); the state read is used ` +
            "in memory and the next write tries again",
        );
        return { positions: read.positions, view: null };
      }
    });
  } catch (error) {
    ctx.logger.warn(
      { file, error: describeSystemError(error) },
      `${file} needs a repair and could not be repaired (${describeSystemError(error)}); it is ` +
        "left in place and the state read from it, its .bak and its journal is used in memory only",
    );
    return { positions: await readBestEffort(ctx), view: null };
  }
}

/**
 * The best state that can be read without writing anything: the state file (or its `.bak` when
 * it is corrupt) and the intact records of a journal that continues it.
 */
async function readBestEffort(ctx: LoaderContext): Promise<Map<string, LogPosition>> {
  const snapshot = await readStateFile(ctx.paths.file).catch(() => null);
  const positions: Map<string, LogPosition> =
    snapshot?.kind === "valid"
      ? snapshot.positions
      : snapshot?.kind === "missing"
        ? new Map<string, LogPosition>()
        : await readBackup(ctx);
  const journal = await readJournal(ctx.paths.journal).catch(() => null);
  // A corrupt state file's journal still holds the newest positions of its keys.
  const continues =
    snapshot === null ||
    snapshot.kind === "corrupt" ||
    journal?.parsed.header?.base === snapshot.identity;
  if (journal?.parsed.header != null && continues) {
    applyRecords(positions, journal.parsed.records);
  }
  return positions;
}
