import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import {
  type RunningAgent,
  SIM_AGENTS,
  expectedLines,
  logPathOf,
  nextRun,
  simulatedBytes,
  startAgent,
} from "@agentwatch/agent-sim";
import { IncrementalLogReader } from "@agentwatch/log-reader";
import { PositionTracker } from "@agentwatch/position-store";
import { glob } from "tinyglobby";
import type { DemoOptions } from "./args.js";
import { formatBytes } from "@agentwatch/term-ui";
import { DemoError } from "./errors.js";
import { renderPlain, renderTable, totalsLine } from "./render.js";
import { type WatchedLog, pollAll, watchedLog } from "./watch-state.js";

/** Where the demo writes and how it is stopped. */
export interface DemoIO {
  readonly out: (text: string) => void;
  readonly columns: () => number;
  /** Aborted on Ctrl-C, SIGTERM, SIGHUP, or when stdout is gone. */
  readonly signal: AbortSignal;
  /**
   * Registers a synchronous action for when the process exits, however it exits; returns its
   * removal. The simulated agents are killed there.
   */
  readonly onExit?: ((action: () => void) => () => void) | undefined;
}

const LOG_TYPE = "tmux_output";
const STATE_HINT = "choose a writable --state-dir";

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

async function openTracker(stateDir: string): Promise<PositionTracker> {
  let tracker: PositionTracker;
  try {
    tracker = await PositionTracker.open(stateDir);
  } catch (error) {
    const message = `cannot use state dir ${stateDir}: ${(error as Error).message}; ${STATE_HINT}`;
    throw new DemoError(message, 1, { cause: error });
  }
  // Opening may succeed on a read-only directory; find out now rather than at the first commit.
  const probe = join(stateDir, `.agentwatch-demo-probe-${process.pid}`);
  try {
    await writeFile(probe, "");
    await rm(probe, { force: true });
  } catch (error) {
    await tracker.close();
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new DemoError(`cannot write to state dir ${stateDir} (${code}); ${STATE_HINT}`, 1, {
      cause: error,
    });
  }
  return tracker;
}

async function logsFromGlob(pattern: string): Promise<WatchedLog[]> {
  const files = (await glob(pattern, { absolute: true, onlyFiles: true, dot: true })).sort();
  if (files.length === 0) {
    throw new DemoError(
      `--logs ${JSON.stringify(pattern)} matched no files; check the pattern and quote it so the shell does not expand it`,
    );
  }
  return files.map((file) => watchedLog(basename(dirname(file)), file));
}

/** The JSON `--once` prints. */
function onceReport(logs: readonly WatchedLog[]) {
  return {
    polled_at: new Date().toISOString(),
    agents: logs.map((log) => ({
      instance_id: log.instanceId,
      log_path: log.logPath,
      new_lines: log.linesThisPoll,
      total_lines: log.totalLines,
      bytes_behind: log.bytesBehind,
      has_more: log.hasMore,
      rotated: log.rotations > 0,
      truncated: log.truncations > 0,
      pending_partial: log.pendingPartial,
      error: log.error,
      lines: log.latestLines,
    })),
  };
}

/** Reads until nothing is left: no backlog and no held partial line (after its flush delay). */
async function drain(reader: IncrementalLogReader, logs: WatchedLog[], poll: number) {
  for (let round = 0; round < 1000; round++) {
    await pollAll(reader, logs, poll);
    const busy = logs.some((l) => l.hasMore || l.linesThisPoll > 0 || l.pendingPartial !== null);
    if (!busy) return;
    if (!logs.some((log) => log.hasMore)) await new Promise((r) => setTimeout(r, 250));
  }
}

/** Compares what each agent wrote with what was read; returns one message per mismatch. */
function verify(agents: readonly { agent: RunningAgent; writes: number }[], logs: WatchedLog[]) {
  const failures: string[] = [];
  let total = 0;
  for (const { agent, writes } of agents) {
    const options = { seed: agent.seed, scenario: agent.spec.scenario };
    const expected = expectedLines(simulatedBytes(options, writes));
    const digest = createHash("sha256");
    for (const line of expected) digest.update(line).update("\n");
    const log = logs.find((l) => l.instanceId === agent.spec.instanceId)!;
    total += expected.length;
    const same = digest.digest("hex") === log.digest.copy().digest("hex");
    if (expected.length !== log.linesRead || !same) {
      const detail = expected.length === log.linesRead ? " (content differs)" : "";
      failures.push(
        `${agent.spec.instanceId}: wrote ${expected.length} lines, read ${log.linesRead}${detail}`,
      );
    }
  }
  return { failures, total };
}

/**
 * Runs the demo: starts simulated agents (or finds `--logs`), polls their logs every interval with
 * `IncrementalLogReader` and `PositionTracker`, draws the table, and on stop drains, saves positions
 * and checks that every line written was read exactly once. Resolves to the exit code.
 *
 * @throws {DemoError} for a glob that matches nothing or an unusable state dir.
 */
