import { join } from "node:path";
import type { AgentSummary, Logger } from "@agentwatch/models";
import { readFailure } from "./errors.js";
import { historyFileName, rotatedIndexes } from "./history-files.js";
import { readLinesBackward } from "./reverse-lines.js";
import { decodeSummary } from "./summary-codec.js";

/** What `readHistory` reads and returns. */
export interface HistoryRead {
  /** The agent whose history it is: every summary read must carry this `instance_id`. */
  readonly instanceId: string;
  /** The agent's directory. */
  readonly dir: string;
  /** At most this many summaries. */
  readonly limit: number;
  /** Stop at the first summary stamped before this instant (epoch ms), if given. */
  readonly sinceMs: number | undefined;
  /** Lines longer than this are skipped unread. */
  readonly maxLineBytes: number;
  readonly logger: Logger;
}

/**
 * Reads one agent's history, newest first: the current file, then the rotated ones by ascending
 * index, each backwards from its end. Stops after `limit` summaries or at the first one stamped
 * before `sinceMs`. Invalid lines and summaries of another agent are skipped with a warning, a
 * torn last line (no `\n` after it) with a debug message, and lines longer than `maxLineBytes`
 * unread, with one warning per file that counts them. No message quotes what a file holds.
 *
 * @throws {SummaryReadError} when a history file or the directory exists but cannot be read.
 * @throws {UnsafePathError} when a history file is a symbolic link.
 */
export async function readHistory(read: HistoryRead): Promise<AgentSummary[]> {
  const { instanceId, dir, limit, sinceMs, maxLineBytes, logger } = read;
  const result: AgentSummary[] = [];
  let indexes: number[];
  try {
    indexes = [0, ...(await rotatedIndexes(dir))];
  } catch (error) {
    throw readFailure(dir, error);
  }
  for (const index of indexes) {
    const path = join(dir, historyFileName(index));
    let skippedLines = 0;
    let longestSkipped = 0;
    try {
      for await (const line of readLinesBackward(path, { maxLineBytes })) {
        if (!("text" in line)) {
          skippedLines++;
          longestSkipped = Math.max(longestSkipped, line.skippedBytes);
          continue;
        }
        const decoded = decodeSummary(line.text);
        if (!decoded.ok) {
          if (line.terminated) {
            logger.warn(
              { path, reason: decoded.reason },
              `skipped an invalid line of ${path}: ${decoded.reason}`,
            );
          } else {
            logger.debug({ path }, `skipped the torn last line of ${path}`);
          }
          continue;
        }
        if (decoded.summary.instance_id !== instanceId) {
          logger.warn(
            { path, instanceId },
            `skipped a line of ${path}: its instance_id does not match the directory's, ${instanceId}`,
          );
          continue;
        }
        if (sinceMs !== undefined && Date.parse(decoded.summary.timestamp) < sinceMs) {
          return result;
        }
        result.push(decoded.summary);
        if (result.length >= limit) return result;
      }
    } catch (error) {
      throw readFailure(path, error);
    } finally {
      if (skippedLines > 0) {
        logger.warn(
          { path, skippedLines, longestBytes: longestSkipped, maxLineBytes },
          `skipped ${skippedLines} ${skippedLines === 1 ? "line" : "lines"} of ${path} longer than maxLineBytes (${maxLineBytes} bytes, the longest ${longestSkipped} bytes); summaries are a few KiB, so these are not summaries`,
        );
      }
    }
  }
  return result;
}
