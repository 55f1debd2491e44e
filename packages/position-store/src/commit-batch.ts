import type { LogPosition } from "@agentwatch/models";
import {
  type DiskView,
  type JournalAppender,
  compact,
  readDiskLocked,
  statOrNull,
  viewMatches,
} from "./journal.js";
import { encodeRecord } from "./journal-format.js";
import type { LoadedState } from "./load-state.js";
import { type LoaderContext, sweepTempFiles } from "./state-loader.js";
import type { AssertLockHeld, StateLock } from "./state-lock.js";
import type { Batch } from "./write-batch.js";

/** How the journal is kept. */
export interface JournalPolicy {
  /** Rewrite the state file instead of appending once the journal would grow past this. */
  readonly maxJournalBytes: number;
  readonly appender: JournalAppender;
}

/** The state after a write, and how it was written. */
export interface Written extends LoadedState {
  /** The state file was rewritten (and a new journal started) rather than appended to. */
  readonly compacted: boolean;
}

/** The record of a batch: positions set and (existing) keys removed. */
function changesOf(
  positions: ReadonlyMap<string, LogPosition>,
  batch: Batch,
): { set: LogPosition[]; del: [string, string][] } {
  const set: LogPosition[] = [];
  const del: [string, string][] = [];
  for (const [key, change] of batch.changes) {
    if (change !== null) {
      set.push(change);
      continue;
    }
    const removed = positions.get(key);
    if (removed !== undefined) del.push([removed.instance_id, removed.log_type]);
  }
  return { set, del };
}

/** Applies a batch to `positions` in place. */
function applyBatch(positions: Map<string, LogPosition>, batch: Batch): Map<string, LogPosition> {
  if (batch.clear) positions.clear();
  for (const [key, change] of batch.changes) {
    if (change === null) positions.delete(key);
    else positions.set(key, change);
  }
  return positions;
}

/** The state under the lock: what this tracker knows when nobody wrote since, else read again. */
async function currentState(
  ctx: LoaderContext,
  known: LoadedState,
  assertLockHeld: AssertLockHeld,
  fresh: boolean,
): Promise<{ positions: Map<string, LogPosition>; view: DiskView; repair: boolean }> {
  // The lock was kept since this tracker's last successful write: nobody else wrote since.
  if (!fresh && known.view !== null) {
    return { positions: known.positions, view: known.view, repair: false };
  }
  const [, snapshot, journal] = await Promise.all([
    assertLockHeld(),
    statOrNull(ctx.paths.file),
    statOrNull(ctx.paths.journal),
  ]);
  if (known.view !== null && viewMatches(known.view, snapshot, journal)) {
    return { positions: known.positions, view: known.view, repair: false };
  }
  const read = await readDiskLocked(ctx);
  await assertLockHeld(); // reading took a while: still ours before anything is written?
  return { positions: read.positions, view: read.view, repair: read.repair !== "none" };
}

/**
 * Writes one batch under the cross-process lock, which it keeps for the next write (see
 * `StateLock`). When the files are as this tracker last left them (the lock was kept since its last
 * write, or two `stat`s show them unchanged), the batch is appended to the journal as one record (O_DSYNC: on disk when the write
 * returns); otherwise they are read again first, so only this batch's changes (updates, removals,
 * a clear) go on top of what other processes wrote. A clear, a repair, or a journal grown past
 * `maxJournalBytes` rewrites the state file instead (see `compact`). Resolves to exactly what is
 * now on disk, others' positions included.
 *
 * @throws the system error or `PositionLockError` when the write did not happen.
 */
export function commitBatch(
  ctx: LoaderContext,
  lock: StateLock,
  known: LoadedState,
  batch: Batch,
  policy: JournalPolicy,
): Promise<Written> {
  return lock.run(async ({ assertLockHeld, fresh }) => {
    if (fresh) {
      await ctx.stateDir.assertSame();
      // Temp files are only made under the lock: any found on taking it were left by a dead writer.
      await sweepTempFiles(ctx);
    }
    const base = await currentState(ctx, known, assertLockHeld, fresh);
    const { view } = base;
    const { set, del } = changesOf(base.positions, batch);
    const record = encodeRecord({ seq: view.lastSeq + 1, set, del });
    const journal = view.journal;
    if (
      batch.clear ||
      base.repair ||
      !view.appendable ||
      journal === null ||
      (view.tornEnd ?? journal.size) + Buffer.byteLength(record) > policy.maxJournalBytes
    ) {
      const next = applyBatch(new Map(base.positions), batch);
      const written = await compact(ctx, next, {
        backupCurrent: view.snapshotValid,
        lastSeq: view.lastSeq,
        assertLockHeld,
      });
      return { positions: next, view: written, compacted: true };
    }
    const bytes = await policy.appender.append(
      ctx.paths.journal,
      journal.ino,
      record,
      view.tornEnd,
    );
    const after: DiskView = {
      ...view,
      journal: { ino: journal.ino, size: (view.tornEnd ?? journal.size) + bytes },
      lastSeq: view.lastSeq + 1,
      records: view.records + 1,
      tornEnd: null,
    };
    // Durable now: the tracker's map (or the one just read) becomes the new state in place.
    return { positions: applyBatch(base.positions, batch), view: after, compacted: false };
  }, true);
}

/**
 * Writes the journal into the state file under the lock (see `compact`), when it holds records or
 * needs a repair; otherwise writes nothing. Resolves to the state on disk and whether it wrote.
 *
 * @throws the system error or `PositionLockError` when the rewrite did not happen.
 */
export function compactState(
  ctx: LoaderContext,
  lock: StateLock,
  known: LoadedState,
): Promise<Written> {
  return lock.run(async ({ assertLockHeld, fresh }) => {
    if (fresh) await ctx.stateDir.assertSame();
    const base = await currentState(ctx, known, assertLockHeld, fresh);
    if (!base.repair && base.view.records === 0) {
      return { positions: base.positions, view: base.view, compacted: false };
    }
    const view = await compact(ctx, base.positions, {
      backupCurrent: base.view.snapshotValid,
      lastSeq: base.view.lastSeq,
      assertLockHeld,
    });
    return { positions: base.positions, view, compacted: true };
  });
}

/**
 * Writes the state back after the state directory was removed (or replaced) and created again:
 * every position in `held` (the tracker's memory), under what the directory holds now (written
 * since by another process, so newer), with `batch` (if any) on top, as a new state file and
 * journal. Keeps the lock like `commitBatch`.
 *
 * @throws the system error or `PositionLockError` when the write did not happen.
 */
export function restoreState(
  ctx: LoaderContext,
  lock: StateLock,
  held: ReadonlyMap<string, LogPosition>,
  batch: Batch | undefined,
): Promise<Written> {
  return lock.run(async ({ assertLockHeld }) => {
    await ctx.stateDir.assertSame();
    await sweepTempFiles(ctx);
    const disk = await readDiskLocked(ctx);
    const next = new Map(held);
    for (const [key, position] of disk.positions) next.set(key, position);
    if (batch !== undefined) applyBatch(next, batch);
    const view = await compact(ctx, next, {
      backupCurrent: disk.view.snapshotValid,
      lastSeq: disk.view.lastSeq,
      assertLockHeld,
    });
    return { positions: next, view, compacted: true };
  }, true);
}
