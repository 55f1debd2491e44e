import { SafeFsError, type SafeFsErrorCode } from "@agentwatch/safe-fs";
import { adviceFor, describeSystemError, errnoCode } from "./system-error.js";

/** Base class of every error thrown by `@agentwatch/position-store`, with a stable `code`. */
export class PositionStoreError extends Error {
  /** A stable machine-readable code, such as `POSITION_WRITE_FAILED`. */
  readonly code: string;
  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PositionStoreError";
    this.code = code;
  }
}

/**
 * A write of the state file failed (read-only directory, disk full, permission denied, ...).
 *
 * Every update in the failed write is rejected with it and none of them is visible in memory.
 * The message names the path and the cause, for example `cannot write /x/monitor_positions.json:
 * read-only file system (EROFS); choose a writable state dir`.
 */
export class PositionWriteError extends PositionStoreError {
  /** The state file that could not be written. */
  readonly path: string;
  /** The system error code behind the failure (`"EROFS"`, `"ENOSPC"`, ...), when there is one. */
  readonly systemCode: string | undefined;
  constructor(path: string, cause: unknown, code = "POSITION_WRITE_FAILED", detail?: string) {
    super(
      `cannot write ${path}: ${detail ?? `${describeSystemError(cause, path)}; ${adviceFor(cause)}`}`,
      code,
      { cause },
    );
    this.name = "PositionWriteError";
    this.path = path;
    this.systemCode = errnoCode(cause);
  }
}

/**
 * The cross-process lock on the state file could not be taken in time, or was lost (compromised)
 * while a write held it. The write did not happen; retrying is safe.
 */
export class PositionLockError extends PositionWriteError {
  constructor(path: string, detail: string, cause?: unknown) {
    super(path, cause, "POSITION_LOCK_FAILED", detail);
    this.name = "PositionLockError";
  }
}

/** The state file exists but cannot be read (permission denied, it is a directory, I/O error). */
export class PositionReadError extends PositionStoreError {
  /** The state file that could not be read. */
  readonly path: string;
  constructor(path: string, cause: unknown) {
    super(
      `cannot read ${path}: ${describeSystemError(cause, path)}; fix its permissions or choose another state dir`,
      "POSITION_READ_FAILED",
      { cause },
    );
    this.name = "PositionReadError";
    this.path = path;
  }
}

function isUnsafeDir(cause: unknown): cause is SafeFsError {
  return cause instanceof SafeFsError && cause.code !== "WRONG_TYPE";
}

/**
 * The state directory cannot be created or is not a directory (code `STATE_DIR_UNUSABLE`), or is
 * unsafe to use (code `STATE_DIR_UNSAFE`, the subclass {@link UnsafeStateDirError}).
 */
export class StateDirError extends PositionStoreError {
  /** The state directory. */
  readonly path: string;
  constructor(path: string, cause: unknown, detail?: string) {
    super(
      isUnsafeDir(cause)
        ? cause.message
        : `cannot use state dir ${path}: ${detail ?? describeSystemError(cause, path)}; choose a directory you can create and write`,
      isUnsafeDir(cause) ? "STATE_DIR_UNSAFE" : "STATE_DIR_UNUSABLE",
      { cause },
    );
    this.name = "StateDirError";
    this.path = path;
  }
}

/**
 * The state directory is one another local user could read or replace, so nothing is written
 * there: it (or a directory above it) belongs to another user, or others can write it. Thrown by
 * `open()`, and by a write that finds the directory removed and recreated by someone else.
 *
 * Its message is the one line of the `SafeFsError` (its `cause`) that names the directory, its
 * owner and what to do, for example `refusing to use /tmp/madrox_logs/monitoring_state as the state
 * directory: it is owned by mallory (uid 1001), not by you (alice, uid 1000), …`.
 */
export class UnsafeStateDirError extends StateDirError {
  /** What is wrong: `UNSAFE_OWNER` or `UNSAFE_MODE` (writable by others). */
  readonly reason: SafeFsErrorCode;
  /** The directory at fault: the state directory itself, or the one above it that is unsafe. */
  readonly unsafePath: string;
  constructor(path: string, cause: SafeFsError) {
    super(path, cause);
    this.name = "UnsafeStateDirError";
    this.reason = cause.code;
    this.unsafePath = cause.path;
  }
}

/** A position passed to `updatePosition`/`updatePositions` is not a valid `LogPosition`. */
export class InvalidPositionError extends PositionStoreError {
  constructor(message: string, cause: unknown) {
    super(message, "INVALID_POSITION", { cause });
    this.name = "InvalidPositionError";
  }
}

/** The tracker was used after `close()`. */
export class PositionStoreClosedError extends PositionStoreError {
  constructor(stateFile: string, operation: string) {
    super(
      `cannot ${operation}: the PositionTracker of ${stateFile} is closed; open a new one with PositionTracker.open()`,
      "STORE_CLOSED",
    );
    this.name = "PositionStoreClosedError";
  }
}

/**
 * The error for a state directory that `ensurePrivateDir` refused or could not create: an
 * {@link UnsafeStateDirError} for one another user could control, else a {@link StateDirError}.
 */
export function stateDirError(path: string, error: unknown): StateDirError {
  if (isUnsafeDir(error)) return new UnsafeStateDirError(path, error);
  const code = errnoCode(error);
  return code === "EEXIST" || (error instanceof SafeFsError && error.code === "WRONG_TYPE")
    ? new StateDirError(path, error, "it exists and is not a directory")
    : new StateDirError(path, error);
}
