import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { agentProcessCommand } from "./entry.js";
import type { Scenario } from "./scenarios.js";
import { simulateAgent } from "./simulate.js";

/** One simulated agent of the demo workspace. */
export interface SimAgentSpec {
  readonly instanceId: string;
  readonly instanceName: string;
  readonly role: string;
  readonly assignedTask: string;
  readonly scenario: Scenario;
  /** Rotate its log once during the run, the way logrotate would. */
  readonly rotation?: "rename" | "copytruncate";
}

/** The demo fleet, in order; a demo with n agents takes the first n. */
export const SIM_AGENTS: readonly SimAgentSpec[] = [
  {
    instanceId: "backend-dev",
    instanceName: "backend-dev",
    role: "backend_developer",
    assignedTask: "Implement JWT authentication for the login route",
    scenario: "implement-feature",
    rotation: "rename",
  },
  {
    instanceId: "codex-payments",
    instanceName: "codex-payments",
    role: "refactorer",
    assignedTask: "Refactor the payment module to use the Money type",
    scenario: "codex-refactor",
    rotation: "copytruncate",
  },
  {
    instanceId: "db-migrator",
    instanceName: "db-migrator",
    role: "database_engineer",
    assignedTask: "Add an email_verified column to users",
    scenario: "permission-prompt",
  },
  {
    instanceId: "api-server",
    instanceName: "api-server",
    role: "backend_developer",
    assignedTask: "Start the API server against the local database",
    scenario: "error-loop",
  },
  {
    instanceId: "docs-translator",
    instanceName: "docs-translator",
    role: "technical_writer",
    assignedTask: "Translate the README into Japanese",
    scenario: "unicode-docs",
  },
  {
    instanceId: "test-runner",
    instanceName: "test-runner",
    role: "qa_engineer",
    assignedTask: "Keep the test suite green",
    scenario: "test-runner",
  },
];

/** The log of an instance in the original orchestrator's layout. */
export function logPathOf(workspace: string, instanceId: string): string {
  return join(workspace, "instances", instanceId, "tmux_output.log");
}

/** A running simulated agent. */
export interface RunningAgent {
  readonly spec: SimAgentSpec;
  readonly seed: number;
  readonly logPath: string;
  readonly child: ChildProcess;
  /** Stops it and resolves to how many writes it made. */
  stop(): Promise<number>;
  /**
   * Kills it and anything it started at once (SIGKILL to its process group); synchronous, for
   * `process.on("exit")`. The agent also stops by itself when this process dies, however it dies:
   * its stdin is a pipe from this process, and it exits when that pipe closes.
   */
  kill(): void;
}

/** The write after which an agent's log is rotated: about 40% into the run. */
function rotationPoint(scenario: Scenario, seed: number, pauseScale: number, atMs: number): number {
  let elapsed = 0;
  let writes = 0;
  for (const write of simulateAgent({ seed, scenario, pauseScale })) {
    writes++;
    elapsed += write.pauseMs;
    if (elapsed >= atMs) break;
  }
  return Math.max(1, writes);
}

/** Writes the original orchestrator's `metadata.json` for an instance. */
async function writeMetadata(workspace: string, spec: SimAgentSpec): Promise<void> {
  const dir = join(workspace, "instances", spec.instanceId);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, "metadata.json"),
    `${JSON.stringify(
      {
        instance_id: spec.instanceId,
        instance_name: spec.instanceName,
        role: spec.role,
        assigned_task: spec.assignedTask,
        created_at: new Date().toISOString(),
      },
      null,
      2,
    )}\n`,
  );
}

/**
 * Starts one simulated agent process writing `<workspace>/instances/<id>/tmux_output.log` (with
 * the orchestrator's `metadata.json` beside it) and resolves once its log exists. Its seed is
 * `run * 1000 + index + 1`, so a resumed workspace (a later `run`) writes new content.
 */
export async function startAgent(
  workspace: string,
  spec: SimAgentSpec,
  options: { run: number; index: number; durationMs: number },
): Promise<RunningAgent> {
  await writeMetadata(workspace, spec);
  const seed = options.run * 1000 + options.index + 1;
  const logPath = logPathOf(workspace, spec.instanceId);
  const pauseScale = 1;
  const { command, args } = agentProcessCommand();
  const flags = ["--log", logPath, "--seed", String(seed), "--scenario", spec.scenario];
  flags.push("--pause-scale", String(pauseScale));
  if (spec.rotation !== undefined) {
    const at = rotationPoint(spec.scenario, seed, pauseScale, options.durationMs * 0.4);
    flags.push("--rotate-after", String(at), "--rotate-mode", spec.rotation);
  }
  // Its own process group (a Ctrl-C in the terminal reaches this process, which stops it in
  // order), and a stdin pipe from this process whose end tells it its parent is gone.
  const child = spawn(command, [...args, ...flags], {
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  // "close", not "exit": the final report on stdout must have been read by then.
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  // The pipe is never written; once the agent is gone it must not keep this process alive.
  void exited.then(() => child.stdin.destroy());
  // The log exists once the agent says it is ready; polls start after that.
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (!stdout.includes('{"ready":true}')) return;
      child.stdout.off("data", onData);
      resolve();
    };
    child.stdout.on("data", onData);
    void exited.then((code) =>
      reject(
        new Error(`simulated agent ${spec.instanceId} exited early (${code}): ${stderr.trim()}`),
      ),
    );
  });
  return {
    spec,
    seed,
    logPath,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const code = await exited;
      const report = /\{"writes":(\d+),"bytes":\d+\}/.exec(stdout);
      if (code !== 0 || report === null) {
        throw new Error(
          `simulated agent ${spec.instanceId} failed (exit ${code}): ${stderr.trim()}`,
        );
      }
      return Number(report[1]);
    },
    kill() {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    },
  };
}

/** The demo workspace's own record: how many runs it has seen. */
export async function nextRun(workspace: string): Promise<number> {
  const file = join(workspace, "demo.json");
  let runs = 0;
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as { runs?: unknown };
    if (typeof parsed.runs === "number") runs = parsed.runs;
  } catch {
    // A new workspace.
  }
  await mkdir(workspace, { recursive: true });
  await writeFile(file, `${JSON.stringify({ runs: runs + 1 })}\n`);
  return runs + 1;
}
