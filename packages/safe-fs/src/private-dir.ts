import type { Stats } from "node:fs";
import { lstat, mkdir, realpath, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fsyncDir, mkdirDurable } from "./durable.js";
import { SafeFsError, errnoCode } from "./errors.js";
import { currentUid, describeUser, describeUserBriefly } from "./owners.js";

/** Options of {@link ensurePrivateDir}. */
export interface PrivateDirOptions {
  /** What the directory is for, as messages name it: `"state directory"`. Default `"directory"`. */
  readonly role?: string | undefined;
  /** Create it (and missing parents, mode 0700) when it does not exist. Default true. */
  readonly create?: boolean | undefined;
}

const STICKY = 0o1000;

function writers(mode: number): string {
  const group = (mode & 0o020) !== 0;
  const others = (mode & 0o002) !== 0;
  return group && others ? "its group and others" : group ? "its group" : "others";
}

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8)}`;
}

/** The reason `info` (a directory of `uid`'s) is unsafe to keep agentwatch's files in, if it is. */
function ownDirProblem(
  path: string,
  info: Stats,
  uid: number,
  role: string,
): SafeFsError | undefined {
  if (info.uid !== uid) {
    return new SafeFsError(
      `refusing to use ${path} as the ${role}: it is owned by ${describeUser(info.uid)}, not by you (${describeUserBriefly(uid)}), so that user could read or replace what agentwatch keeps there; remove it or choose a directory of your own`,
      "UNSAFE_OWNER",
      path,
    );
  }
  if ((info.mode & 0o022) !== 0) {
    return new SafeFsError(
      `refusing to use ${path} as the ${role}: it is writable by ${writers(info.mode)} (mode ${octal(info.mode)}); run chmod go-w ${path} or choose another directory`,
      "UNSAFE_MODE",
      path,
    );
  }
  return undefined;
}

/**
 * Makes sure `path` is a directory only this user controls, creating it (mode 0700) when missing,
 * and resolves to its real path. Refuses (with a one-line {@link SafeFsError} naming the path, the
 * owner and what to do) a directory owned by another user or writable by its group or others, and
 * one below a directory that another user (root aside) owns or that others can write without the
 * sticky bit, since that user could swap it for one of their own. A symlink given as `path` itself
 * is followed (the checks apply to its target); nothing below it is.
 *
 * Where a platform has no user ids (Windows) only the creation is done.
 *
 * @throws {SafeFsError} when the directory or one above it is unsafe.
 * @throws a Node.js system error (`EACCES`, `ENOTDIR`, `EROFS`…) when it cannot be created or read.
 * @example
 * const dir = await ensurePrivateDir(config.state_dir, { role: "state directory" });
 */
export async function ensurePrivateDir(
  path: string,
  options: PrivateDirOptions = {},
): Promise<string> {
  const role = options.role ?? "directory";
  const absolute = resolve(path);
  if (options.create !== false) await mkdirDurable(absolute);
  const real = await realpath(absolute);
  const info = await stat(real);
  if (!info.isDirectory()) {
    throw new SafeFsError(
      `cannot use ${absolute} as the ${role}: it is not a directory; choose a directory`,
      "WRONG_TYPE",
      absolute,
    );
  }
  const uid = currentUid();
  if (uid === undefined) return real;
  const own = ownDirProblem(absolute, info, uid, role);
  if (own !== undefined) throw own;
  for (let above = dirname(real); ; above = dirname(above)) {
    const parent = await stat(above);
    if (parent.uid !== uid && parent.uid !== 0) {
      throw new SafeFsError(
        `refusing to use ${absolute} as the ${role}: ${above} above it is owned by ${describeUser(parent.uid)}, who could replace it; choose a directory that only you and root control`,
        "UNSAFE_OWNER",
        above,
      );
    }
    if ((parent.mode & 0o022) !== 0 && (parent.mode & STICKY) === 0) {
      throw new SafeFsError(
        `refusing to use ${absolute} as the ${role}: ${above} above it is writable by ${writers(parent.mode)} (mode ${octal(parent.mode)}) without the sticky bit, so they could replace it; choose a directory that only you and root control`,
        "UNSAFE_MODE",
        above,
      );
    }
    if (dirname(above) === above) break;
  }
  return real;
}

/**
 * Makes sure `path`, a directory inside a private directory (see {@link ensurePrivateDir}), is a
 * real directory of this user's, creating it with mode 0700 when missing. A symbolic link there is
 * refused, never followed. Resolves to whether it was created (its parent is then flushed).
 *
 * @throws {SafeFsError} for a symlink, something not a directory, or a directory of another user
 *   or writable by others.
 * @throws a Node.js system error when it cannot be created or read.
 */
export async function ensurePrivateSubdir(path: string, role = "directory"): Promise<boolean> {
  let created = false;
  try {
    await mkdir(path, { mode: 0o700 });
    created = true;
  } catch (error) {
    if (errnoCode(error) !== "EEXIST") throw error;
  }
  checkSubdir(path, role, await lstat(path));
  if (created) await fsyncDir(dirname(path));
  return created;
}

/**
 * Whether `path`, a directory inside a private directory, exists, for a reader (which creates
 * nothing): the same checks as {@link ensurePrivateSubdir} apply to one that does.
 *
 * @throws {SafeFsError} for a symlink, something not a directory, or a directory of another user
 *   or writable by others.
 * @throws a Node.js system error when it cannot be read.
 */
export async function privateSubdirExists(path: string, role = "directory"): Promise<boolean> {
  let info: Stats;
  try {
    info = await lstat(path);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return false;
    throw error;
  }
  checkSubdir(path, role, info);
  return true;
}

/** Refuses `info` (from `lstat(path)`) unless it is a real directory of this user's alone. */
function checkSubdir(path: string, role: string, info: Stats): void {
  if (info.isSymbolicLink()) {
    throw new SafeFsError(
      `refusing to use ${path} as the ${role}: it is a symbolic link, and agentwatch follows none below the directory it was given; remove the link`,
      "SYMLINK",
      path,
    );
  }
  if (!info.isDirectory()) {
    throw new SafeFsError(
      `cannot use ${path} as the ${role}: it is not a directory; remove it`,
      "WRONG_TYPE",
      path,
    );
  }
  const uid = currentUid();
  const problem = uid === undefined ? undefined : ownDirProblem(path, info, uid, role);
  if (problem !== undefined) throw problem;
}
