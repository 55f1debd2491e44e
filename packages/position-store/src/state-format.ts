import {
  type LogPosition,
  ValidationError,
  parseLogPosition,
  positionKey,
} from "@agentwatch/models";

/**
 * A copy of `position` with the seed's field order and no undefined optional fields: the form the
 * tracker stores, compares and writes.
 */
export function canonicalPosition(position: LogPosition): LogPosition {
  const canonical: LogPosition = {
    instance_id: position.instance_id,
    log_type: position.log_type,
    file_path: position.file_path,
    last_byte_offset: position.last_byte_offset,
    last_line_number: position.last_line_number,
    last_read_timestamp: position.last_read_timestamp,
    checksum: position.checksum,
  };
  if (position.device !== undefined) canonical.device = position.device;
  if (position.inode !== undefined) canonical.inode = position.inode;
  return canonical;
}

/**
 * The text of `monitor_positions.json`: an object keyed `"<instance_id>:<log_type>"`, keys sorted,
 * indented by two spaces like the Python implementation's `json.dump(..., indent=2)`.
 */
export function serializeState(positions: Iterable<LogPosition>): string {
  const entries = [...positions].map((p) => [positionKey(p.instance_id, p.log_type), p] as const);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Object.fromEntries defines own properties, so no key can reach the prototype.
  return `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`;
}

/** Something wrong with one entry of a state file that was otherwise usable. */
export interface EntryProblem {
  /** The key the entry was stored under. */
  readonly key: string;
  /** What was wrong and what was done about it. */
  readonly message: string;
  /** The entry as stored, as JSON text cut to 500 characters, so a dropped one can be found. */
  readonly stored?: string | undefined;
}

function storedText(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** The outcome of reading the text of a state file. */
export type ParsedState =
  | {
      readonly ok: true;
      /** The valid positions, keyed by the key rebuilt from their fields. */
      readonly positions: Map<string, LogPosition>;
      /** Entries that were dropped or moved to their rebuilt key. */
      readonly problems: readonly EntryProblem[];
    }
  | { readonly ok: false; /** Why the file as a whole is unusable. */ readonly reason: string };

function entryReason(error: unknown): string {
  if (error instanceof ValidationError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads the text of a state file. The file as a whole is unusable when it is not JSON, not an
 * object, or has entries of which none is valid; otherwise invalid entries are dropped and listed
 * in `problems`. Keys are rebuilt from each entry's `instance_id` and `log_type`, never split.
 */
export function parseStateText(text: string): ParsedState {
  let data: unknown;
  try {
    data = JSON.parse(text.startsWith("\uFEFF") ? text.slice(1) : text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON (${entryReason(error)})` };
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    const kind = data === null ? "null" : Array.isArray(data) ? "an array" : typeof data;
    return { ok: false, reason: `expected a JSON object of positions, got ${kind}` };
  }
  const entries = Object.entries(data as Record<string, unknown>);
  const positions = new Map<string, LogPosition>();
  const storedUnder = new Map<string, string>();
  const problems: EntryProblem[] = [];
  for (const [key, value] of entries) {
    let position: LogPosition;
    try {
      position = canonicalPosition(parseLogPosition(value));
    } catch (error) {
      problems.push({ key, message: `dropped: ${entryReason(error)}`, stored: storedText(value) });
      continue;
    }
    const rebuilt = positionKey(position.instance_id, position.log_type);
    const holder = storedUnder.get(rebuilt);
    if (holder !== undefined) {
      // Two entries with the same fields-derived key: the one stored under that very key wins.
      if (holder === rebuilt || key !== rebuilt) {
        problems.push({
          key,
          message: `dropped: the entry under ${JSON.stringify(holder)} holds the same position key`,
        });
        continue;
      }
      problems.push({
        key: holder,
        message: `dropped: the entry under ${JSON.stringify(key)} holds the same position key`,
      });
    }
    positions.set(rebuilt, position);
    storedUnder.set(rebuilt, key);
  }
  for (const [rebuilt, key] of storedUnder) {
    if (key !== rebuilt) {
      problems.push({
        key,
        message: `its fields give key ${JSON.stringify(rebuilt)}; kept under that key`,
      });
    }
  }
  if (entries.length > 0 && positions.size === 0) {
    return { ok: false, reason: `none of its ${entries.length} entries is a valid LogPosition` };
  }
  return { ok: true, positions, problems };
}
