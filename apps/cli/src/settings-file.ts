import { lstat, mkdir, open, readFile, realpath, rename, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fsyncDir, tempPathFor, writeFileAtomic } from "@agentwatch/safe-fs";
import { CliError, ExitCode } from "./errors.js";

/** Which Claude Code settings file: the user's, or a project's (`settings.local.json` with local). */
export type SettingsScope =
  | { readonly kind: "user" }
  | { readonly kind: "project"; readonly dir: string; readonly local: boolean };

/**
 * Claude Code's configuration directory: `$CLAUDE_CONFIG_DIR` (the first one when it lists several,
 * comma-separated, as tools that read many accounts take it), else `~/.claude`.
 */
export function claudeConfigDir(env: Readonly<Record<string, string | undefined>>): string {
  const first = (env.CLAUDE_CONFIG_DIR ?? "")
    .split(",")
    .map((dir) => dir.trim())
    .find((dir) => dir !== "");
  if (first !== undefined) return first;
  const home = env.HOME;
  if (home === undefined || home === "") {
    throw new CliError(
      "cannot find Claude Code's user settings: neither CLAUDE_CONFIG_DIR nor HOME is set; set one, or use --project DIR",
      ExitCode.USAGE,
    );
  }
  return join(home, ".claude");
}

/** The settings file of `scope`. */
export function settingsPath(
  scope: SettingsScope,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (scope.kind === "user") return join(claudeConfigDir(env), "settings.json");
  return join(scope.dir, ".claude", scope.local ? "settings.local.json" : "settings.json");
}

/** A settings file as read: its text (undefined when there is none) and what writing keeps. */
export interface SettingsFile {
  /** The path as named (it may be a symlink, as dotfile managers make it). */
  readonly path: string;
  /** The file written: the symlink's target, so the link stays. */
  readonly target: string;
  readonly text: string | undefined;
  /** Its permission bits, kept when it is rewritten. */
  readonly mode: number | undefined;
}

function ioError(verb: string, path: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === "EACCES" || code === "EPERM"
      ? "permission denied"
      : code === "EROFS"
        ? "read-only file system"
        : code === "ENOSPC"
          ? "no space left on the device"
          : (error as Error).message;
  return new CliError(
    `cannot ${verb} ${path}: ${reason}${code !== undefined && !reason.includes(code) ? ` (${code})` : ""}`,
    ExitCode.FAILURE,
    { cause: error },
  );
}

/**
 * Reads a settings file (following a symlink to it).
 *
 * @throws {CliError} when it exists and cannot be read, or is not a file.
 */
export async function readSettingsFile(path: string): Promise<SettingsFile> {
  let target: string;
  try {
    target = await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw ioError("read", path, error);
    // Missing, or a symlink to a file not there yet: create the file where it points.
    const link = await lstat(path).catch(() => undefined);
    if (link?.isSymbolicLink() === true) {
      throw new CliError(
        `cannot edit ${path}: it is a symbolic link to a file that does not exist; create that file or remove the link`,
        ExitCode.FAILURE,
      );
    }
    return { path, target: path, text: undefined, mode: undefined };
  }
  try {
    const info = await lstat(target);
    if (!info.isFile()) {
      throw new CliError(`cannot edit ${path}: it is not a regular file`, ExitCode.FAILURE);
    }
    return { path, target, text: await readFile(target, "utf8"), mode: info.mode & 0o7777 };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw ioError("read", path, error);
  }
}

/** Where a settings file's copy from before agentwatch's last change of it is kept. */
export function backupPath(file: SettingsFile): string {
  return `${file.target}.agentwatch-backup`;
}

/**
 * Replaces the settings file with `text`: the old contents first go to its backup (mode 0600,
 * beside it), then a temp file with the file's mode is written, flushed and renamed over it (a
 * symlinked file is replaced where it points). A new file in a new directory gets `dirMode`.
 * Resolves to the backup's path (undefined for a new file).
 *
 * @throws {CliError} when it cannot be written, or when it changed since it was read.
 */
export async function writeSettingsFile(
  file: SettingsFile,
  text: string,
  options: { dirMode: number; fileMode: number },
): Promise<string | undefined> {
  const dir = dirname(file.target);
  let backup: string | undefined;
  let temp: string | undefined;
  try {
    await mkdir(dir, { recursive: true, mode: options.dirMode });
    if (file.text !== undefined) {
      backup = backupPath(file);
      await writeFileAtomic(backup, file.text);
    }
    temp = tempPathFor(file.target);
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.chmod(file.mode ?? options.fileMode);
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const now = await readFile(file.target, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
    if (now !== file.text) {
      throw new CliError(
        `${file.path} changed while agentwatch was editing it; nothing was written, run the command again`,
        ExitCode.FAILURE,
      );
    }
    await rename(temp, file.target);
    temp = undefined;
    await fsyncDir(dir);
    return backup;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw ioError("write", file.path, error);
  } finally {
    if (temp !== undefined) await unlink(temp).catch(() => {});
  }
}
