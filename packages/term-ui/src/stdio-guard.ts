import { closeSync, openSync } from "node:fs";
import { isatty } from "node:tty";

/** The standard streams of a process, as `guardStdio` watches them. */
export interface GuardedProcess {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  on(event: "exit", listener: () => void): unknown;
}

/** How often a terminal the process started on is checked for a hang-up nobody signalled. */
const HANGUP_CHECK_MS = 1000;

/** What `guardStdio` gives an app. */
export interface StdioGuard {
  /**
   * Aborted once stdout or stderr can no longer be written: the terminal hung up (EIO, after the
   * tmux session or the ssh connection is gone) or the pipe's reader left (EPIPE). The app stops
   * its work as on a signal; nothing more is written to that stream.
   */
  readonly gone: AbortSignal;
  /** Reports an error of another writer of fd 1 or 2 (a logger's destination): ends as `gone`. */
  readonly report: (error: unknown) => void;
}

/**
 * Keeps an app well-behaved when its terminal or pipe goes away under it. Errors on stdout and
 * stderr no longer crash the process; they abort `gone`. At exit, each of fds 0–2 that was a
 * terminal at start and is one no more (hung up) is pointed at /dev/null, so Node.js does not try
 * to restore the settings of a terminal that is gone: on Node.js 20 that fails an assertion in
 * `ResetStdio` and leaves the process spinning, orphaned, deaf to SIGTERM. A terminal that is
 * still there is restored as usual.
 *
 * Call it once, first thing, from an app's entry point.
 */
export function guardStdio(target: GuardedProcess): StdioGuard {
  const wasTerminal = [0, 1, 2].map((fd) => isatty(fd));
  const controller = new AbortController();
  const report = (error: unknown) => {
    if (!controller.signal.aborted) controller.abort(error);
  };
  target.stdout.on("error", report);
  target.stderr.on("error", report);
  target.on("exit", () => releaseHungUpTerminal(wasTerminal));
  if (wasTerminal.some(Boolean)) {
    const check = setInterval(() => {
      const fd = wasTerminal.findIndex((was, index) => was && !isatty(index));
      if (fd >= 0)
        report(Object.assign(new Error(`fd ${fd}: the terminal hung up`), { code: "EIO" }));
    }, HANGUP_CHECK_MS);
    check.unref();
    controller.signal.addEventListener("abort", () => clearInterval(check), { once: true });
  }
  return { gone: controller.signal, report };
}

/** Points each fd that was a terminal and is no longer one at /dev/null. */
function releaseHungUpTerminal(wasTerminal: readonly boolean[]): void {
  wasTerminal.forEach((was, fd) => {
    if (!was || isatty(fd)) return;
    try {
      closeSync(fd);
      // The lowest free descriptor is the one just closed: /dev/null takes its place.
      const reopened = openSync("/dev/null", fd === 0 ? "r" : "w");
      if (reopened !== fd) closeSync(reopened);
    } catch {
      // Nothing more can be done for a descriptor that is gone; exiting is what matters.
    }
  });
}
