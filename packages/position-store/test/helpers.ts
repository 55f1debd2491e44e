import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32 } from "node:zlib";
import type { LogPosition, Logger } from "@agentwatch/models";
import { type NodeChild, startNode, testChild, waitFor } from "@agentwatch/test-kit";
import { afterEach } from "vitest";

/** The package directory (children run with it as cwd). */
export const PACKAGE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

const created: string[] = [];

/** A fresh temp directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "position-store-"));
  created.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A valid position for `instanceId`/`logType`, with `overrides` applied. */
export function position(
  instanceId = "agent-1",
  logType = "tmux_output",
  overrides: Partial<LogPosition> = {},
): LogPosition {
  return {
    instance_id: instanceId,
    log_type: logType,
    file_path: `/tmp/madrox_logs/instances/${instanceId}/${logType}.log`,
    last_byte_offset: 1024,
    last_line_number: 12,
    last_read_timestamp: "2025-01-15T10:30:00.123456",
    checksum: "d41d8cd98f00b204e9800998ecf8427e",
    ...overrides,
  };
}

/** One call to a recording logger. */
export interface LogEntry {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly fields: unknown;
  readonly message: string;
}

/** A logger that records every call, and its records. */
export function recordingLogger(): {
  logger: Logger;
  entries: LogEntry[];
  warnings: () => string[];
} {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry["level"]) =>
    (fieldsOrMessage: unknown, message?: string): void => {
      const text = typeof fieldsOrMessage === "string" ? fieldsOrMessage : (message ?? "");
      entries.push({ level, fields: fieldsOrMessage, message: text });
    };
  const logger: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
  const warnings = () => entries.filter((e) => e.level === "warn").map((e) => e.message);
  return { logger, entries, warnings };
}

/**
 * Resolves once the lock directory in `dir` is gone: a tracker keeps the lock for a few ms after
 * a write (in case another follows), then releases it.
 */
export async function lockReleased(dir: string): Promise<void> {
  const lockDir = join(dir, "monitor_positions.json.lock");
  await waitFor(
    () =>
      stat(lockDir).then(
        () => false,
        () => true,
      ),
    { what: `${lockDir} to be released`, timeoutMs: 5_000, everyMs: 5 },
  );
}

/** The parsed JSON of the state file in `dir` alone (what the Python implementation reads). */
export async function readSnapshotJson(dir: string): Promise<Record<string, LogPosition>> {
  return JSON.parse(await readFile(join(dir, "monitor_positions.json"), "utf8")) as Record<
    string,
    LogPosition
  >;
}

/**
 * The durable state in `dir`, as any process would load it: the state file with the records of
 * its journal applied. Written here independently of the package's code (the journal format is
 * `<crc32 hex> <json>` lines: a header naming the state file it continues, then records), so the
 * tests check the files themselves.
 */
export async function readStateJson(dir: string): Promise<Record<string, LogPosition>> {
  const file = join(dir, "monitor_positions.json");
  let state: Record<string, LogPosition> = {};
  let identity: string | null = null;
  try {
    const info = await stat(file, { bigint: true });
    identity = `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}`;
    state = JSON.parse(await readFile(file, "utf8")) as Record<string, LogPosition>;
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
  }
  const journal = await readFile(`${file}.journal`, "utf8").catch(() => "");
  const lines = journal.split("\n").slice(0, -1); // the last piece is unfinished (or empty)
  for (const [n, line] of lines.entries()) {
    const match = /^([0-9a-f]{8}) (.*)$/s.exec(line);
    if (
      match === null ||
      crc32(match[2] ?? "")
        .toString(16)
        .padStart(8, "0") !== match[1]
    )
      break;
    const value = JSON.parse(match[2] ?? "null") as {
      base?: string | null;
      set?: LogPosition[];
      del?: [string, string][];
    };
    if (n === 0) {
      if (value.base !== identity) break; // a journal of an earlier state file: not applied
      continue;
    }
    for (const p of value.set ?? []) state[`${p.instance_id}:${p.log_type}`] = p;
    for (const [instanceId, logType] of value.del ?? []) delete state[`${instanceId}:${logType}`];
  }
  return state;
}

const children: NodeChild[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.stop()));
});

/**
 * Starts `test/children/<script>` (e.g. "kill-loop.ts") as a real separate Node.js process: its
 * JavaScript, compiled by test/global-setup.ts, running this package's built code. Stopped (killed)
 * after the test if it is still running.
 */
export function startChild(script: string, args: readonly string[]): NodeChild {
  const child = startNode(testChild(new URL(`./children/${script}`, import.meta.url)), args, {
    cwd: PACKAGE_DIR,
    stdin: "pipe",
  });
  children.push(child);
  return child;
}
