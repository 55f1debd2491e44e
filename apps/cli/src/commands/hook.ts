import {
  type Stats,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  writeSync,
} from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { isatty } from "node:tty";
import { HOOKS_DIR_NAME, HOOKS_FILE_NAME, hookRecordLine, hooksFilePath } from "../hook-record.js";
import { ownDirs, stateHome } from "../state-paths.js";

// `agentwatch hook`: what Claude Code's hooks run, on every event. It must cost little more than
// Node.js starting and must never fail, hang or print. So main.ts loads this module alone (no
// commander, no monitor), it imports only Node.js and two small modules of its own, and its file
// work is synchronous: a handful of system calls, without thread-pool round trips. The directory
// checks are @agentwatch/safe-fs's rules (see its README), done synchronously here because
// loading that package would cost the hook more than the checks themselves.

/** How long the hook waits for its stdin to close before recording what it has. */
export const HOOK_STDIN_DEADLINE_MS = 2000;

/** The hook's own problems go to `<stateHome>/hook-errors.log`, never to Claude Code. */
export const HOOK_ERROR_LOG_NAME = "hook-errors.log";

/** Past this size the error log is moved to `hook-errors.log.1` and started again. */
const ERROR_LOG_MAX_BYTES = 64 * 1024;

/** Stdin beyond this is read and dropped (a line keeps far less of it anyway). */
const STDIN_MAX_BYTES = 8 * 1024 * 1024;

const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;
const NO_FOLLOW = (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

const REASONS: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "it is on a read-only file system",
  ENOTDIR: "a part of its path is not a directory",
  EEXIST: "it exists and is not a directory",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exceeded",
  EIO: "an input/output error",
  ELOOP: "it is a symbolic link, and agentwatch never writes its files through one",
};

/** A path the hook refuses to write to, with why and what to do. */
class UnsafePath extends Error {}

/** `--state-dir DIR` or `--state-dir=DIR` from the arguments after `hook`; the rest is unknown. */
export function parseHookArgs(argv: readonly string[]): {
  stateDir?: string;
  unknownArgs: string[];
} {
  let stateDir: string | undefined;
  const unknownArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--state-dir" && i + 1 < argv.length) stateDir = argv[++i];
    else if (arg.startsWith("--state-dir=")) stateDir = arg.slice("--state-dir=".length);
    else unknownArgs.push(arg);
  }
  return stateDir === undefined ? { unknownArgs } : { stateDir, unknownArgs };
}

