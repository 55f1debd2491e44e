import { stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@agentwatch/models";
import { lock } from "proper-lockfile";
import { PositionLockError } from "./errors.js";
import type { StatePaths } from "./state-paths.js";
import { describeSystemError, errnoCode } from "./system-error.js";

/** proper-lockfile never treats a lock younger than this as stale. */
export const MIN_LOCK_STALE_MS = 2000;

/** How the cross-process lock is taken. */
export interface StateLockOptions {
  /** A lock whose holder has not refreshed it for this long is taken over. */
  readonly staleMs: number;
  /** Give up waiting for the lock after this long. */
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/** Rejects if the lock was lost; await it right before anything that must happen under the lock. */
export type AssertLockHeld = () => Promise<void>;

async function lockIdentity(lockPath: string): Promise<string> {
  const info = await stat(lockPath, { bigint: true });
  return `${info.dev}:${info.ino}:${info.birthtimeNs}`;
}

function backoffMs(attempt: number): number {
  const ceiling = Math.min(25, 2 + attempt * 2);
  return 1 + Math.random() * ceiling;
}

/**
 * Runs `fn` while holding the cross-process lock of the state file: proper-lockfile's lock
 * directory `<file>.lock`, refreshed while held and taken over once stale (its holder died).
 *
 * @throws {PositionLockError} when the lock is not free within `timeoutMs`, or was compromised
 *   before `fn` reached its commit point (`fn` calls the `AssertLockHeld` it is given).
 */
export async function withStateLock<T>(
  paths: StatePaths,
  options: StateLockOptions,
  fn: (assertLockHeld: AssertLockHeld) => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  for (let attempt = 0; ; attempt++) {
    try {
      release = await lock(paths.file, {
        lockfilePath: paths.lock,
        realpath: false,
        stale: Math.max(options.staleMs, MIN_LOCK_STALE_MS),
        retries: 0,
        onCompromised: (error) => {
          compromised = error;
          options.logger.error(
            { file: paths.file, lock: paths.lock, error: error.message },
            `the lock ${paths.lock} was compromised; the write in flight is abandoned`,
          );
        },
      });
      break;
    } catch (error) {
      if (errnoCode(error) !== "ELOCKED") throw error;
      if (Date.now() >= deadline) {
        throw new PositionLockError(
          paths.file,
          `the lock ${paths.lock} is still held by another process after ${options.timeoutMs} ms; ` +
            "retry later, or remove the lock directory if no agentwatch process uses this state dir",
          error,
        );
      }
      await sleep(backoffMs(attempt));
    }
  }
  // A takeover removes the lock directory and creates a new one: remember which one is ours.
  let ours: string | undefined;
  let replaced = false;
  const assertLockHeld: AssertLockHeld = async () => {
    if (compromised === undefined && ours !== undefined) {
      const current = await lockIdentity(paths.lock).catch(() => "gone");
      if (current !== ours) {
        replaced = true;
        compromised = new Error(`${paths.lock} was removed or replaced by another process`);
      }
    }
    if (compromised !== undefined) {
      throw new PositionLockError(
        paths.file,
        `the lock ${paths.lock} was lost while writing (${compromised.message}); the write was ` +
          "abandoned, retry it",
        compromised,
      );
    }
  };
  try {
    ours = await lockIdentity(paths.lock).catch(() => undefined);
    return await fn(assertLockHeld);
  } finally {
    // Releasing removes the lock directory: never do that to one another process now holds.
    if (!replaced) {
      try {
        await release();
      } catch (error) {
        if (compromised === undefined) {
          options.logger.warn(
            { lock: paths.lock, error: describeSystemError(error) },
            `could not release the lock ${paths.lock}`,
          );
        }
      }
    }
  }
}
