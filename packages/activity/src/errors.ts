/** Base class of every error thrown by `@agentwatch/activity`. */
export class ActivityError extends Error {
  /** A stable machine-readable code, such as `ACTIVITY_INVALID_INPUT`. */
  readonly code: string;
  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ActivityError";
    this.code = code;
  }
}

/**
 * Thrown when a caller passes something that is not lines or options (a programming error, never
 * caused by the content of the output): `lines` not an array of strings, `now` not a valid Date.
 *
 * The message names the argument and what was found, for example
 * `analyzeActivity: options.now must be a valid Date (got "2025-01-15")`.
 */
export class InvalidActivityInputError extends ActivityError {
  /** The offending argument, such as `lines[3]` or `options.now`. */
  readonly argument: string;
  constructor(message: string, argument: string, options?: ErrorOptions) {
    super(message, "ACTIVITY_INVALID_INPUT", options);
    this.name = "InvalidActivityInputError";
    this.argument = argument;
  }
}
