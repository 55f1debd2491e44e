import {
  type Clock,
  type CommonOptions,
  type Logger,
  type PositionStore,
  silentLogger,
  systemClock,
} from "@agentwatch/models";
import { InvalidOptionError } from "./errors.js";

/** How a read treats a backlog larger than `maxLinesPerRead`. */
export type CatchUpMode = "page" | "skip";

/** The options of `new IncrementalLogReader(...)`. */
export interface IncrementalLogReaderOptions extends CommonOptions {
  /** Where positions are kept: any `PositionStore` (`PositionTracker`, `InMemoryPositionStore`). */
  positionTracker: PositionStore;
  /** The most lines one read returns; 200 by default. */
  maxLinesPerRead?: number | undefined;
  /** How many leading bytes identify a file (the `checksum`); 1024 by default. */
  fingerprintBytes?: number | undefined;
  /** How long the file must be quiet before an unterminated last line is returned; 1000 ms by default. */
  partialLineFlushMs?: number | undefined;
  /** The longest line kept whole, in bytes; longer lines are cut and marked. 1 MiB by default. */
  maxLineBytes?: number | undefined;
  /** `"page"` (default) returns a backlog oldest first, page by page; `"skip"` returns only its newest lines. */
  catchUp?: CatchUpMode | undefined;
}

/** The options with every default applied. */
export interface ResolvedOptions {
  readonly positionTracker: PositionStore;
  readonly maxLinesPerRead: number;
  readonly fingerprintBytes: number;
  readonly partialLineFlushMs: number;
  readonly maxLineBytes: number;
  readonly catchUp: CatchUpMode;
  readonly logger: Logger;
  readonly clock: Clock;
}

/** The default of each numeric option. */
export const DEFAULTS: {
  readonly maxLinesPerRead: number;
  readonly fingerprintBytes: number;
  readonly partialLineFlushMs: number;
  readonly maxLineBytes: number;
  readonly catchUp: CatchUpMode;
} = Object.freeze({
  maxLinesPerRead: 200,
  fingerprintBytes: 1024,
  partialLineFlushMs: 1000,
  maxLineBytes: 1_048_576,
  catchUp: "page",
});

/** A value as an option error shows it. */
function shown(value: unknown): string {
  if (
    typeof value === "number" ||
    typeof value === "boolean" ||
    value === undefined ||
    value === null
  ) {
    return String(value);
  }
  return JSON.stringify(value) ?? typeof value;
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidOptionError(
      name,
      `invalid option ${name}: expected a positive safe integer (got ${shown(value)})`,
    );
  }
  return value;
}

function isPositionStore(value: unknown): value is PositionStore {
  if (typeof value !== "object" || value === null) return false;
  const store = value as Record<string, unknown>;
  return ["getPosition", "updatePosition", "removePosition", "getAllPositions"].every(
    (method) => typeof store[method] === "function",
  );
}

/**
 * Checks the reader's options and fills in the defaults.
 *
 * @throws {InvalidOptionError} naming the first invalid option.
 */
export function resolveOptions(options: IncrementalLogReaderOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new InvalidOptionError(
      "options",
      "invalid options: expected an object such as { positionTracker: new InMemoryPositionStore() }",
    );
  }
  if (!isPositionStore(options.positionTracker)) {
    throw new InvalidOptionError(
      "positionTracker",
      "invalid option positionTracker: expected a PositionStore (getPosition, updatePosition, removePosition, getAllPositions); pass a PositionTracker or an InMemoryPositionStore",
    );
  }
  const flush = options.partialLineFlushMs ?? DEFAULTS.partialLineFlushMs;
  if (typeof flush !== "number" || !Number.isFinite(flush) || flush < 0) {
    throw new InvalidOptionError(
      "partialLineFlushMs",
      `invalid option partialLineFlushMs: expected a finite number of milliseconds >= 0 (got ${shown(flush)})`,
    );
  }
  const catchUp = options.catchUp ?? DEFAULTS.catchUp;
  if (catchUp !== "page" && catchUp !== "skip") {
    throw new InvalidOptionError(
      "catchUp",
      `invalid option catchUp: expected "page" or "skip" (got ${JSON.stringify(catchUp)})`,
    );
  }
  const { logger = silentLogger, clock = systemClock } = options;
  if (typeof clock !== "function") {
    throw new InvalidOptionError(
      "clock",
      "invalid option clock: expected a function returning epoch ms",
    );
  }
  if (typeof logger !== "object" || logger === null || typeof logger.warn !== "function") {
    throw new InvalidOptionError(
      "logger",
      "invalid option logger: expected a pino-compatible logger",
    );
  }
  return {
    positionTracker: options.positionTracker,
    maxLinesPerRead: positiveInteger(
      "maxLinesPerRead",
      options.maxLinesPerRead,
      DEFAULTS.maxLinesPerRead,
    ),
    fingerprintBytes: positiveInteger(
      "fingerprintBytes",
      options.fingerprintBytes,
      DEFAULTS.fingerprintBytes,
    ),
    partialLineFlushMs: flush,
    maxLineBytes: positiveInteger("maxLineBytes", options.maxLineBytes, DEFAULTS.maxLineBytes),
    catchUp,
    logger,
    clock,
  };
}
