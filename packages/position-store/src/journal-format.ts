import { crc32 } from "node:zlib";
import { type LogPosition, parseLogPosition } from "@agentwatch/models";
import { canonicalPosition } from "./state-format.js";

/** The `journal` field of a journal's header line: what the file is. */
export const JOURNAL_KIND = "agentwatch.monitor_positions.journal";

/** The journal format this package writes and reads. */
export const JOURNAL_VERSION = 1;

/** The first line of a journal: which state file it continues. */
export interface JournalHeader {
  /**
   * The identity (see `snapshotIdentity`) of the `monitor_positions.json` the records apply on
   * top of, or null when there was none. A journal whose base is not the current state file was
   * already written into it, or the state file was replaced by another program: it is not applied.
   */
  readonly base: string | null;
  /** The sequence number of the record before this journal's first one. */
  readonly seq: number;
}

/** One committed write: positions set and keys removed, applied in that order. */
export interface JournalRecord {
  readonly seq: number;
  readonly set: readonly LogPosition[];
  /** `[instance_id, log_type]` of each removed position. */
  readonly del: readonly (readonly [string, string])[];
}

function frame(payload: string): string {
  const crc = crc32(payload).toString(16).padStart(8, "0");
  return `${crc} ${payload}\n`;
}

/** The header line of a journal. */
export function encodeHeader(header: JournalHeader): string {
  return frame(
    JSON.stringify({
      journal: JOURNAL_KIND,
      version: JOURNAL_VERSION,
      base: header.base,
      seq: header.seq,
    }),
  );
}

/** One record line: `<crc32 of the JSON, 8 hex digits> <JSON>\n`. */
export function encodeRecord(record: JournalRecord): string {
  return frame(JSON.stringify({ seq: record.seq, set: record.set, del: record.del }));
}

/** What reading a journal's bytes found. */
export interface ParsedJournal {
  /** The header, or null when the file holds no complete header line (empty or torn at birth). */
  readonly header: JournalHeader | null;
  /** The valid records after the header, in order. */
  readonly records: readonly JournalRecord[];
  /** The sequence number of the last valid record (the header's when there is none). */
  readonly lastSeq: number;
  /** The byte just after the last valid line: where the next record goes. */
  readonly validEnd: number;
  /**
   * Why the bytes after `validEnd` are not used, when they are not just an unfinished last line
   * (a write cut by a crash, which was never acknowledged): a damaged line, a sequence gap, an
   * unknown version. Null when the file is clean.
   */
  readonly problem: string | null;
}

const LINE = /^([0-9a-f]{8}) (.*)$/s;

function unframe(line: string): unknown {
  const match = LINE.exec(line);
  if (match === null) throw new Error("not a journal line (no checksum)");
  const [, crc, payload] = match as unknown as [string, string, string];
  if (crc32(payload).toString(16).padStart(8, "0") !== crc) throw new Error("checksum mismatch");
  return JSON.parse(payload) as unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function parseHeader(value: unknown): JournalHeader {
  if (!isObject(value) || value.journal !== JOURNAL_KIND) throw new Error("not a journal header");
  if (value.version !== JOURNAL_VERSION) {
    throw new Error(
      `journal version ${JSON.stringify(value.version)} is not ${JOURNAL_VERSION} (written by another agentwatch version)`,
    );
  }
  const { base, seq } = value;
  if (base !== null && typeof base !== "string") throw new Error("header base is not a string");
  if (!Number.isSafeInteger(seq) || (seq as number) < 0) throw new Error("header seq is invalid");
  return { base, seq: seq as number };
}

function parseRecord(value: unknown, expectedSeq: number): JournalRecord {
  if (!isObject(value)) throw new Error("record is not an object");
  if (value.seq !== expectedSeq) {
    throw new Error(`record seq ${JSON.stringify(value.seq)} where ${expectedSeq} was expected`);
  }
  const { set, del } = value;
  if (!Array.isArray(set) || !Array.isArray(del)) throw new Error("record lacks set or del");
  const positions = set.map((entry: unknown) => canonicalPosition(parseLogPosition(entry)));
  const removed = del.map((entry: unknown) => {
    if (
      !Array.isArray(entry) ||
      entry.length !== 2 ||
      typeof entry[0] !== "string" ||
      typeof entry[1] !== "string"
    ) {
      throw new Error("a removed key is not [instance_id, log_type]");
    }
    return [entry[0], entry[1]] as const;
  });
  return { seq: expectedSeq, set: positions, del: removed };
}

/**
 * Reads the bytes of a journal. Every complete line must carry a matching CRC-32 and follow the
 * previous one's sequence number; reading stops at the first that does not (`problem` says why).
 * An unfinished last line (no `\n`: a write cut by a crash, never acknowledged) is ignored silently.
 */
export function parseJournal(bytes: Buffer): ParsedJournal {
  let header: JournalHeader | null = null;
  const records: JournalRecord[] = [];
  let validEnd = 0;
  let lastSeq = 0;
  let from = 0;
  for (;;) {
    const newline = bytes.indexOf(0x0a, from);
    if (newline === -1) break; // an unfinished last line, or the end
    const line = bytes.toString("utf8", from, newline);
    try {
      const value = unframe(line);
      if (header === null) {
        header = parseHeader(value);
        lastSeq = header.seq;
      } else {
        records.push(parseRecord(value, lastSeq + 1));
        lastSeq += 1;
      }
    } catch (error) {
      const what = header === null ? "header" : `record ${records.length + 1}`;
      const problem = `${what} at byte ${from} is unusable: ${(error as Error).message}`;
      return { header, records, lastSeq, validEnd, problem };
    }
    from = newline + 1;
    validEnd = from;
  }
  return { header, records, lastSeq, validEnd, problem: null };
}
