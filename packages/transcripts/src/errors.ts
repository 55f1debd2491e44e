/** The base class of this package's errors, with a stable `code`. */
export class TranscriptError extends Error {
  /** A stable identifier of the failure, for callers that handle it. */
  readonly code: string;
  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TranscriptError";
    this.code = code;
  }
}

/**
 * A function of this package was called with arguments of the wrong kind (not an array of strings,
 * not a Date). Never thrown because of what a transcript line contains: such lines are counted.
 */
export class InvalidTranscriptInputError extends TranscriptError {
  /** The argument that was wrong, such as `lines` or `options.now`. */
  readonly argument: string;
  constructor(message: string, argument: string) {
    super(message, "TRANSCRIPT_INVALID_INPUT");
    this.name = "InvalidTranscriptInputError";
    this.argument = argument;
  }
}

/** A short description of a value for an error message (its type, never its content). */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "an invalid Date";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Throws unless `lines` is an array of strings. */
export function checkLines(lines: unknown, fn: string): asserts lines is readonly string[] {
  if (!Array.isArray(lines))
    throw new InvalidTranscriptInputError(
      `${fn}: lines must be an array of strings, the complete lines the reader returned (got ${describe(lines)})`,
      "lines",
    );
  for (let i = 0; i < lines.length; i++) {
    if (typeof lines[i] !== "string")
      throw new InvalidTranscriptInputError(
        `${fn}: lines[${i}] must be a string (got ${describe(lines[i])}); pass the lines as the reader returned them`,
        `lines[${i}]`,
      );
  }
}
