import { type BigIntStats, constants } from "node:fs";
import {
  type FileHandle,
  link,
  lstat,
  open,
  readdir,
  readlink,
  symlink,
  unlink,
} from "node:fs/promises";
import { join } from "node:path";
import type { Clock, LogPosition, Logger } from "@agentwatch/models";
import { O_NOFOLLOW, fsyncDir } from "@agentwatch/safe-fs";
import { NO_HARD_LINKS, copyToNewPrivateFile } from "./durable-fs.js";
import type { StateDir } from "./state-dir.js";
import { type EntryProblem, parseStateText } from "./state-format.js";
import { type StatePaths, corruptPathFor, isTempName } from "./state-paths.js";
import { describeSystemError, errnoCode } from "./system-error.js";

/** What reading one state file (the main file or its `.bak`) found. */
export type StateFileRead =
  | { readonly kind: "missing"; readonly identity: null }
  | {
      readonly kind: "valid";
      readonly positions: Map<string, LogPosition>;
      readonly problems: readonly EntryProblem[];
      /** The {@link snapshotIdentity} of the file read. */
      readonly identity: string;
    }
  | { readonly kind: "corrupt"; readonly reason: string; readonly identity: string };

/**
 * The identity of one version of the state file: device, inode, size and modification time. Every
 * rewrite is a new file (a rename), so it changes whenever the file is replaced, by this package
 * or any other program; a journal records the identity of the state file it continues.
 */
