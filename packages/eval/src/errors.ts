/** The base class of this package's errors, with a stable `code`. */
export class EvalError extends Error {
  readonly code: string;
  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EvalError";
    this.code = code;
  }
}

/** A case directory that cannot be used: a missing file, a malformed or incomplete case.json. */
export class CaseError extends EvalError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "BAD_CASE", options);
    this.name = "CaseError";
  }
}

/** Command-line arguments the runner does not understand. */
export class UsageError extends EvalError {
  constructor(message: string) {
    super(message, "USAGE");
    this.name = "UsageError";
  }
}
