/** Base class of every error thrown by `@agentwatch/log-reader`. */
export class LogReaderError extends Error {
  /** A stable machine-readable code, such as `INVALID_OPTION`. */
  readonly code: string;
  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LogReaderError";
    this.code = code;
  }
}

/**
 * Thrown by the `IncrementalLogReader` constructor when an option is invalid.
 *
 * The message names the option, the value given and what is accepted, for example
 * `invalid option maxLinesPerRead: expected a positive safe integer (got 0)`.
 */
export class InvalidOptionError extends LogReaderError {
  /** The name of the offending option, such as `maxLinesPerRead`. */
  readonly option: string;
  constructor(option: string, message: string, options?: ErrorOptions) {
    super(message, "INVALID_OPTION", options);
    this.name = "InvalidOptionError";
    this.option = option;
  }
}
