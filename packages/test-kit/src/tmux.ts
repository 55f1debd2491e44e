import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
let servers = 0;

/** Options of {@link TmuxServer.newSession}. */
export interface SessionOptions {
  readonly width?: number;
  readonly height?: number;
  /** The working directory of the session's first pane. */
  readonly cwd?: string;
}

/**
 * A tmux server of the test's own, on a private socket (`tmux -L`), never the user's default
 * server, with no configuration file read. `kill()` it after the test.
 */
export class TmuxServer {
  /** The socket name, for `tmux -L <socket>`. */
  readonly socket: string;

  private constructor(socket: string) {
    this.socket = socket;
  }

  /**
   * A new private server (started by its first session).
   *
   * @throws {Error} when tmux is not installed, saying how to get it.
   */
  static async create(): Promise<TmuxServer> {
    try {
      await run("tmux", ["-V"]);
    } catch (error) {
      throw new Error(
        `tmux is needed by this test and could not be run (${(error as Error).message}); install it (apt-get install tmux) — .ci/run does`,
      );
    }
    servers++;
    return new TmuxServer(`agentwatch-test-${process.pid}-${servers}-${Date.now().toString(36)}`);
  }

  /**
   * Environment for tmux and what it starts: no TMUX (this is not a nested client), and not the
   * suite's own AGENTWATCH_TEST_TIMEOUT_SCALE, which agentwatch in a pane would refuse as an unknown
   * AGENTWATCH_* setting.
   */
  env(): NodeJS.ProcessEnv {
    const env = { ...process.env };
    delete env.TMUX;
    delete env.TMUX_PANE;
    delete env.AGENTWATCH_TEST_TIMEOUT_SCALE;
    return env;
  }

  /** Runs a tmux command against this server and resolves with its stdout. */
  async tmux(...args: string[]): Promise<string> {
    const { stdout } = await run("tmux", ["-L", this.socket, "-f", "/dev/null", ...args], {
      env: this.env(),
    });
    return stdout;
  }

  /** Starts a detached session running `command` (a shell command line); resolves with its pane id. */
  async newSession(name: string, command: string, options: SessionOptions = {}): Promise<string> {
    const args = ["new-session", "-d", "-s", name, "-P", "-F", "#{pane_id}"];
    args.push("-x", String(options.width ?? 160), "-y", String(options.height ?? 40));
    if (options.cwd !== undefined) args.push("-c", options.cwd);
    return (await this.tmux(...args, command)).trim();
  }

  /** The text a pane shows now. */
  async capture(target: string): Promise<string> {
    return this.tmux("capture-pane", "-p", "-t", target);
  }

  /** The pid of the process a pane started. */
  async panePid(target: string): Promise<number> {
    return Number((await this.tmux("display-message", "-p", "-t", target, "#{pane_pid}")).trim());
  }

  /** Kills the server and every pane; closing their terminals. Never throws. */
  async kill(): Promise<void> {
    await this.tmux("kill-server").catch(() => {});
  }
}
