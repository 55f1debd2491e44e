/** Codes of `SummaryStoreError` and its subclasses. */
export type SummaryStoreErrorCode =
  | "INVALID_INSTANCE_ID"
  | "INVALID_SUMMARY"
  | "INVALID_OPTION"
  | "SUMMARY_WRITE_FAILED"
  | "SUMMARY_READ_FAILED";

/** Base class of every error thrown by `@agentwatch/summary-store`. */
export class SummaryStoreError extends Error {
  /** A stable machine-readable code, such as `INVALID_INSTANCE_ID`. */
  readonly code: SummaryStoreErrorCode;
  constructor(message: string, code: SummaryStoreErrorCode, options?: ErrorOptions) {
    super(message, options);
    this.name = "SummaryStoreError";
    this.code = code;
  }
}

/**
 * Thrown when an instance id cannot safely be used as a directory name: empty, `.` or `..`,
 * containing `/`, `\` or NUL, or longer than 128 bytes of UTF-8.
 */
export class InvalidInstanceIdError extends SummaryStoreError {
  /** The rejected id. */
  readonly instanceId: string;
  constructor(message: string, instanceId: string, options?: ErrorOptions) {
    super(message, "INVALID_INSTANCE_ID", options);
    this.name = "InvalidInstanceIdError";
    this.instanceId = instanceId;
  }
}

/** Thrown by `write()` when the summary does not match the AgentSummary schema; nothing is written. */
export class InvalidSummaryError extends SummaryStoreError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "INVALID_SUMMARY", options);
    this.name = "InvalidSummaryError";
  }
}

/** Thrown for a bad constructor or method option (`maxHistoryBytes`, `historyFiles`, `limit`, `since`). */
export class InvalidOptionError extends SummaryStoreError {
  /** The offending option's name. */
  readonly option: string;
  constructor(message: string, option: string, options?: ErrorOptions) {
    super(message, "INVALID_OPTION", options);
    this.name = "InvalidOptionError";
    this.option = option;
  }
}

/** Thrown when a summary file cannot be written (ENOTDIR, ENOSPC, EROFS, EACCES…); `cause` holds the system error. */
export class SummaryWriteError extends SummaryStoreError {
  /** The file or directory that could not be written. */
  readonly path: string;
  constructor(message: string, path: string, options?: ErrorOptions) {
    super(message, "SUMMARY_WRITE_FAILED", options);
    this.name = "SummaryWriteError";
    this.path = path;
  }
}

/** Thrown when a summary directory or history file exists but cannot be read; `cause` holds the system error. */
export class SummaryReadError extends SummaryStoreError {
  /** The file or directory that could not be read. */
  readonly path: string;
  constructor(message: string, path: string, options?: ErrorOptions) {
    super(message, "SUMMARY_READ_FAILED", options);
    this.name = "SummaryReadError";
    this.path = path;
  }
}

const HINTS: Readonly<Record<string, readonly [what: string, todo: string]>> = {
  ENOTDIR: [
    "not a directory: a component of the path is a regular file",
    "point summaryDir at a directory",
  ],
  EISDIR: ["is a directory", "remove or rename the directory that is in the way"],
  ENOSPC: ["no space left on device", "free disk space or choose another summaryDir"],
  EDQUOT: ["disk quota exceeded", "free space or choose another summaryDir"],
  EROFS: ["read-only file system", "choose a writable summaryDir"],
  EACCES: ["permission denied", "make summaryDir writable by this user"],
  EPERM: ["operation not permitted", "make summaryDir writable by this user"],
  EMFILE: [
    "too many open files",
    "raise the open-file limit (ulimit -n) or write fewer agents at once",
  ],
  ENAMETOOLONG: ["file name too long", "choose a shorter summaryDir"],
};

/** The system error code of `error` (`ENOENT`, `ENOSPC`…), if it has one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = error.code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

/** Describes a system error for a message: `no space left on device (ENOSPC); free disk space…`. */
export function describeSystemError(error: unknown, fallbackHint: string): string {
  const code = errnoCode(error);
  const hint = code === undefined ? undefined : HINTS[code];
  if (code !== undefined && hint !== undefined) return `${hint[0]} (${code}); ${hint[1]}`;
  const message = error instanceof Error ? error.message : String(error);
  return `${message}; ${fallbackHint}`;
}

/** A `SummaryReadError` for `path`, explaining the system error `cause`. */
export function readFailure(path: string, cause: unknown): SummaryReadError {
  return new SummaryReadError(
    `cannot read ${path}: ${describeSystemError(cause, "check that summaryDir is a readable directory")}`,
    path,
    { cause },
  );
}

/** A `SummaryWriteError` for `path`, explaining the system error `cause`. */
export function writeFailure(path: string, cause: unknown): SummaryWriteError {
  return new SummaryWriteError(
    `cannot write ${path}: ${describeSystemError(cause, "check that summaryDir is a writable directory")}`,
    path,
    { cause },
  );
}