/** The parent, grandparent, … of `pid` (at most `levels`) from /proc; empty without /proc. */
export function parentPids(pid: number, levels = 4): number[] {
  const out: number[] = [];
  let current = pid;
  for (let i = 0; i < levels; i++) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${current}/stat`, "latin1");
    } catch {
      break;
    }
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (!Number.isInteger(ppid) || ppid <= 0) break;
    out.push(ppid);
    current = ppid;
  }
  return out;
}

interface Stdin {
  readonly text: string;
  /** More was sent than was kept. */
  readonly cut: boolean;
  /** Still open at the deadline. */
  readonly timedOut: boolean;
  readonly bytes: number;
}

/**
 * Reads stdin to its end, or until `deadlineMs`, keeping at most {@link STDIN_MAX_BYTES}. Through
 * `process.stdin`, in the event loop: a plain read left waiting in the thread pool would keep the
 * process from exiting at the deadline.
 */
function readStdin(stdin: NodeJS.ReadableStream, deadlineMs: number): Promise<Stdin> {
  return new Promise((resolvePromise) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let total = 0;
    let settled = false;
    const finish = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stdin.pause();
      const text = Buffer.concat(chunks).toString("utf8");
      resolvePromise({ text, cut: total > kept, timedOut, bytes: total });
    };
    const timer = setTimeout(() => finish(true), deadlineMs);
    stdin.on("data", (chunk: Buffer | string) => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      total += bytes.length;
      if (kept < STDIN_MAX_BYTES) {
        const part = bytes.subarray(0, STDIN_MAX_BYTES - kept);
        chunks.push(part);
        kept += part.length;
      }
    });
    stdin.once("end", () => finish(false));
    stdin.once("error", () => finish(false));
  });
}

/** The state directory the hook writes: `--state-dir`, else the one `agentwatch watch` uses. */
function resolveStateDir(run: HookRun): string | undefined {
  const given = run.stateDir;
  if (given !== undefined && given !== "") {
    const home = run.env.HOME;
    if ((given === "~" || given.startsWith("~/")) && home !== undefined && home !== "") {
      return join(home, given.slice(1));
    }
    return isAbsolute(given) ? given : resolve(run.cwd, given);
  }
  const home = stateHome(run.env);
  return home === undefined ? undefined : ownDirs(home).state_dir;
}

const uid = typeof process.geteuid === "function" ? process.geteuid() : undefined;

/** Why `info` (of `path`) is not a directory only this user controls, if it is not. */
function ownDirProblem(path: string, info: Stats, role: string): string | undefined {
  if (!info.isDirectory()) return `cannot use ${path} as the ${role}: it is not a directory`;
  if (uid === undefined) return undefined;
  if (info.uid !== uid) {
    return `refusing to use ${path} as the ${role}: it is owned by uid ${info.uid}, not by you (uid ${uid}), so that user could read or replace what agentwatch keeps there; remove it or choose a directory of your own`;
  }
  if ((info.mode & 0o022) !== 0) {
    return `refusing to use ${path} as the ${role}: it is writable by others (mode 0${(info.mode & 0o7777).toString(8)}); run chmod go-w ${path} or choose another directory`;
  }
  return undefined;
}

/**
 * `path` made (0700, with missing parents) or checked to be a directory only this user controls,
 * with no directory above it that another user (root aside) owns or that others may write without
 * the sticky bit: @agentwatch/safe-fs's `ensurePrivateDir`. Returns its real path.
 */
function privateDir(path: string, role: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const real = realpathSync(path);
  const problem = ownDirProblem(path, statSync(real), role);
  if (problem !== undefined) throw new UnsafePath(problem);
  if (uid === undefined) return real;
  for (let above = dirname(real); ; above = dirname(above)) {
    const info = statSync(above);
    if (info.uid !== uid && info.uid !== 0) {
      throw new UnsafePath(
        `refusing to use ${path} as the ${role}: ${above} above it is owned by uid ${info.uid}, who could replace it; choose a directory that only you and root control`,
      );
    }
    if ((info.mode & 0o022) !== 0 && (info.mode & 0o1000) === 0) {
      throw new UnsafePath(
        `refusing to use ${path} as the ${role}: ${above} above it is writable by others without the sticky bit, so they could replace it; choose a directory that only you and root control`,
      );
    }
    if (dirname(above) === above) return real;
  }
}

/** `path` (inside a private directory) made (0700) or checked to be a real directory of ours. */
function privateSubdir(path: string, role: string): void {
  try {
    mkdirSync(path, { mode: 0o700 });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const info = lstatSync(path);
  if (info.isSymbolicLink()) {
    throw new UnsafePath(
      `refusing to use ${path} as the ${role}: it is a symbolic link, and agentwatch follows none below the directory it was given; remove the link`,
    );
  }
  const problem = ownDirProblem(path, info, role);
  if (problem !== undefined) throw new UnsafePath(problem);
}

/** `path` opened to append (created 0600), never through a symlink, and only a regular file. */
function openAppend(path: string): number {
  const fd = openSync(path, APPEND | NO_FOLLOW, 0o600);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) {
      throw new UnsafePath(`refusing to open ${path}: it is not a regular file; remove it`);
    }
    if ((info.mode & 0o077) !== 0 && info.uid === uid) fchmodSync(fd, 0o600);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Appends `line` to the hooks JSONL with one `write` (O_APPEND, so concurrent hooks never mix). */
function appendRecord(stateDir: string, line: string): void {
  const hooksDir = join(privateDir(stateDir, "state directory"), HOOKS_DIR_NAME);
  privateSubdir(hooksDir, "hooks directory");
  const path = join(hooksDir, HOOKS_FILE_NAME);
  const fd = openAppend(path);
  try {
    const bytes = Buffer.from(line, "utf8");
    const written = writeSync(fd, bytes, 0, bytes.length);
    if (written !== bytes.length) {
      throw Object.assign(new Error(`only ${written} of ${bytes.length} bytes were written`), {
        code: "ENOSPC",
      });
    }
  } finally {
    closeSync(fd);
  }
}

/** One line for the error log: what failed, on what, and what to do. */
function describeFailure(error: unknown, stateDir: string): string {
  const file = hooksFilePath(stateDir);
  if (error instanceof UnsafePath) {
    return `cannot record a Claude Code hook event in ${file}: ${error.message} (or reinstall the hooks with another directory: agentwatch hooks install --state-dir DIR)`;
  }
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const reason = REASONS[code] ?? (error as Error).message;
  const where = (error as NodeJS.ErrnoException).path;
  const at = where !== undefined && where !== file ? ` (at ${where})` : "";
  return `cannot record a Claude Code hook event in ${file}: ${reason}${REASONS[code] !== undefined ? ` (${code})` : ""}${at}; make ${stateDir} a directory of yours that you can write, or reinstall the hooks with another one (agentwatch hooks install --state-dir DIR)`;
}

/**
 * Appends `message` to `<stateHome>/hook-errors.log` (a private file in a private directory,
 * moved to `.1` past 64 KiB), or nowhere if that cannot be written: never to Claude Code.
 */
function logProblem(env: Readonly<Record<string, string | undefined>>, message: string): void {
  const home = stateHome(env);
  if (home === undefined) return;
  try {
    const path = join(privateDir(home, "agentwatch state home"), HOOK_ERROR_LOG_NAME);
    let fd = openAppend(path);
    if (fstatSync(fd).size > ERROR_LOG_MAX_BYTES) {
      closeSync(fd);
      renameSync(path, `${path}.1`);
      fd = openAppend(path);
    }
    try {
      // eslint-disable-next-line no-control-regex
      const text = message.replace(/[\u0000-\u001f\u007f]+/g, " ").slice(0, 2000);
      writeSync(fd, `${new Date().toISOString()} agentwatch hook: ${text}\n`);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Nowhere left to say it; Claude Code must not hear of it.
  }
}

/** What `agentwatch hook` runs with. */
export interface HookRun {
  /** `--state-dir`, as given; `~` and relative paths are resolved here. */
  readonly stateDir?: string | undefined;
  /** Arguments it did not understand: reported in the error log, otherwise ignored. */
  readonly unknownArgs?: readonly string[] | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdinDeadlineMs?: number | undefined;
}

/**
 * Records one Claude Code hook event: reads the payload from stdin (until it closes, or for at
 * most {@link HOOK_STDIN_DEADLINE_MS}), appends one line to `<state_dir>/hooks/claude-hooks.jsonl`
 * and resolves. It never rejects and never writes to stdout: a problem (a broken or unsafe state
 * directory, a full disk, stdin left open) goes to `<stateHome>/hook-errors.log`. Run by hand in a
 * terminal, it explains itself on stderr instead of waiting for input.
 */
export async function runHook(run: HookRun): Promise<void> {
  try {
    if (isatty(0)) {
      process.stderr.write(
        "agentwatch hook: records one Claude Code hook event, given as JSON on stdin; Claude Code runs it through the hooks `agentwatch hooks install` adds\n",
      );
      return;
    }
    const deadline = run.stdinDeadlineMs ?? HOOK_STDIN_DEADLINE_MS;
    const stdin = await readStdin(process.stdin, deadline);
    const receivedAt = new Date();
    const problems: string[] = [];
    if (run.unknownArgs !== undefined && run.unknownArgs.length > 0) {
      problems.push(
        `ignored arguments it does not know: ${run.unknownArgs.join(" ")} (it takes --state-dir DIR)`,
      );
    }
    if (stdin.timedOut) {
      problems.push(
        `stdin was still open after ${deadline} ms; recorded the ${stdin.bytes} bytes received by then`,
      );
    }
    const stateDir = resolveStateDir(run);
    if (stateDir === undefined) {
      problems.push(
        "cannot record a Claude Code hook event: neither HOME nor XDG_STATE_HOME is set and no --state-dir was given; reinstall the hooks with agentwatch hooks install --state-dir DIR",
      );
    } else {
      const line = hookRecordLine({
        text: stdin.text,
        cut: stdin.cut,
        receivedAt,
        pid: process.pid,
        ppids: parentPids(process.pid),
      });
      try {
        appendRecord(stateDir, line);
      } catch (error) {
        problems.push(describeFailure(error, stateDir));
      }
    }
    for (const problem of problems) logProblem(run.env, problem);
  } catch (error) {
    logProblem(run.env, `unexpected error: ${(error as Error).message}`);
  }
}

/**
 * `agentwatch hook ARGS…`: records the event and exits 0, whatever happens, within the stdin
 * deadline and a second more. main.ts calls it before loading anything else.
 */
export async function hookMain(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<never> {
  const { stateDir, unknownArgs } = parseHookArgs(argv);
  // However a file system misbehaves (a hung network mount), Claude Code gets its exit 0.
  setTimeout(() => process.exit(0), HOOK_STDIN_DEADLINE_MS + 1000).unref();
  await runHook({ stateDir, unknownArgs, env, cwd: process.cwd() });
  process.exit(0);
}
