import { spawn } from "node:child_process";
import { scaled } from "@agentwatch/test-kit";

/** How a command ended. */
export interface CommandRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The deadline before scaling: then the command is killed and the run rejects. */
  readonly timeoutMs: number;
}

/**
 * Runs `command` (found on PATH) with its output piped and resolves when it exits, whatever its
 * exit code. Rejects, after killing it, when it outlives the scaled deadline, with what it printed.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const deadline = scaled(options.timeoutMs);
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `${command} ${args.join(" ")} did not finish within ${deadline} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, deadline);
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${error.message}`, { cause: error }));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Throws with the command's output unless it exited 0. */
export function assertSucceeded(what: string, run: CommandRun): CommandRun {
  if (run.code !== 0) {
    throw new Error(
      `${what} failed (exit ${run.code})\nstdout: ${run.stdout}\nstderr: ${run.stderr}`,
    );
  }
  return run;
}

/**
 * This process's environment without the npm_* variables a package manager sets for the script it
 * runs (npm_config_local_prefix would make npm install into this workspace package), keeping the
 * ones that say where and how to reach the registry.
 */
export function registryEnv(): NodeJS.ProcessEnv {
  const keep =
    /^npm_config_(registry|cache|userconfig|cafile|ca|strict_ssl|proxy|https_proxy|http_proxy|noproxy|no_proxy|@.*|\/\/.*)$/i;
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || keep.test(key)),
  );
}
