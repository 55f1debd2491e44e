import type { LogPosition } from "@agentwatch/models";
import { matchesSaved } from "./fingerprint.js";
import type { OpenedLog } from "./open-log.js";
import { type SiblingSearch, findCopy, findRenamed } from "./rotated-siblings.js";

/** Why a segment restarts the line count at byte 0. */
export type RestartReason = "rotated" | "truncated";

/** One file to read in a call, from `start`, in order. */
export interface Segment {
  readonly file: OpenedLog;
  readonly start: number;
  /** Lines consumed from this file before `start`. */
  readonly line: number;
  /** Set on a file read from byte 0 because the saved one was replaced; null otherwise. */
  readonly restart: RestartReason | null;
}

/**
 * Decides what a read consumes, in order: the saved file's unread rest when it was rotated
 * away (renamed, or copied by copytruncate) and is still beside the log, then the current file.
 *
 * `opened` collects every extra file opened, for the caller to close.
 */
export async function planRead(
  search: SiblingSearch,
  saved: LogPosition | undefined,
  current: OpenedLog,
  opened: OpenedLog[],
): Promise<Segment[]> {
  if (saved === undefined) return [{ file: current, start: 0, line: 0, restart: null }];
  const { logger, fingerprintBytes } = search;
  const offset = saved.last_byte_offset;
  const fresh = (restart: RestartReason): Segment => ({
    file: current,
    start: 0,
    line: 0,
    restart,
  });
  const drain = (file: OpenedLog): Segment => ({
    file,
    start: offset,
    line: saved.last_line_number,
    restart: null,
  });
  const hasIdentity = saved.device !== undefined && saved.inode !== undefined;
  const sameIdentity =
    hasIdentity && saved.device === current.device && saved.inode === current.inode;

  if (hasIdentity && !sameIdentity) {
    const renamed = await findRenamed(search, saved);
    if (renamed !== null) opened.push(renamed);
    if (
      renamed !== null &&
      renamed.size >= offset &&
      matchesSaved(renamed.head, saved, fingerprintBytes)
    ) {
      if (renamed.size > offset) {
        logger.info(
          { path: search.logPath, from: renamed.path, offset },
          "log rotated; draining the renamed file first",
        );
      }
      return [drain(renamed), fresh("rotated")];
    }
    logger.info(
      { path: search.logPath, offset },
      "log rotated; reading the new file from its start",
    );
    return [fresh("rotated")];
  }

  const shorter = current.size < offset;
  if (!shorter && matchesSaved(current.head, saved, fingerprintBytes)) {
    return [{ file: current, start: offset, line: saved.last_line_number, restart: null }];
  }
  // Same file cut or rewritten in place; without identity (a Python position) a changed start means a new file.
  const reason: RestartReason = shorter || sameIdentity ? "truncated" : "rotated";
  const copy = offset > 0 ? await findCopy(search, saved, current) : null;
  if (copy !== null) {
    opened.push(copy);
    logger.info(
      { path: search.logPath, from: copy.path, offset },
      `log ${reason}; draining its copy first`,
    );
    return [drain(copy), fresh(reason)];
  }
  logger.info(
    { path: search.logPath, offset, size: current.size },
    `log ${reason}; reading it again from its start`,
  );
  return [fresh(reason)];
}
