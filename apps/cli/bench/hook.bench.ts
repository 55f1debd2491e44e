/**
 * Benchmark of `agentwatch hook`, what Claude Code runs on every hook event, with a typical
 * permission_prompt Notification payload, against a bare Node.js for scale:
 * - spawn to exit of `agentwatch hook` (payload written and stdin closed at once), median and p95;
 * - the same for `node -e ""`, interleaved with it, so both see the same machine;
 * - stdin closing to exit, once the hook process has had a second to start: what Claude Code
 *   waits for after it has sent the payload;
 * - spawn to exit of `agentwatch --version`, the full command line, which the hook's fast path
 *   does not load.
 *
 * `--quick` runs 10 of each instead of 50.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { type BenchRow, median, percentile, writeBenchResults } from "@agentwatch/bench-kit";

const quick = process.argv.includes("--quick");
const RUNS = quick ? 10 : 50;
const STARTED_RUNS = quick ? 5 : 20;
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const cli = join(packageDir, "dist", "main.js");

const PAYLOAD = JSON.stringify({
  session_id: "9f1c2b7e-5a1d-4c1e-9f51-2a7b3c4d5e6f",
  transcript_path:
    "/home/dev/.claude/projects/-home-dev-app/9f1c2b7e-5a1d-4c1e-9f51-2a7b3c4d5e6f.jsonl",
  cwd: "/home/dev/app",
  permission_mode: "default",
  hook_event_name: "Notification",
  message: "Claude needs your permission to use Bash",
  notification_type: "permission_prompt",
});

interface Timed {
  /** Spawn to exit. */
  readonly total: number;
  /** stdin closed to exit. */
  readonly afterStdin: number;
}

/** Runs `args` with `payload` on stdin (after `delayMs`) and times it; rejects unless it exits 0. */
function timeRun(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  payload: string | undefined,
  delayMs = 0,
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let closedAt = start;
    const child = spawn(process.execPath, args, {
      env,
      stdio: [payload === undefined ? "ignore" : "pipe", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.stdin?.on("error", () => {});
    const send = () => {
      child.stdin!.end(payload);
      closedAt = performance.now();
    };
    if (payload !== undefined) {
      if (delayMs > 0) setTimeout(send, delayMs);
      else send();
    }
    child.on("error", reject);
    child.on("exit", (code) => {
      const end = performance.now();
      if (code !== 0) reject(new Error(`${args.join(" ")} exited ${code}: ${stderr}`));
      else resolve({ total: end - start, afterStdin: end - closedAt });
    });
  });
}

async function main(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), "agentwatch-hook-bench-"));
  const env = { PATH: process.env.PATH ?? "", HOME: home };
  const hookArgs = [cli, "hook"];
  const rows: BenchRow[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      await timeRun(hookArgs, env, PAYLOAD); // warm the file cache
      await timeRun(["-e", ""], env, undefined);
    }
    const hook: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      hook.push((await timeRun(hookArgs, env, PAYLOAD)).total);
      bare.push((await timeRun(["-e", ""], env, undefined)).total);
    }
    const afterStdin: number[] = [];
    for (let i = 0; i < STARTED_RUNS; i++) {
      afterStdin.push((await timeRun(hookArgs, env, PAYLOAD, 1000)).afterStdin);
    }
    const full: number[] = [];
    for (let i = 0; i < Math.min(RUNS, 10); i++) {
      full.push((await timeRun([cli, "--version"], env, undefined)).total);
    }
    const file = join(
      home,
      ".local",
      "state",
      "agentwatch",
      "state",
      "hooks",
      "claude-hooks.jsonl",
    );
    const lines = (await readFile(file, "utf8")).trimEnd().split("\n").length;
    if (lines !== 5 + RUNS + STARTED_RUNS) {
      throw new Error(`expected ${5 + RUNS + STARTED_RUNS} recorded events, found ${lines}`);
    }
    const overhead = median(hook) - median(bare);
    rows.push(
      {
        name: "agentwatch hook, spawn to exit (permission_prompt payload)",
        value: median(hook),
        unit: "ms",
        note: `median of ${RUNS}; p95 ${percentile(hook, 95).toFixed(1)} ms`,
      },
      {
        name: 'node -e "", spawn to exit (interleaved with the above)',
        value: median(bare),
        unit: "ms",
        note: `median of ${RUNS}; p95 ${percentile(bare, 95).toFixed(1)} ms`,
      },
      {
        name: "agentwatch hook over bare Node.js (difference of medians)",
        value: overhead,
        unit: "ms",
        target: "<= 50 ms",
        pass: overhead <= 50,
      },
      {
        name: "agentwatch hook, stdin closed to exit (process started 1 s before)",
        value: median(afterStdin),
        unit: "ms",
        target: "<= 50 ms",
        pass: median(afterStdin) <= 50,
        note: `median of ${STARTED_RUNS}; p95 ${percentile(afterStdin, 95).toFixed(1)} ms`,
      },
      {
        name: "agentwatch --version, spawn to exit (the full command line)",
        value: median(full),
        unit: "ms",
        note: `median of ${full.length}: what the hook would cost without its fast path`,
      },
    );
  } finally {
    await rm(home, { recursive: true, force: true });
  }
  writeBenchResults(packageDir, "cli hook", rows);
}

await main();