export function snapshotIdentity(stats: BigIntStats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}`;
}

/** Why a symbolic link where a file of the store belongs is not used, for a `corrupt` reason. */
export const SYMLINK_REASON =
  "it is a symbolic link, which agentwatch never reads or writes through";

/**
 * Opens a file of the store for reading without following a symbolic link, or resolves to
 * `"missing"` or `"symlink"`.
 *
 * @throws the system error when it exists but cannot be opened (EACCES).
 */
export async function openNoFollow(path: string): Promise<FileHandle | "missing" | "symlink"> {
  try {
    return await open(path, constants.O_RDONLY | O_NOFOLLOW);
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT") return "missing";
    if (code === "ELOOP" && (await lstat(path)).isSymbolicLink()) return "symlink";
    throw error;
  }
}

/**
 * Reads and parses a state file, and its identity, through one handle. A missing file is
 * `missing`; content that is unusable as a whole is `corrupt`.
 *
 * A symbolic link there is `corrupt` too, never followed: this package never makes one, and
 * following it would read positions from (and keep as `.bak`) a file agentwatch does not own.
 * Treated like a corrupt file, the link is kept aside as `.corrupt-<timestamp>` and the store goes
 * on from the `.bak`, so a planted link can neither feed positions in nor stop the writes, which
 * replace it with a regular file. (Refusing it would make every write fail, and a monitor re-read
 * its logs forever.)
 *
 * @throws the system error when the file exists but cannot be read (EACCES, EISDIR, EIO).
 */
export async function readStateFile(path: string): Promise<StateFileRead> {
  const handle = await openNoFollow(path);
  if (handle === "missing") return { kind: "missing", identity: null };
  if (handle === "symlink") {
    return {
      kind: "corrupt",
      reason: SYMLINK_REASON,
      identity: snapshotIdentity(await lstat(path, { bigint: true })),
    };
  }
  let text: string;
  let identity: string;
  try {
    identity = snapshotIdentity(await handle.stat({ bigint: true }));
    text = await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
  const parsed = parseStateText(text);
  if (!parsed.ok) return { kind: "corrupt", reason: parsed.reason, identity };
  return { kind: "valid", positions: parsed.positions, problems: parsed.problems, identity };
}

/** What the loader needs: where the files are, where to warn, what time it is. */
export interface LoaderContext {
  readonly paths: StatePaths;
  /** The checked state directory (`paths.dir`): writes make sure it is still the one checked. */
  readonly stateDir: StateDir;
  readonly logger: Logger;
  readonly clock: Clock;
  /** `dev:ino` of corrupt files already moved aside by this tracker, so each is kept once. */
  readonly preserved: Set<string>;
}

/** Logs one warning per dropped or re-keyed entry, naming the file. */
export function warnProblems(ctx: LoaderContext, file: string, problems: readonly EntryProblem[]) {
  for (const problem of problems) {
    ctx.logger.warn(
      { file, key: problem.key, problem: problem.message, stored: problem.stored },
      `${file}: entry ${JSON.stringify(problem.key)} ${problem.message}`,
    );
  }
}

/**
 * Keeps `file` as `target` (which must not exist): a hard link, or where there are none a private
 * copy. A symbolic link is kept as a new link with the same target, never followed.
 */
async function keepAs(file: string, target: string, isLink: boolean): Promise<void> {
  if (isLink) {
    await symlink(await readlink(file), target);
    return;
  }
  try {
    await link(file, target);
  } catch (error) {
    if (!NO_HARD_LINKS.has(errnoCode(error) ?? "")) throw error;
    await copyToNewPrivateFile(file, target);
  }
}

/**
 * Keeps a corrupt state file or journal as `<file>.corrupt-<timestamp>` (a hard link, or a copy),
 * never overwriting an earlier one. The file itself is left for the next atomic write to replace.
 * A symbolic link is kept as a link (see `readStateFile`).
 *
 * @throws the system error when no copy could be made; the corrupt file must then not be replaced.
 */
export async function preserveCorrupt(
  ctx: LoaderContext,
  file: string,
  reason: string,
): Promise<void> {
  const info = await lstat(file);
  const identity = `${info.dev}:${info.ino}`;
  if (ctx.preserved.has(identity)) return;
  const now = ctx.clock();
  for (let attempt = 0; ; attempt++) {
    const target = corruptPathFor(file, now, attempt);
    try {
      await keepAs(file, target, info.isSymbolicLink());
    } catch (error) {
      if (errnoCode(error) === "EEXIST" && attempt < 1000) continue;
      throw error;
    }
    await fsyncDir(ctx.paths.dir);
    ctx.preserved.add(identity);
    ctx.logger.warn(
      { file, movedTo: target, reason },
      `${file} is unusable (${reason}); it was kept as ${target}`,
    );
    return;
  }
}

/** The positions of the `.bak`, or none; warns which one the store starts from. */
export async function readBackup(ctx: LoaderContext): Promise<Map<string, LogPosition>> {
  const { file, bak } = ctx.paths;
  let read: StateFileRead;
  try {
    read = await readStateFile(bak);
  } catch (error) {
    read = { kind: "corrupt", reason: describeSystemError(error), identity: "" };
  }
  if (read.kind === "valid") {
    warnProblems(ctx, bak, read.problems);
    ctx.logger.warn(
      { file, backup: bak, positions: read.positions.size },
      `${file}: recovered ${read.positions.size} positions from ${bak}`,
    );
    return read.positions;
  }
  const why = read.kind === "missing" ? "there is none" : `it is unusable too (${read.reason})`;
  ctx.logger.warn({ file, backup: bak }, `${file}: no usable backup (${why}); starting empty`);
  return new Map();
}

/** The state a write under the lock builds on. */
export interface WriteBase {
  /** The positions currently on disk (or recovered from `.bak`). */
  readonly positions: Map<string, LogPosition>;
  /** The state file held a valid state, worth keeping as `.bak`. */
  readonly mainValid: boolean;
  /** The state file was corrupt: it was moved aside and `positions` come from the backup. */
  readonly recovered: boolean;
  /** What reading the state file itself found (its identity included). */
  readonly read: StateFileRead;
}

/**
 * Reads the current state under the lock; a corrupt state file is moved aside and the `.bak` (or
 * nothing) used instead.
 *
 * @throws the system error when the state file cannot be read or kept aside.
 */
export async function readStateForWrite(ctx: LoaderContext): Promise<WriteBase> {
  const read = await readStateFile(ctx.paths.file);
  switch (read.kind) {
    case "valid":
      warnProblems(ctx, ctx.paths.file, read.problems);
      return { positions: read.positions, mainValid: true, recovered: false, read };
    case "missing":
      return { positions: new Map(), mainValid: false, recovered: false, read };
    case "corrupt":
      await preserveCorrupt(ctx, ctx.paths.file, read.reason);
      return { positions: await readBackup(ctx), mainValid: false, recovered: true, read };
  }
}

/** Removes temp files left by writers that died; only safe while holding the lock. */
export async function sweepTempFiles(ctx: LoaderContext): Promise<void> {
  const names = await readdir(ctx.paths.dir).catch(() => [] as string[]);
  for (const name of names.filter(isTempName)) {
    await unlink(join(ctx.paths.dir, name)).catch(() => {});
    ctx.logger.debug({ file: name }, `removed ${name}, left by a writer that stopped`);
  }
}
