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

/** The lock as a task under it sees it. */
export interface HeldLock {
  readonly assertLockHeld: AssertLockHeld;
  /**
   * False when the lock was kept (leased) since the previous task under this `StateLock` ended
   * without error: nobody else can have written the files in between.
   */
  readonly fresh: boolean;
}

/** How long a kept lock is held: released when idle, and at most for a while at a stretch. */
export interface LeaseTiming {
  /** Release a kept lock after this long without a task. */
  readonly idleMs: number;
  /** Hold a kept lock at most this long at a stretch; then release it and wait `yieldMs`. */
  readonly maxHoldMs: number;
  /** The pause after a long hold, so that processes waiting for the lock get it. */
  readonly yieldMs: number;
}

async function lockIdentity(lockPath: string): Promise<string> {
  const info = await stat(lockPath, { bigint: true });
  return `${info.dev}:${info.ino}:${info.birthtimeNs}`;
}

function backoffMs(attempt: number): number {
  const ceiling = Math.min(25, 2 + attempt * 2);
  return 1 + Math.random() * ceiling;
}

interface Held {
  readonly release: () => Promise<void>;
  readonly acquiredAt: number;
  /** `dev:ino:birthtime` of our lock directory, to tell a takeover from our own lock. */
  readonly identity: string | undefined;
  compromised: Error | undefined;
  /** Another process's lock is there now: never remove it. */
  replaced: boolean;
}

/**
 * The cross-process lock of the state file: proper-lockfile's lock directory `<file>.lock`,
 * refreshed while held and taken over once stale (its holder died). Tasks run one at a time.
 *
 * A task may ask to keep the lock (a lease): the next task then finds it held and skips the
 * acquisition, and the lock is released after `idleMs` without a task, or after `maxHoldMs` at a
 * stretch (followed by a `yieldMs` pause, so waiting processes get their turn). `maxHoldMs` stays
 * below a quarter of the stale time, so nobody can take a kept lock over while it is used.
 */
export class StateLock {
  readonly #paths: StatePaths;
  readonly #options: StateLockOptions;
  readonly #lease: LeaseTiming;
  #held: Held | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #busy = false;
  #releasing: Promise<void> = Promise.resolve();

