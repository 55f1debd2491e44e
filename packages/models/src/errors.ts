/** Base class of every error thrown by `@agentwatch/models`. */
export class ModelError extends Error {
  /** A stable machine-readable code, such as `VALIDATION_FAILED`. */
  readonly code: string;
  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ModelError";
    this.code = code;
  }
}

/** One problem found while validating a data object. */
export interface ValidationIssue {
  /** The path of the offending field, such as `["recent_tools", 2]`; empty for the whole value. */
  readonly path: readonly (string | number)[];
  /** What was expected. */
  readonly message: string;
  /** The value found at `path` (undefined when the field was missing). */
  readonly value: unknown;
}

/**
 * Thrown when a value is not a valid data object (LogPosition, AgentSummary).
 *
 * The message names the object, the offending field and its value, for example
 * `invalid LogPosition: last_byte_offset: expected a non-negative safe integer (got -1)`.
 */
export class ValidationError extends ModelError {
  /** Every problem found, in field order. */
  readonly issues: readonly ValidationIssue[];
  constructor(message: string, issues: readonly ValidationIssue[], options?: ErrorOptions) {
    super(message, "VALIDATION_FAILED", options);
    this.name = "ValidationError";
    this.issues = issues;
  }
}
