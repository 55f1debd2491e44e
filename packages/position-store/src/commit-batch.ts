import type { LogPosition } from "@agentwatch/models";
import { writeStateAtomically } from "./durable-fs.js";
import { serializeState } from "./state-format.js";
import { type LoaderContext, readStateForWrite, sweepTempFiles } from "./state-loader.js";
import { type StateLockOptions, withStateLock } from "./state-lock.js";
import type { Batch } from "./write-batch.js";

/**
 * Writes one batch: under the cross-process lock, re-reads the state file, applies only this
 * batch's changes (updates, removals, a clear) on top of it, and replaces the file atomically,
 * keeping the old one as `.bak`. Resolves to exactly what was written, others' positions included.
 *
 * @throws the system error or `PositionLockError` when the write did not happen.
 */
export function commitBatch(
  ctx: LoaderContext,
  lock: StateLockOptions,
  batch: Batch,
  sweep: boolean,
): Promise<Map<string, LogPosition>> {
  return withStateLock(ctx.paths, lock, async (assertLockHeld) => {
    if (sweep) await sweepTempFiles(ctx);
    const base = await readStateForWrite(ctx);
    const next = batch.clear ? new Map<string, LogPosition>() : new Map(base.positions);
    for (const [key, change] of batch.changes) {
      if (change === null) next.delete(key);
      else next.set(key, change);
    }
    await writeStateAtomically(ctx.paths, serializeState(next.values()), {
      backupCurrent: base.mainValid,
      beforeCommit: assertLockHeld,
      logger: ctx.logger,
    });
    return next;
  });
}
