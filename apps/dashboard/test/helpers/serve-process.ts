import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

// `agentwatch serve`, run from the CLI's source as a user would run the binary.
const CLI = fileURLToPath(new URL("../../../cli/src/main.ts", import.meta.url));
const APP_DIR = fileURLToPath(new URL("../../", import.meta.url));

/** A running `agentwatch serve`. */
export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** What it wrote on stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `agentwatch serve` with `args` and resolves with its URL once it prints `listening on …`. */
export async function startServe(args: readonly string[]): Promise<ServeProcess> {
  // Not the suite's own setting (agentwatch refuses AGENTWATCH_* keys it does not know), and not
  // the Claude Code or Codex sessions of whoever runs the tests.
  const env = { ...process.env };
  delete env.AGENTWATCH_TEST_TIMEOUT_SCALE;
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=@agentwatch/source",
      CLI,
      "serve",
      "--offline",
      "--no-claude",
      "--no-codex",
      ...args,
    ],
    { cwd: APP_DIR, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
      const match = /^listening on (http:\/\/\S+)\n/m.exec(stdout);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    void exited.then(() =>
      reject(new Error(`agentwatch serve exited before listening:\n${stdout}\n${stderr}`)),
    );
  });
  return {
    url,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