  constructor(paths: StatePaths, options: StateLockOptions, lease?: Partial<LeaseTiming>) {
    this.#paths = paths;
    this.#options = options;
    const staleMs = Math.max(options.staleMs, MIN_LOCK_STALE_MS);
    this.#lease = {
      idleMs: lease?.idleMs ?? 10,
      maxHoldMs: Math.min(lease?.maxHoldMs ?? 1000, staleMs / 4),
      yieldMs: lease?.yieldMs ?? 30,
    };
  }

  /**
   * Runs `task` while holding the lock; with `keep`, the lock stays held for the next task (see
   * the class). A task that throws always releases it.
   *
   * @throws {PositionLockError} when the lock is not free within `timeoutMs`, or was compromised
   *   before `task` reached its commit point (`task` calls the `assertLockHeld` it is given).
   */
  async run<T>(task: (held: HeldLock) => Promise<T>, keep = false): Promise<T> {
    clearTimeout(this.#idleTimer);
    this.#busy = true;
    let ok = false;
    try {
      await this.#releasing;
      let fresh = false;
      let held = this.#held;
      if (held !== undefined && !this.#usable(held)) {
        const long = held.compromised === undefined;
        await this.#release();
        if (long) await sleep(this.#lease.yieldMs); // a long hold: let waiting processes in
        held = undefined;
      }
      if (held === undefined) {
        held = await this.#acquire();
        fresh = true;
      }
      const result = await task({ assertLockHeld: this.#asserter(held, fresh), fresh });
      ok = true;
      return result;
    } finally {
      this.#busy = false;
      if (!ok || !keep) await this.#release();
      else this.#scheduleRelease();
    }
  }

  /** Releases a kept lock now (a no-op when none is held). */
  async release(): Promise<void> {
    clearTimeout(this.#idleTimer);
    await this.#releasing;
    await this.#release();
  }

  /** A kept lock may serve the next task: not lost, and held for less than `maxHoldMs`. */
  #usable(held: Held): boolean {
    return held.compromised === undefined && Date.now() - held.acquiredAt < this.#lease.maxHoldMs;
  }

  #scheduleRelease(): void {
    this.#idleTimer = setTimeout(() => {
      if (!this.#busy) this.#releasing = this.#release();
    }, this.#lease.idleMs);
    this.#idleTimer.unref();
  }

  /**
   * The check before a commit point. A kept lock within `maxHoldMs` (under a quarter of the stale
   * time) cannot have been taken over: only a loss reported by proper-lockfile counts. A freshly
   * taken lock is compared with the lock directory on disk, as a takeover replaces it.
   */
  #asserter(held: Held, fresh: boolean): AssertLockHeld {
    const paths = this.#paths;
    return async () => {
      if (held.compromised === undefined && held.identity !== undefined) {
        if (fresh || !this.#usable(held)) {
          const current = await lockIdentity(paths.lock).catch(() => "gone");
          if (current !== held.identity) {
            held.replaced = true;
            held.compromised = new Error(
              `${paths.lock} was removed or replaced by another process`,
            );
          }
        }
      }
      if (held.compromised !== undefined) {
        throw new PositionLockError(
          paths.file,
          `the lock ${paths.lock} was lost while writing (${held.compromised.message}); the write was ` +
            "abandoned, retry it",
          held.compromised,
        );
      }
    };
  }

  async #acquire(): Promise<Held> {
    const paths = this.#paths;
    const options = this.#options;
    const deadline = Date.now() + options.timeoutMs;
    let holder: Held | undefined;
    let lost: Error | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        const release = await lock(paths.file, {
          lockfilePath: paths.lock,
          realpath: false,
          stale: Math.max(options.staleMs, MIN_LOCK_STALE_MS),
          retries: 0,
          onCompromised: (error) => {
            lost = error;
            if (holder !== undefined) holder.compromised = error;
            // Already known to be gone (see #release): nothing was in flight under it.
            if (holder?.replaced === true) return;
            options.logger.error(
              { file: paths.file, lock: paths.lock, error: error.message },
              `the lock ${paths.lock} was compromised; the write in flight is abandoned`,
            );
          },
        });
        const acquiredAt = Date.now();
        // A takeover removes the lock directory and creates a new one: remember which one is ours.
        const identity = await lockIdentity(paths.lock).catch(() => undefined);
        holder = { release, acquiredAt, identity, compromised: lost, replaced: false };
        this.#held = holder;
        return holder;
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
  }

  async #release(): Promise<void> {
    const held = this.#held;
    this.#held = undefined;
    // Releasing removes the lock directory: never do that to one another process now holds.
    if (held === undefined || held.replaced) return;
    if (held.identity !== undefined) {
      // Another lock directory in its place: the state dir was removed and created again, and
      // another process locked it, while this lock was held. (proper-lockfile's refresh stops on
      // its own when it finds that directory's mtime is not its own.)
      const current = await lockIdentity(this.#paths.lock).catch(() => undefined);
      if (current !== undefined && current !== held.identity) {
        held.replaced = true;
        return;
      }
    }
    try {
      await held.release();
    } catch (error) {
      if (held.compromised === undefined) {
        this.#options.logger.warn(
          { lock: this.#paths.lock, error: describeSystemError(error) },
          `could not release the lock ${this.#paths.lock}`,
        );
      }
    }
  }
}

/**
 * Runs `fn` while holding the cross-process lock of the state file, released when it ends.
 *
 * @throws {PositionLockError} when the lock is not free within `timeoutMs`, or was compromised
 *   before `fn` reached its commit point (`fn` calls the `AssertLockHeld` it is given).
 */
export function withStateLock<T>(
  paths: StatePaths,
  options: StateLockOptions,
  fn: (assertLockHeld: AssertLockHeld) => Promise<T>,
): Promise<T> {
  return new StateLock(paths, options).run((held) => fn(held.assertLockHeld));
}
