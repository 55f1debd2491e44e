import { SafeFsError, errnoCode, type SafeFsErrorCode } from "@agentwatch/safe-fs";

/** Codes of `SummaryStoreError` and its subclasses. */
export type SummaryStoreErrorCode =
  | "INVALID_INSTANCE_ID"
  | "INVALID_SUMMARY"
  | "INVALID_OPTION"
  | "SUMMARY_WRITE_FAILED"
  | "SUMMARY_READ_FAILED"
  | "UNSAFE_PATH";

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

/**
 * Why an `UnsafePathError` refused a path: owned by another user (`UNSAFE_OWNER`), writable by
 * others (`UNSAFE_MODE`), or a symbolic link where none is followed (`SYMLINK`).
 */
export type UnsafePathReason = Exclude<SafeFsErrorCode, "WRONG_TYPE">;

/**
 * Thrown, by writes and reads alike, for a path that another user controls or could redirect: a
 * summary directory owned by another user or writable by others (or below a directory such a user
 * controls), or a symbolic link inside it where agentwatch never follows one (an agent directory,
 * `latest_summary.json`, a history file). Nothing is read or written through it.
 *
 * The message is the one-line refusal of `@agentwatch/safe-fs`, naming the path, the owner and what
 * to do; `cause` holds that `SafeFsError`.
 */
export class UnsafePathError extends SummaryStoreError {
  /** The path refused: the summary directory, a directory above it, or the link inside it. */
  readonly path: string;
  /** What is wrong with it. */
  readonly reason: UnsafePathReason;
  constructor(message: string, path: string, reason: UnsafePathReason, options?: ErrorOptions) {
    super(message, "UNSAFE_PATH", options);
    this.name = "UnsafePathError";
    this.path = path;
    this.reason = reason;
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
  EEXIST: ["something that is not a directory is in its place", "point summaryDir at a directory"],
};

/** Describes a system error for a message: `no space left on device (ENOSPC); free disk space…`. */
export function describeSystemError(error: unknown, fallbackHint: string): string {
  const code = errnoCode(error);
  const hint = code === undefined ? undefined : HINTS[code];
  if (code !== undefined && hint !== undefined) return `${hint[0]} (${code}); ${hint[1]}`;
  const message = error instanceof Error ? error.message : String(error);
  return `${message}; ${fallbackHint}`;
}

/**
 * What a refusal of `@agentwatch/safe-fs` becomes: an `UnsafePathError`, or for a path that is
 * merely not a directory or not a regular file (`WRONG_TYPE`), a `Failure` with the same message.
 */
function refusal(
  cause: SafeFsError,
  Failure: typeof SummaryReadError | typeof SummaryWriteError,
): SummaryStoreError {
  const { code } = cause;
  if (code === "WRONG_TYPE") return new Failure(cause.message, cause.path, { cause });
  return new UnsafePathError(cause.message, cause.path, code, { cause });
}

/**
 * A `SummaryReadError` for `path`, explaining the system error `cause`; an `UnsafePathError` when
 * `cause` is a `SafeFsError` refusing an unsafe path.
 */
export function readFailure(path: string, cause: unknown): SummaryStoreError {
  if (cause instanceof SummaryStoreError) return cause;
  if (cause instanceof SafeFsError) {
    return refusal(cause, SummaryReadError);
  }
  return new SummaryReadError(
    `cannot read ${path}: ${describeSystemError(cause, "check that summaryDir is a readable directory")}`,
    path,
    { cause },
  );
}

/**
 * A `SummaryWriteError` for `path`, explaining the system error `cause`; an `UnsafePathError` when
 * `cause` is a `SafeFsError` refusing an unsafe path.
 */
export function writeFailure(path: string, cause: unknown): SummaryStoreError {
  if (cause instanceof SummaryStoreError) return cause;
  if (cause instanceof SafeFsError) {
    return refusal(cause, SummaryWriteError);
  }
  return new SummaryWriteError(
    `cannot write ${path}: ${describeSystemError(cause, "check that summaryDir is a writable directory")}`,
    path,
    { cause },
  );
}

/**
 * Runs one step of a write, turning a system error into a `SummaryWriteError` naming `path` (and a
 * refusal of safe-fs into an `UnsafePathError`).
 */
export async function writeStep<T>(path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (cause) {
    throw writeFailure(path, cause);
  }
}

/**
 * Runs one step of a read, turning a system error into a `SummaryReadError` naming `path` (and a
 * refusal of safe-fs into an `UnsafePathError`).
 */
export async function readStep<T>(path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (cause) {
    throw readFailure(path, cause);
  }
}
