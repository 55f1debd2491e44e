import { isAbsolute, join, resolve } from "node:path";
import { InvalidOptionError } from "../errors.js";

/**
 * Where a source resolves the paths it is given (a log directory, a glob pattern, an agents file):
 * `~` and `~/…` against `home`, relative paths against `cwd`. An app passes both (the directory
 * the user ran the command in, and their home directory); the library reads no environment.
 */
export interface SourcePathOptions {
  /**
   * The absolute directory relative paths are resolved against. Defaults to the process's working
   * directory when the source is created (what `path.resolve` does); pass it explicitly.
   */
  readonly cwd?: string | undefined;
  /**
   * The absolute home directory `~` and `~/…` stand for. No default: without it, a path starting
   * with `~/` (or `~` alone) is refused. `~user/…` is not expanded (it is a relative path).
   */
  readonly home?: string | undefined;
}

/** The checked options: `cwd` absolute, `home` absolute or undefined. */
export interface ResolvedPathOptions {
  readonly cwd: string;
  readonly home: string | undefined;
}

/** Whether `path` is `~` or starts with `~/`: the home directory's shorthand. */
export function startsWithHome(path: string): boolean {
  return path === "~" || path.startsWith("~/");
}

/**
 * The options of `what` (such as `globSource`), checked.
 *
 * @throws {InvalidOptionError} when `cwd` or `home` is given but is not an absolute path.
 */
export function checkPathOptions(options: SourcePathOptions, what: string): ResolvedPathOptions {
  for (const key of ["cwd", "home"] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== "string" || !isAbsolute(value))) {
      throw new InvalidOptionError(
        `invalid ${what} option ${key}: expected an absolute path (got ${JSON.stringify(value) ?? String(value)}); pass ${key === "cwd" ? "the directory the command was run in" : "the user's home directory"}`,
        key,
      );
    }
  }
  return { cwd: resolve(options.cwd ?? "."), home: options.home };
}

/**
 * The part of `path` after `~`, joined to `home`; `path` itself when it does not start with `~`.
 * Returns an Error (not thrown) when it does and `home` is undefined.
 */
export function expandHome(path: string, home: string | undefined): string | Error {
  if (!startsWithHome(path)) return path;
  if (home === undefined) {
    return new Error(
      `${JSON.stringify(path)} starts with ~ but no home directory was given; pass { home } to the source (or write the path in full)`,
    );
  }
  return join(home, path.slice(1));
}

/**
 * `path` as an absolute path: `~` against `home`, a relative path against `base`.
 *
 * @throws {InvalidOptionError} (option `home`) when it starts with `~` and `home` is undefined.
 */
export function resolveSourcePath(
  path: string,
  base: string,
  home: string | undefined,
  what: string,
): string {
  const expanded = expandHome(path, home);
  if (expanded instanceof Error) {
    throw new InvalidOptionError(`invalid ${what} path: ${expanded.message}`, "home");
  }
  return resolve(base, expanded);
}
