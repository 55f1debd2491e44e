import { execFile } from "node:child_process";
import { TmuxError } from "./errors.js";

/** Which tmux server to talk to. */
export interface TmuxServerOptions {
  /** A socket name, as `tmux -L NAME` takes it. */
  readonly socketName?: string | undefined;
  /** A socket path, as `tmux -S PATH` takes it. */
  readonly socketPath?: string | undefined;
  /** The tmux program; `tmux` (from PATH) by default. */
  readonly command?: string | undefined;
  /**
   * The environment tmux runs with; by default this process's (so inside a tmux pane, `$TMUX`
   * names that pane's server).
   */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/** Runs tmux commands against one server. */
export class TmuxClient {
  readonly #options: TmuxServerOptions;

  constructor(options: TmuxServerOptions = {}) {
    this.#options = options;
  }

  /** `-L name` or `-S path`, as given. */
  get socketArgs(): string[] {
    const { socketName, socketPath } = this.#options;
    if (socketPath !== undefined) return ["-S", socketPath];
    if (socketName !== undefined) return ["-L", socketName];
    return [];
  }

  /**
   * Runs `tmux <args>` and resolves with its stdout.
   *
   * @throws {TmuxError} `TMUX_UNAVAILABLE` when tmux is missing or no server runs there,
   *   `TMUX_COMMAND_FAILED` for any other failure, with tmux's own message.
   */
  run(...args: string[]): Promise<string> {
    const command = this.#options.command ?? "tmux";
    return new Promise((resolve, reject) => {
      execFile(
        command,
        [...this.socketArgs, ...args],
        { env: this.#options.env ?? process.env, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
        (error, stdout, stderr) => {
          if (error === null) return resolve(stdout);
          const said = stderr.trim().split("\n")[0] ?? "";
          if ((error as NodeJS.ErrnoException).code === "ENOENT") {
            return reject(
              new TmuxError(
                `cannot run ${command}: it is not installed or not on PATH; install tmux`,
                "TMUX_UNAVAILABLE",
                { cause: error },
              ),
            );
          }
          if (/no server running|error connecting to|No such file or directory/.test(said)) {
            return reject(
              new TmuxError(
                `no tmux server is running${this.socketArgs.length > 0 ? ` on ${this.socketArgs.join(" ")}` : ""} (${said})`,
                "TMUX_UNAVAILABLE",
                { cause: error },
              ),
            );
          }
          reject(
            new TmuxError(
              `tmux ${args[0] ?? ""} failed: ${said || error.message}`,
              "TMUX_COMMAND_FAILED",
              { cause: error },
            ),
          );
        },
      );
    });
  }
}
