import { readFileSync } from "node:fs";
import { analyzeActivity, cleanTerminalOutput, type ActivityAnalysis } from "@agentwatch/activity";
import type { Logger } from "@agentwatch/models";
import type { JudgeInput } from "../../src/index.js";

const FIXTURES = new URL("../../../activity/test/fixtures/", import.meta.url);

/** Splits text as IncrementalLogReader does: on `\n`, one trailing `\r` removed, no empty last line. */
export function splitLines(text: string): string[] {
  const parts = text.split("\n");
  if (parts[parts.length - 1] === "") parts.pop();
  return parts.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

/** A fixture log of `@agentwatch/activity` and the times its expectation was measured at. */
export interface Fixture {
  readonly lines: string[];
  readonly now: Date;
  readonly lastOutputAt: Date | null;
  readonly activity: ActivityAnalysis;
}

/** Reads `packages/activity/test/fixtures/<name>.log` and analyzes it as its expectation says. */
export function fixture(name: string): Fixture {
  const lines = splitLines(readFileSync(new URL(`${name}.log`, FIXTURES), "utf8"));
  const expected = JSON.parse(readFileSync(new URL(`${name}.expected.json`, FIXTURES), "utf8")) as {
    now: string;
    last_output_at: string | null;
  };
  const now = new Date(expected.now);
  const lastOutputAt = expected.last_output_at ? new Date(expected.last_output_at) : null;
  return { lines, now, lastOutputAt, activity: analyzeActivity(lines, { now, lastOutputAt }) };
}

/** A JudgeInput for `lines`, as the generator would build it. */
export function judgeInput(
  lines: string[],
  options: { task?: string | null; now?: Date; activity?: ActivityAnalysis } = {},
): JudgeInput {
  const now = options.now ?? new Date("2026-01-15T10:30:00Z");
  return {
    instanceId: "agent-123",
    instanceName: "backend-dev",
    role: "backend_developer",
    assignedTask: options.task === undefined ? "Implement JWT authentication" : options.task,
    parentInstanceId: "orchestrator-1",
    lines,
    cleanedLines: cleanTerminalOutput(lines).slice(-100),
    activity: options.activity ?? analyzeActivity(lines, { now, lastOutputAt: now }),
    previousSummary: null,
    now,
  };
}

/** One logged entry. */
export interface LogEntry {
  readonly level: keyof Logger;
  readonly fields: unknown;
  readonly message: string | undefined;
}

/** A logger that records what it is told. */
export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: keyof Logger) =>
    (fields: unknown, message?: string): void => {
      entries.push({ level, fields, message });
    };
  return { entries, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** A sleep that records its delays and returns at once. */
export function recordingSleep(): ((ms: number) => Promise<void>) & { delays: number[] } {
  const delays: number[] = [];
  const sleep = (ms: number) => {
    delays.push(ms);
    return Promise.resolve();
  };
  return Object.assign(sleep, { delays });
}
