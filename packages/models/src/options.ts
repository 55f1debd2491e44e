/** A log method with pino's calling forms: `(message)` or `(fields, message?)`. */
export type LogFn = (fieldsOrMessage: unknown, message?: string, ...args: unknown[]) => void;

/**
 * The logger every package accepts as its `logger` option: any pino-compatible object.
 *
 * Libraries never create loggers; apps pass one in (pino, console-like adapters, or nothing).
 */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** A clock: returns the current time as epoch milliseconds. Tests pass a fake one. */
export type Clock = () => number;

const noop: LogFn = () => {};

/** A logger that discards everything: the default of every `logger` option. */
export const silentLogger: Logger = Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
});

/** The default clock, `Date.now`. */
export const systemClock: Clock = () => Date.now();

/** The options shared by every package: where to log and what time it is. */
export interface CommonOptions {
  /** A pino-compatible logger; silent by default. */
  logger?: Logger | undefined;
  /** Epoch milliseconds; `Date.now` by default. */
  clock?: Clock | undefined;
}
