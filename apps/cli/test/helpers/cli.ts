import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CLAUDE_PROMPT, type NodeRun, asOtherUser, runNode } from "@agentwatch/test-kit";
import { afterEach, beforeEach } from "vitest";

/** The built CLI: tests run what users run. */
export const main = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
const packageDir = fileURLToPath(new URL("../..", import.meta.url));

/** A temp directory per test, as HOME and workspace of the agentwatch runs in it. */
export interface CliWorkspace {
  /** The temp directory. */
  dir: string;
  /** Runs the built `agentwatch` as a user would, output piped, with only the environment given. */
  readonly run: (args: string[], options?: RunOptions) => Promise<NodeRun>;
  /** An agent in the original orchestrator's layout under `<dir>/logs`, its log quiet for a minute. */
  readonly agent: (id: string, log: string, metadata?: object) => Promise<string>;
  /** `--state-dir <dir>/state --summary-dir <dir>/summaries`. */
  readonly dirs: () => string[];
}

export interface RunOptions {
  readonly env?: Record<string, string>;
  readonly until?: (out: string) => boolean;
  /** Run as the test machine's second user (setpriv). */
  readonly asOtherUser?: boolean;
}

/** A fresh {@link CliWorkspace} for each test of the file, removed after it. */
export function useCliWorkspace(): CliWorkspace {
  const ws: CliWorkspace = {
    dir: "",
    run: (args, options = {}) => {
      const env = { PATH: process.env.PATH ?? "", HOME: ws.dir, ...options.env };
      if (options.asOtherUser === true) {
        const [command, wrapped] = asOtherUser(process.execPath, [main, ...args]);
        return runNode(main, args, {
          cwd: ws.dir,
          env,
          until: options.until,
          command: [command, ...wrapped],
        });
      }
      return runNode(main, args, { cwd: packageDir, env, until: options.until });
    },
    agent: async (id, log, metadata = {}) => {
      const instance = join(ws.dir, "logs", "instances", id);
      await mkdir(instance, { recursive: true });
      const path = join(instance, "tmux_output.log");
      await writeFile(path, log);
      await writeFile(
        join(instance, "metadata.json"),
        JSON.stringify({ instance_name: id, created_at: "2026-12-01T10:00:00Z", ...metadata }),
      );
      const minuteAgo = new Date(Date.now() - 60_000);
      await utimes(path, minuteAgo, minuteAgo);
      return path;
    },
    dirs: () => ["--state-dir", join(ws.dir, "state"), "--summary-dir", join(ws.dir, "summaries")],
  };
  beforeEach(async () => {
    ws.dir = await mkdtemp(join(tmpdir(), "agentwatch-cli-"));
  });
  afterEach(async () => {
    await rm(ws.dir, { recursive: true, force: true });
  });
  return ws;
}

/** Claude Code at a permission prompt, as a log file holds it. */
export const PERMISSION = `${CLAUDE_PROMPT.join("\n")}\n`;

/** Claude Code at work. */
export const WORKING = [
  "> Implement JWT authentication for the login route",
  "⏺ Read(src/auth/jwt.ts)",
  "  ⎿  Read 120 lines",
  "⏺ Update(src/auth/jwt.ts)",
  "  ⎿  Updated src/auth/jwt.ts with 12 additions",
  "⏺ Bash(npm test -- auth)",
  "  ⎿  Tests: 2 failed, 14 passed, 16 total",
  "✶ Pondering… (12s · ↓ 1.2k tokens · esc to interrupt)",
  "",
].join("\n");
