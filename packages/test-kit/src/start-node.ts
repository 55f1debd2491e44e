import { type ChildProcess, spawn } from "node:child_process";
import { scaled } from "./deadline.js";

/** Options of {@link startNode}. */
export interface StartNodeOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** A stdin pipe the test writes to (`child.stdin`), or none; "ignore" by default. */
  readonly stdin?: "pipe" | "ignore";
}

/** Options of {@link NodeChild.waitForLine}. */
export interface LineWaitOptions {
  /** What is waited for, for the timeout message. */
  readonly what: string;
  /** Resolve on the nth matching line (1, the first, by default). */
  readonly nth?: number;
  /** The deadline before scaling; 20 s by default. */
  readonly timeoutMs?: number;
}

/** How a child process ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running node script started by {@link startNode}. */
export interface NodeChild {
  readonly child: ChildProcess;
  /** Its complete stdout lines so far. */
  readonly lines: readonly string[];
  /** Its stderr so far. */
  stderr(): string;
  /** Settles when it has exited and its output is read. */
  readonly exited: Promise<ChildExit>;
  /**
   * Resolves with the `nth` stdout line (earlier ones included) that `matches`; rejects when the
   * child exits first, or at the (scaled) deadline, with what it printed.
   */
  waitForLine(matches: (line: string) => boolean, options: LineWaitOptions): Promise<string>;
  /** Sends `signal` (SIGKILL by default) unless it has exited; resolves once it has. */
  stop(signal?: NodeJS.Signals): Promise<ChildExit>;
}

/**
 * Starts `script` (built JavaScript) with this Node.js, stdout and stderr piped, and follows its
 * stdout line by line, so a test waits for what the child says rather than for time to pass.
 *
 * @example
 * const writer = startNode(testChild(new URL("./children/writer.ts", import.meta.url)), [dir]);
 * await writer.waitForLine((line) => line === "ready", { what: "the writer to start" });
 */
export function startNode(
  script: string,
  args: readonly string[],
  options: StartNodeOptions = {},
): NodeChild {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
  });
  // A write to a child that was just killed must not take the test process down.
  child.stdin?.on("error", () => {});
  const lines: string[] = [];
  let partial = "";
  let errText = "";
  const listeners = new Set<(line: string) => void>();
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      for (const listener of [...listeners]) listener(line);
    }
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (errText += chunk));
  const exited = new Promise<ChildExit>((resolve) => {
    child.on("error", (error) => {
      errText += `\n(cannot start: ${error.message})`;
      resolve({ code: null, signal: null });
    });
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  let done = false;
  void exited.then(() => (done = true));
  const said = () =>
    `${script} ${args.join(" ")}\nstdout (last 20 lines): ${lines.slice(-20).join("\n")}\nstderr: ${errText}`;

  const waitForLine = (matches: (line: string) => boolean, wait: LineWaitOptions) =>
    new Promise<string>((resolve, reject) => {
      const nth = wait.nth ?? 1;
      let seen = 0;
      const listener = (line: string): boolean => {
        if (!matches(line) || ++seen < nth) return false;
        finish();
        resolve(line);
        return true;
      };
      const ms = scaled(wait.timeoutMs ?? 20_000);
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${ms} ms waiting for ${wait.what}\n${said()}`));
      }, ms);
      const finish = () => {
        clearTimeout(timer);
        listeners.delete(listener);
      };
      for (const line of lines) if (listener(line)) return;
      listeners.add(listener);
      void exited.then(({ code, signal }) => {
        if (!listeners.has(listener)) return;
        finish();
        reject(new Error(`exited (${code ?? signal}) before ${wait.what}\n${said()}`));
      });
    });

  return {
    child,
    lines,
    stderr: () => errText,
    exited,
    waitForLine,
    stop(signal = "SIGKILL") {
      if (!done && child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
