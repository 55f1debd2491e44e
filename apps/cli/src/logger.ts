import type { Logger } from "@agentwatch/models";
import { oneLine } from "@agentwatch/term-ui";
import { pino } from "pino";

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** The same problem is printed again only after this long. */
const REPEAT_AFTER_MS = 5 * 60_000;
/** Problems the live view can show under its table. */
const KEPT_PROBLEMS = 3;

/** A problem told to the person, as the live view shows it. */
export interface Problem {
  readonly at: number;
  readonly text: string;
}

/** The app's logger, and the problems it told the person most recently. */
export interface CliLogger extends Logger {
  /** The newest problems (warnings and errors), oldest first; at most three. */
  problems(): readonly Problem[];
}

/** Where and how the logger writes. */
export interface LoggerOptions {
  /** `--log-level` or `AGENTWATCH_LOG_LEVEL` when given: pino JSON lines at that level. */
  readonly level?: string | undefined;
  /** Standard error, for the readable lines. */
  readonly stderr: { write(text: string): unknown };
  /** Told when standard error cannot be written (EIO, EPIPE). */
  readonly onOutputError?: ((error: unknown) => void) | undefined;
  readonly clock?: (() => number) | undefined;
}

function messageOf(fieldsOrMessage: unknown, message: unknown): string {
  if (typeof message === "string") return message;
  if (typeof fieldsOrMessage === "string") return fieldsOrMessage;
  const err = (fieldsOrMessage as { err?: unknown } | null)?.err;
  return err instanceof Error ? err.message : "";
}

/**
 * The app's logger. By default warnings and errors go to stderr as one readable line each
 * (`agentwatch: cannot read …`), with no stack trace and no control character, and the same
 * problem (the same line, or one that contains it or is contained in it) at most once every five
 * minutes. With a level given (`--log-level`, `AGENTWATCH_LOG_LEVEL`) it
 * is pino, JSON lines at that level on stderr, as log collectors want them.
 *
 * @throws {Error} for an unknown level.
 */
export function createLogger(options: LoggerOptions): CliLogger {
  const clock = options.clock ?? Date.now;
  const recent: Problem[] = [];
  const lastPrinted = new Map<string, number>();
  // One problem is often told twice, the second time with context around the first ("cannot
  // process agent x (read failed): cannot read …"): it is kept and printed once.
  const seenIn = (text: string) => (known: string) => text.includes(known) || known.includes(text);
  const remember = (text: string) => {
    const same = recent.findIndex((problem) => seenIn(text)(problem.text));
    if (same >= 0) recent.splice(same, 1);
    recent.push({ at: clock(), text });
    if (recent.length > KEPT_PROBLEMS) recent.shift();
  };
  const problems = () => recent.slice();
  if (options.level !== undefined) {
    if (!(LEVELS as readonly string[]).includes(options.level)) {
      throw new Error(`log level must be one of ${LEVELS.join(", ")}, got "${options.level}"`);
    }
    const destination = pino.destination({ fd: 2, sync: true });
    destination.on("error", (error: unknown) => options.onOutputError?.(error));
    const json = pino({ level: options.level, base: { name: "agentwatch" } }, destination);
    const keep =
      (method: "warn" | "error") =>
      (fieldsOrMessage: unknown, message?: string, ...args: unknown[]) => {
        remember(oneLine(messageOf(fieldsOrMessage, message)));
        json[method](fieldsOrMessage, message, ...args);
      };
    return {
      debug: json.debug.bind(json),
      info: json.info.bind(json),
      warn: keep("warn"),
      error: keep("error"),
      problems,
    };
  }
  const tell = (fieldsOrMessage: unknown, message?: string) => {
    const text = oneLine(messageOf(fieldsOrMessage, message));
    if (text === "") return;
    remember(text);
    const now = clock();
    for (const [known, at] of lastPrinted) {
      if (now - at < REPEAT_AFTER_MS && seenIn(text)(known)) return;
    }
    if (lastPrinted.size >= 1000) {
      for (const [key, at] of lastPrinted) if (now - at >= REPEAT_AFTER_MS) lastPrinted.delete(key);
    }
    lastPrinted.set(text, now);
    try {
      options.stderr.write(`agentwatch: ${text}\n`);
    } catch (error) {
      options.onOutputError?.(error);
    }
  };
  const ignore = () => {};
  return { debug: ignore, info: ignore, warn: tell, error: tell, problems };
}
