import { join } from "node:path";
import type { AgentSummary, Logger } from "@agentwatch/models";
import { readFailure } from "./errors.js";
import { historyFileName, rotatedIndexes } from "./history-files.js";
import { readLinesBackward } from "./reverse-lines.js";
import { decodeSummary } from "./summary-codec.js";

/**
 * Reads one agent's history in `dir`, newest first: the current file, then the rotated ones by
 * ascending index, each backwards from its end. Stops after `limit` summaries or at the first one
 * stamped before `sinceMs`. Invalid lines are skipped with a warning, a torn last line (no `\n`
 * after it) with a debug message.
 *
 * @throws {SummaryReadError} when a history file or the directory exists but cannot be read.
 */
export async function readHistory(
  dir: string,
  limit: number,
  sinceMs: number | undefined,
  logger: Logger,
): Promise<AgentSummary[]> {
  const result: AgentSummary[] = [];
  let indexes: number[];
  try {
    indexes = [0, ...(await rotatedIndexes(dir))];
  } catch (error) {
    throw readFailure(dir, error);
  }
  for (const index of indexes) {
    const path = join(dir, historyFileName(index));
    try {
      for await (const line of readLinesBackward(path)) {
        const decoded = decodeSummary(line.text);
        if (!decoded.ok) {
          if (line.terminated) {
            logger.warn({ path, reason: decoded.reason }, `skipped an invalid line of ${path}`);
          } else {
            logger.debug({ path }, `skipped the torn last line of ${path}`);
          }
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
    }
  }
  return result;
}
