import { MAX_TIMER_SECONDS, type MonitoringConfig } from "@agentwatch/config";
import { InvalidOptionError } from "./errors.js";

/** The configuration fields the service itself uses (a whole `MonitoringConfig` will do). */
export type MonitorSettings = Pick<
  MonitoringConfig,
  "poll_interval_seconds" | "error_backoff_seconds" | "agent_concurrency" | "exited_grace_seconds"
> &
  Partial<Pick<MonitoringConfig, "catch_up_bytes" | "catch_up_lines" | "stall_seconds">>;

/** The settings with every default applied. */
export type CheckedSettings = Required<MonitorSettings>;

/** A log first met with more bytes than this is read from its last lines, by default. */
export const DEFAULT_CATCH_UP_BYTES = 262_144;
/** Seconds an agent may be busy and silent before it is summarized again as stalled, by default. */
export const DEFAULT_STALL_SECONDS = 300;
/** How many last lines such a log is read from, by default. */
export const DEFAULT_CATCH_UP_LINES = 200;

function check(name: string, value: unknown, ok: (n: number) => boolean, expected: string): void {
  if (typeof value !== "number" || !ok(value)) {
    throw new InvalidOptionError(
      `invalid ${name}: expected ${expected} (got ${JSON.stringify(value) ?? String(value)})`,
      name,
    );
  }
}

/**
 * The settings, checked.
 *
 * @throws {InvalidOptionError} naming the first field out of range.
 */
export function checkSettings(config: MonitorSettings): CheckedSettings {
  if (typeof config !== "object" || config === null) {
    throw new InvalidOptionError("invalid config: expected a MonitoringConfig object", "config");
  }
  const positive = (n: number) => Number.isFinite(n) && n > 0;
  check(
    "poll_interval_seconds",
    config.poll_interval_seconds,
    (n) => positive(n) && n <= MAX_TIMER_SECONDS,
    `a positive number of seconds, at most ${MAX_TIMER_SECONDS} (the longest a timer can wait)`,
  );
  check(
    "error_backoff_seconds",
    config.error_backoff_seconds,
    positive,
    "a positive number of seconds",
  );
  check(
    "agent_concurrency",
    config.agent_concurrency,
    (n) => Number.isSafeInteger(n) && n > 0,
    "a positive integer",
  );
  check(
    "exited_grace_seconds",
    config.exited_grace_seconds,
    (n) => Number.isFinite(n) && n >= 0,
    "a number of seconds >= 0",
  );
  const catchUpBytes = config.catch_up_bytes ?? DEFAULT_CATCH_UP_BYTES;
  check(
    "catch_up_bytes",
    catchUpBytes,
    (n) => n > 0,
    "a positive number of bytes (Infinity: every log is read from its start)",
  );
  const catchUpLines = config.catch_up_lines ?? DEFAULT_CATCH_UP_LINES;
  check(
    "catch_up_lines",
    catchUpLines,
    (n) => Number.isSafeInteger(n) && n > 0,
    "a positive integer",
  );
  const stall = config.stall_seconds ?? DEFAULT_STALL_SECONDS;
  check("stall_seconds", stall, (n) => Number.isFinite(n) && n > 0, "a positive number of seconds");
  return {
    stall_seconds: stall,
    catch_up_bytes: catchUpBytes,
    catch_up_lines: catchUpLines,
    poll_interval_seconds: config.poll_interval_seconds,
    error_backoff_seconds: config.error_backoff_seconds,
    agent_concurrency: config.agent_concurrency,
    exited_grace_seconds: config.exited_grace_seconds,
  };
}

const REQUIRED: Record<string, readonly string[]> = {
  reader: ["read"],
  tracker: ["getPosition", "updatePosition", "removePosition", "getAllPositions"],
  generator: ["generateSummary"],
  store: ["write"],
  source: ["list"],
};

/**
 * Checks that every part has the methods the service calls.
 *
 * @throws {InvalidOptionError} naming the part and the missing method.
 */
export function checkParts(parts: object): void {
  if (typeof parts !== "object" || parts === null) {
    throw new InvalidOptionError("invalid parts: expected an object of parts", "parts");
  }
  const record = parts as Record<string, unknown>;
  for (const [name, methods] of Object.entries(REQUIRED)) {
    const part = record[name] as Record<string, unknown> | null | undefined;
    const missing = methods.find((method) => typeof part?.[method] !== "function");
    if (missing !== undefined) {
      throw new InvalidOptionError(
        `invalid part ${name}: expected an object with ${methods.join(", ")} (missing ${missing})`,
        name,
      );
    }
  }
  if (typeof record.analyze !== "function") {
    throw new InvalidOptionError(
      "invalid part analyze: expected a function such as analyzeActivity",
      "analyze",
    );
  }
  const reads = record.maxReadsPerCycle;
  if (reads !== undefined) {
    check("maxReadsPerCycle", reads, (n) => Number.isSafeInteger(n) && n > 0, "a positive integer");
  }
  const budget = record.readBudgetMs;
  if (budget !== undefined) {
    check(
      "readBudgetMs",
      budget,
      (n) => Number.isFinite(n) && n > 0,
      "a positive number of milliseconds",
    );
  }
}
