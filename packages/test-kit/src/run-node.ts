import { type ChildProcess, spawn } from "node:child_process";
import { scaled } from "./deadline.js";

/** How a node script ended. */
export interface NodeRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runNode}. */
export interface RunNodeOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Called with stdout so far; SIGINT is sent the first time it returns true. */
  readonly until?: (stdout: string) => boolean;
  /** The deadline before scaling (60 s by default): then the process is killed and this rejects. */
  readonly timeoutMs?: number;
  /** Called once the child is spawned. */
  readonly started?: (child: ChildProcess) => void;
  /**
   * The command line to run instead of `node script args…` (for example the same under setpriv,
   * as another user); `script` and `args` then only name it in messages.
   */
  readonly command?: readonly string[];
}

/**
 * Runs `script` (built JavaScript) with this Node.js, as a user would, output piped; resolves when
 * it exits. Rejects, after killing it, if it outlives the deadline, with what it printed.
 */
export function runNode(
  script: string,
  args: readonly string[],
  options: RunNodeOptions = {},
): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const [file, ...argv] = options.command ?? [process.execPath, script, ...args];
    const child = spawn(file!, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    options.started?.(child);
    let stdout = "";
    let stderr = "";
    let signalled = false;
    const timer = setTimeout(
      () => {
        child.kill("SIGKILL");
        reject(
          new Error(
            `${script} ${args.join(" ")} did not exit within ${scaled(options.timeoutMs ?? 60_000)} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
          ),
        );
      },
      scaled(options.timeoutMs ?? 60_000),
    );
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
      if (!signalled && options.until?.(stdout) === true) {
        signalled = true;
        child.kill("SIGINT");
      }
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
