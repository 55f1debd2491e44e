import type { LogPosition } from "@agentwatch/models";
import { matchesSaved } from "./fingerprint.js";
import type { OpenedLog } from "./open-log.js";
import {
  type SiblingSearch,
  continuesIntoCurrent,
  findCopy,
  findRenamed,
} from "./rotated-siblings.js";

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
  /**
   * For a rotated-away file: whether an unterminated fragment it ends with is the start of the
   * next segment's first line (true unless another rotation came in between).
   */
  readonly joinsNext: boolean;
}

/**
 * A copytruncate copy and the file it was copied from (the one left at the log path), by device
 * and inode: kept in memory so that a drain of the copy spanning several reads still ends with
 * `truncated`, not `rotated`, when it reaches the truncated file.
 */
export interface CopyOrigin {
  readonly copy: string;
  readonly origin: string;
}

/** What a read consumes, and the copy it found, if any. */
export interface ReadPlan {
  readonly segments: Segment[];
  /** Set when this plan drains a copytruncate copy found by its checksum. */
  readonly copy: CopyOrigin | null;
}

const identityOf = (file: { device?: string | undefined; inode?: string | undefined }): string =>
  `${file.device ?? ""}:${file.inode ?? ""}`;

/**
 * Decides what a read consumes, in order: the saved file's unread rest when it was rotated
 * away (renamed, or copied by copytruncate) and is still beside the log, then the current file.
 * `known` is the copy an earlier read of this log found, if any.
 *
 * `opened` collects every extra file opened, for the caller to close.
 */
export async function planRead(
  search: SiblingSearch,
  saved: LogPosition | undefined,
  current: OpenedLog,
  opened: OpenedLog[],
  known?: CopyOrigin,
): Promise<ReadPlan> {
  const plan = (segments: Segment[], copy: CopyOrigin | null = null): ReadPlan => ({
    segments,
    copy,
  });
  if (saved === undefined) {
    return plan([{ file: current, start: 0, line: 0, restart: null, joinsNext: false }]);
  }
  const { logger, fingerprintBytes } = search;
  const offset = saved.last_byte_offset;
  const fresh = (restart: RestartReason): Segment => ({
    file: current,
    start: 0,
    line: 0,
    restart,
    joinsNext: false,
  });
  const drain = async (file: OpenedLog): Promise<Segment> => ({
    file,
    start: offset,
    line: saved.last_line_number,
    restart: null,
    joinsNext: await continuesIntoCurrent(search, file, offset),
  });
  const hasIdentity = saved.device !== undefined && saved.inode !== undefined;
  const sameIdentity =
    hasIdentity && saved.device === current.device && saved.inode === current.inode;

  if (hasIdentity && !sameIdentity) {
    // The saved file is a copy whose original is still at the path: a copytruncate being drained.
    const reason: RestartReason =
      known !== undefined &&
      known.copy === identityOf(saved) &&
      known.origin === identityOf(current)
        ? "truncated"
        : "rotated";
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
          `log ${reason}; draining the ${reason === "rotated" ? "renamed file" : "copy"} first`,
        );
      }
      return plan([await drain(renamed), fresh(reason)]);
    }
    logger.info(
      { path: search.logPath, offset },
      `log ${reason}; reading the ${reason === "rotated" ? "new file" : "file"} from its start`,
    );
    return plan([fresh(reason)]);
  }

  const shorter = current.size < offset;
  if (!shorter && matchesSaved(current.head, saved, fingerprintBytes)) {
    return plan([
      {
        file: current,
        start: offset,
        line: saved.last_line_number,
        restart: null,
        joinsNext: false,
      },
    ]);
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
    return plan([await drain(copy), fresh(reason)], {
      copy: identityOf(copy),
      origin: identityOf(current),
    });
  }
  logger.info(
    { path: search.logPath, offset, size: current.size },
    `log ${reason}; reading it again from its start`,
  );
  return plan([fresh(reason)]);
}
