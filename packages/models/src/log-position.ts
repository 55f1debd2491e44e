import { z } from "zod";
import { isoDateTimeSchema, nonNegativeSafeIntegerSchema } from "./common-schemas.js";
import { validateWith } from "./validate.js";

const decimalStringSchema = z
  .string()
  .regex(/^\d+$/, { error: 'expected a decimal string such as "2049"' });

/**
 * The zod schema of a `LogPosition`, in the seed's snake_case on-disk format.
 *
 * Unknown fields are dropped, so files written by newer versions still load.
 */
export const logPositionSchema = z.object({
  instance_id: z.string({ error: "expected a string" }),
  log_type: z.string({ error: "expected a string" }),
  file_path: z.string({ error: "expected a string" }),
  last_byte_offset: nonNegativeSafeIntegerSchema,
  last_line_number: nonNegativeSafeIntegerSchema,
  last_read_timestamp: isoDateTimeSchema,
  checksum: z.string().regex(/^[0-9a-fA-F]+$/, { error: "expected a hex digest" }),
  device: decimalStringSchema.optional(),
  inode: decimalStringSchema.optional(),
});

/**
 * Where reading of one agent's log stopped: the durable state behind incremental reading.
 *
 * `device` and `inode` are decimal strings because inodes can exceed 2^53.
 */
export interface LogPosition {
  /** The agent instance whose log this is. */
  instance_id: string;
  /** Which of the agent's logs, such as `tmux_output`. */
  log_type: string;
  /** The path the log was read from. */
  file_path: string;
  /** Bytes consumed from the start of the file. */
  last_byte_offset: number;
  /** Lines consumed from the start of the file. */
  last_line_number: number;
  /** When the position last moved, ISO 8601. */
  last_read_timestamp: string;
  /** Hex md5 of the file's first bytes, to recognise the same file again. */
  checksum: string;
  /** The file's device number, a decimal string. */
  device?: string | undefined;
  /** The file's inode number, a decimal string. */
  inode?: string | undefined;
}

/**
 * Validates a LogPosition given as an object or as JSON text.
 *
 * @throws {ValidationError} naming the offending field and value.
 * @example
 * const position = parseLogPosition(await readFile(path, "utf8"));
 */
export function parseLogPosition(json: unknown): LogPosition {
  return validateWith(logPositionSchema, "LogPosition", json);
}

/** The key of a position in `monitor_positions.json`: `"<instance_id>:<log_type>"`. */
export function positionKey(instanceId: string, logType: string): string {
  return `${instanceId}:${logType}`;
}

/**
 * Whether two positions are the same record, field by field (hex checksums compared without
 * regard to case; two absent positions count as the same).
 */
export function sameLogPosition(a: LogPosition | undefined, b: LogPosition | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.instance_id === b.instance_id &&
    a.log_type === b.log_type &&
    a.file_path === b.file_path &&
    a.last_byte_offset === b.last_byte_offset &&
    a.last_line_number === b.last_line_number &&
    a.last_read_timestamp === b.last_read_timestamp &&
    a.checksum.toLowerCase() === b.checksum.toLowerCase() &&
    (a.device ?? undefined) === (b.device ?? undefined) &&
    (a.inode ?? undefined) === (b.inode ?? undefined)
  );
}
