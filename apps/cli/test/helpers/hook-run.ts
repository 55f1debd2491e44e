import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { asOtherUser, scaled } from "@agentwatch/test-kit";
import { main } from "./cli.js";

/** How an `agentwatch hook` run ended. */
export interface HookRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly pid: number;
}

/** Options of {@link runHook}. */
export interface HookRunOptions {
  /** Its whole environment (HOME at least). */
  readonly env: Record<string, string>;
  readonly cwd?: string;
  /** Leave stdin open after writing the payload, as a misbehaving caller would. */
  readonly keepStdinOpen?: boolean;
  /** Run it as the test machine's second user (setpriv). */
  readonly asOtherUser?: boolean;
  /** A shell command line to run instead of the built CLI (`sh -c`), such as an installed hook. */
  readonly shell?: string;
}

/**
 * Runs `agentwatch hook ARGS…` (the built CLI, as Claude Code runs it: a pipe on stdin, output
 * piped) with `payload` on its stdin; resolves when it exits, rejects past a generous deadline.
 */
export function runHook(
  args: readonly string[],
  payload: string,
  options: HookRunOptions,
): Promise<HookRun> {
  const [file, ...argv] =
    options.shell !== undefined
      ? ["/bin/sh", "-c", options.shell]
      : options.asOtherUser === true
        ? (([command, wrapped]) => [command, ...wrapped])(
            asOtherUser(process.execPath, [main, "hook", ...args]),
          )
        : [process.execPath, main, "hook", ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`agentwatch hook did not exit within ${scaled(30_000)} ms: ${stderr}`));
    }, scaled(30_000));
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.stdin.on("error", () => {}); // it may exit before reading everything
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, signal, stdout, stderr, pid: child.pid! });
    });
    child.stdin.write(payload);
    if (options.keepStdinOpen !== true) child.stdin.end();
  });
}

/** The default state directory under `home` (no XDG_STATE_HOME). */
export function defaultStateDir(home: string): string {
  return join(home, ".local", "state", "agentwatch", "state");
}

/** The hook's error log under `home`. */
export function errorLog(home: string): string {
  return join(home, ".local", "state", "agentwatch", "hook-errors.log");
}

/** The hooks JSONL in `stateDir`, parsed line by line (every line must be JSON). */
export async function hookLines(stateDir: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(stateDir, "hooks", "claude-hooks.jsonl"), "utf8");
  expectEndsWithNewline(text);
  return text
    .slice(0, -1)
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function expectEndsWithNewline(text: string): void {
  if (!text.endsWith("\n")) throw new Error(`the hooks JSONL does not end with a newline`);
}

/** A Notification payload as Claude Code sends it when it asks for permission. */
export function permissionPayload(sessionId: string, extra: Record<string, unknown> = {}): object {
  return {
    session_id: sessionId,
    transcript_path: `/home/dev/.claude/projects/-home-dev-app/${sessionId}.jsonl`,
    cwd: "/home/dev/app",
    hook_event_name: "Notification",
    notification_type: "permission_prompt",
    message: "Claude needs your permission to use Bash",
    ...extra,
  };
}
