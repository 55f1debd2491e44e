import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32 } from "node:zlib";
import type { LogPosition, Logger } from "@agentwatch/models";
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
  for (let wait = 0; wait < 500; wait++) {
    const held = await stat(lockDir).then(
      () => true,
      () => false,
    );
    if (!held) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${lockDir} is still there after 2.5 s`);
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

/** Starts `test/children/<script>` with tsx, as a real separate Node.js process. */
export function spawnChild(script: string, args: readonly string[]): ChildProcess {
  return spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=@agentwatch/source",
      join("test", "children", script),
      ...args,
    ],
    { cwd: PACKAGE_DIR, stdio: ["pipe", "pipe", "pipe"] },
  );
}

/** Collects a child's stdout lines and stderr text; `exited` settles when its streams close. */
export function watchChild(child: ChildProcess): {
  lines: string[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLine: (predicate: (line: string) => boolean) => Promise<string>;
} {
  const lines: string[] = [];
  let partial = "";
  let errText = "";
  const waiters: { predicate: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.splice(0)) {
        if (waiter.predicate(line)) waiter.resolve(line);
        else waiters.push(waiter);
      }
    }
  });
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => (errText += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  const waitForLine = (predicate: (line: string) => boolean) => {
    const found = lines.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<string>((resolve, reject) => {
      waiters.push({ predicate, resolve });
      void exited.then(({ code, signal }) =>
        reject(new Error(`child exited (${code ?? signal}) before the line came:\n${errText}`)),
      );
    });
  };
  return { lines, stderr: () => errText, exited, waitForLine };
}
