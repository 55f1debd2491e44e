import type { BigIntStats } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { ensurePrivateDir } from "@agentwatch/safe-fs";
import { StateDirError, stateDirError } from "./errors.js";
import { errnoCode } from "./system-error.js";

/** What became of the state directory since it was last checked. */
export type StateDirChange =
  /** It is still the directory that was checked. */
  | "same"
  /** Nothing is there any more (a cleanup job removed it). */
  | "removed"
  /** Another directory is there now (removed and created again, by anyone). */
  | "replaced"
  /** Something else: a file in its place, a parent that is no directory, no permission. */
  | "unusable";

/**
 * Device, inode and birth time: a directory removed and created again often gets the same inode
 * number back at once, but not the same birth time (where the file system records one).
 */
function identityOf(info: BigIntStats): string {
  return `${info.dev}:${info.ino}:${info.birthtimeNs}`;
}

/**
 * The state directory, checked with safe-fs `ensurePrivateDir` (created 0700 when missing; refused
 * when another user owns it or a directory above it, or others can write it), and the identity
 * (device, inode and birth time) of the directory that passed, so that a write can tell that it was removed
 * or replaced since.
 */
export class StateDir {
  /** The directory, absolute, symbolic links resolved. */
  readonly path: string;
  #identity: string;

  private constructor(path: string, identity: string) {
    this.path = path;
    this.#identity = identity;
  }

  /**
   * Checks (creating it when missing) the state directory `requested`.
   *
   * @throws {UnsafeStateDirError} when another user could control it.
   * @throws {StateDirError} when it cannot be created or is not a directory.
   */
  static async open(requested: string): Promise<StateDir> {
    const absolute = resolve(requested);
    try {
      const real = await ensurePrivateDir(absolute, { role: "state directory" });
      return new StateDir(real, identityOf(await stat(real, { bigint: true })));
    } catch (error) {
      throw stateDirError(absolute, error);
    }
  }

  /** What is at the directory's path now, compared with the directory that was checked. */
  async change(): Promise<StateDirChange> {
    try {
      const info = await stat(this.path, { bigint: true });
      if (!info.isDirectory()) return "unusable";
      return identityOf(info) === this.#identity ? "same" : "replaced";
    } catch (error) {
      return errnoCode(error) === "ENOENT" ? "removed" : "unusable";
    }
  }

  /**
   * Rejects unless the directory is still the one that was checked: awaited under a freshly taken
   * lock, before anything is read or written, so that nothing goes into a directory that was
   * replaced (by another user, between a cleanup job's `rm -rf` and this write) without the checks.
   */
  async assertSame(): Promise<void> {
    const change = await this.change();
    if (change === "same") return;
    throw Object.assign(
      new Error(
        `the state directory ${this.path} was ${change === "removed" ? "removed" : "replaced"} since it was checked`,
      ),
      { path: this.path },
    );
  }

  /**
   * Checks the directory at the same path again as `open` does, creating it (mode 0700, parents
   * included) when it was removed, and remembers it as the one checked.
   *
   * @throws {UnsafeStateDirError} when the directory now there is one another user could control.
   * @throws {StateDirError} when a symbolic link now stands in its place.
   * @throws the system error when it cannot be created (a file in the way: `ENOTDIR`, `EEXIST`).
   */
  async recreate(): Promise<void> {
    let real: string;
    try {
      real = await ensurePrivateDir(this.path, { role: "state directory" });
    } catch (error) {
      const refused = stateDirError(this.path, error);
      throw refused.code === "STATE_DIR_UNSAFE" ? refused : error;
    }
    if (real !== this.path) {
      // The files' paths go through this.path: a link put in its place could be turned elsewhere.
      throw new StateDirError(
        this.path,
        undefined,
        `it was recreated as a symbolic link to ${real}`,
      );
    }
    this.#identity = identityOf(await stat(real, { bigint: true }));
  }
}