export async function runDemo(options: DemoOptions, io: DemoIO): Promise<number> {
  const simulated = options.logs === undefined;
  const workspace = simulated
    ? resolve(options.workspace ?? (await mkdtemp(join(tmpdir(), "agentwatch-demo-"))))
    : undefined;
  const specs = SIM_AGENTS.slice(0, options.agents);
  const logs =
    workspace !== undefined
      ? specs.map((spec) => watchedLog(spec.instanceId, logPathOf(workspace, spec.instanceId)))
      : await logsFromGlob(options.logs!);
  const defaultStateDir =
    workspace !== undefined
      ? join(workspace, "monitoring_state")
      : join(tmpdir(), "agentwatch-demo", "monitoring_state");
  const stateDir = resolve(options.stateDir ?? defaultStateDir);
  const tracker = await openTracker(stateDir);
  const reader = new IncrementalLogReader({
    positionTracker: tracker,
    maxLinesPerRead: options.maxLines,
  });
  const say = (text: string) => {
    if (!options.once) io.out(`${text}\n`);
  };

  const resumed = logs.filter((l) => tracker.getPosition(l.instanceId, LOG_TYPE) !== undefined);
  if (workspace !== undefined) say(`workspace ${workspace}`);
  say(`positions in ${stateDir}`);
  if (resumed.length > 0) {
    say(`resumed ${resumed.length} ${simulated ? "agents" : "logs"} at their saved offsets`);
  }

  const durationMs = options.durationSeconds * 1000;
  const intervalMs = options.intervalSeconds * 1000;
  const agents: RunningAgent[] = [];
  // Every way out of the process takes the simulated agents with it (they also stop by themselves
  // when it dies, even by SIGKILL: their stdin pipe from it closes).
  const killAgents = () => {
    for (const agent of agents) agent.kill();
  };
  const offExit = io.onExit?.(killAgents);
  try {
    if (workspace !== undefined) {
      const run = await nextRun(workspace);
      const starting = specs.map((spec, index) =>
        startAgent(workspace, spec, { run, index, durationMs }),
      );
      const settled = await Promise.allSettled(starting);
      for (const result of settled) if (result.status === "fulfilled") agents.push(result.value);
      const failed = settled.find((result) => result.status === "rejected");
      if (failed !== undefined) throw failed.reason;
      say(
        `started ${agents.length} simulated agents (run ${run}); ` +
          `polling every ${options.intervalSeconds}s for ${options.durationSeconds}s`,
      );
    }
    const started = performance.now();
    let polls = 0;
    if (options.once) {
      if (simulated) await sleep(intervalMs, io.signal);
      await pollAll(reader, logs, ++polls);
    } else {
      for (;;) {
        await pollAll(reader, logs, ++polls);
        const totals = { polls, elapsedMs: performance.now() - started };
        io.out(options.live ? renderTable(logs, totals, io.columns()) : renderPlain(logs, totals));
        const nextAt = polls * intervalMs;
        if (io.signal.aborted || nextAt >= durationMs) break;
        await sleep(nextAt - (performance.now() - started), io.signal);
        if (io.signal.aborted) break;
      }
    }
    const stopped = agents.splice(0);
    const writes = await Promise.all(stopped.map((agent) => agent.stop()));
    if (options.once) {
      await tracker.close();
      io.out(`${JSON.stringify(onceReport(logs), null, 2)}\n`);
      return 0;
    }
    await drain(reader, logs, ++polls);
    await tracker.close();
    const elapsedMs = performance.now() - started;
    const rotations = logs.reduce((n, log) => n + log.rotations, 0);
    const truncations = logs.reduce((n, log) => n + log.truncations, 0);
    say("");
    say(`stopped${io.signal.aborted ? " early" : ""}: ${totalsLine(logs, { polls, elapsedMs })}`);
    say(`events: ${rotations} rotated, ${truncations} truncated; positions saved in ${stateDir}`);
    if (workspace === undefined) return 0;
    const check = verify(
      stopped.map((agent, i) => ({ agent, writes: writes[i]! })),
      logs,
    );
    if (check.failures.length > 0) {
      say("check FAILED: lines were lost or duplicated");
      for (const failure of check.failures) say(`  ${failure}`);
      return 1;
    }
    const bytes = formatBytes(logs.reduce((n, l) => n + l.bytesRead, 0));
    say(
      `check passed: all ${check.total.toLocaleString("en-US")} lines the agents wrote ` +
        `were read exactly once, in order (${bytes})`,
    );
    say(`run again with --workspace ${workspace} to resume from the saved positions`);
    return 0;
  } finally {
    await Promise.allSettled(agents.map((agent) => agent.stop()));
    offExit?.();
  }
}
