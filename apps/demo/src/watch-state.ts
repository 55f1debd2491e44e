import { createHash, type Hash } from "node:crypto";
import type { IncrementalLogReader, ReadResult } from "@agentwatch/log-reader";
import { visibleText } from "@agentwatch/term-ui";

/** How many polls an event (rotated, truncated…) stays visible in the table. */
const EVENT_POLLS = 4;

/** What the demo knows about one watched log. */
export interface WatchedLog {
  readonly instanceId: string;
  readonly logPath: string;
  linesThisPoll: number;
  /** The lines of the latest read (what `--once` prints). */
  latestLines: readonly string[];
  totalLines: number;
  bytesBehind: number;
  hasMore: boolean;
  lastLine: string;
  pendingPartial: string | null;
  error: string | null;
  rotations: number;
  truncations: number;
  /** Lines and line bytes delivered this run, and a running hash of them, for the loss check. */
  linesRead: number;
  bytesRead: number;
  readonly digest: Hash;
  /** Recent events with the poll they happened in. */
  events: { text: string; poll: number }[];
}

/** A new, empty record for a log. */
export function watchedLog(instanceId: string, logPath: string): WatchedLog {
  return {
    instanceId,
    logPath,
    linesThisPoll: 0,
    latestLines: [],
    totalLines: 0,
    bytesBehind: 0,
    hasMore: false,
    lastLine: "",
    pendingPartial: null,
    error: null,
    rotations: 0,
    truncations: 0,
    linesRead: 0,
    bytesRead: 0,
    digest: createHash("sha256"),
    events: [],
  };
}

/** Folds one read into the record. */
export function applyRead(log: WatchedLog, result: ReadResult, poll: number): void {
  log.linesThisPoll = result.lines.length;
  log.latestLines = result.lines;
  log.totalLines = result.totalLines;
  log.bytesBehind = result.bytesBehind;
  log.hasMore = result.hasMore;
  log.pendingPartial = result.pendingPartial;
  log.error = result.error === null ? null : `${result.error.code}: ${result.error.message}`;
  for (const line of result.lines) {
    log.digest.update(line).update("\n");
    log.bytesRead += Buffer.byteLength(line) + 1;
  }
  log.linesRead += result.lines.length;
  for (let i = result.lines.length - 1; i >= 0; i--) {
    const text = visibleText(result.lines[i]!);
    if (text !== "") {
      log.lastLine = text;
      break;
    }
  }
  if (result.rotated) {
    log.rotations++;
    log.events.push({ text: "rotated", poll });
  }
  if (result.truncated) {
    log.truncations++;
    log.events.push({ text: "truncated", poll });
  }
  if (result.error !== null) log.events.push({ text: `error ${result.error.code}`, poll });
  log.events = log.events.filter((event) => poll - event.poll < EVENT_POLLS);
}

/** The events to show for a log now: recent ones, plus its lasting conditions. */
export function currentEvents(log: WatchedLog): string[] {
  const events = [...new Set(log.events.map((event) => event.text))];
  if (log.pendingPartial !== null) events.push("partial line pending");
  if (log.hasMore) events.push("catching up");
  return events;
}

/** Reads every log once, at most `concurrency` at a time. */
export async function pollAll(
  reader: IncrementalLogReader,
  logs: readonly WatchedLog[],
  poll: number,
  concurrency = 8,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < logs.length) {
      const log = logs[next++]!;
      applyRead(log, await reader.readNewContent(log.instanceId, log.logPath), poll);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, logs.length) }, worker));
}
