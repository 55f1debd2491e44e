import { appendFile, mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG, type MonitoringConfig } from "@agentwatch/config";
import type { ActivityState, OnTrackStatus } from "@agentwatch/models";
import { createMonitoringService, layoutSource } from "@agentwatch/monitor";
import { HeuristicProvider, SummaryGenerator } from "@agentwatch/summarizer";
import { SummaryStore } from "@agentwatch/summary-store";
import { cutBytes, planCuts, splitLines } from "./cuts.js";
import type { EvalCase } from "./eval-case.js";
import { seedOf } from "./random.js";

/** Seconds between two polls, as the monitor runs by default. */
export const POLL_SECONDS = 12;
/** Where the fake clock starts (any fixed time: runs are repeatable). */
export const CLOCK_START_MS = Date.parse("2025-06-02T09:00:00.000Z");
/** How long before a poll its cut was written (the file's modification time). */
const WRITTEN_BEFORE_POLL_MS = 5_000;

/** What the monitor said after one poll. */
export interface PollVerdict {
  /** Seconds since the first poll. */
  readonly at_seconds: number;
  /** Lines of the log written so far. */
  readonly lines: number;
  readonly state: ActivityState | null;
  readonly status: OnTrackStatus | null;
}

/** What the monitor made of one case: its final stored summary, and how it got there. */
export interface CaseRun {
  readonly id: string;
  /** Lines per poll, in order (the cuts). */
  readonly cuts: readonly number[];
  /** Polls run, quiet ones included. */
  readonly polls: number;
  /** The final stored summary's activity state; null when none was stored. */
  readonly state: ActivityState | null;
  /** The final stored summary's on-track status; null when none was stored. */
  readonly status: OnTrackStatus | null;
  /** Its confidence, 0 to 1; null when none was stored. */
  readonly confidence: number | null;
  /** Its current activity, for reading the results. */
  readonly activity: string | null;
  /** Its drift reasons and recommended action, for reading the results. */
  readonly reasons: readonly string[];
  /** The stored verdict after each poll. */
  readonly trajectory: readonly PollVerdict[];
  /** Errors the service reported while running the case (none expected). */
  readonly errors: readonly string[];
}

/** Options of `runCase`. */
export interface RunCaseOptions {
  /** The run's seed; with the case id it decides the cuts. */
  readonly seed?: number | undefined;
  /** Where to make the case's temporary directory (the OS's by default). */
  readonly tmpRoot?: string | undefined;
}

/** The seed of a case's cuts: the run's seed combined with its id. */
export function caseSeed(id: string, seed: number): number {
  return seedOf(`${seed}:${id}`);
}

/**
 * Feeds one case to a real `MonitoringService` (built as the CLI builds it, with the offline
 * heuristic provider) the way the monitor meets an agent: in a temporary directory laid out as
 * the original orchestrator's (`instances/<id>/tmux_output.log` and `metadata.json` with the
 * task), the log growing by one seeded cut of 20–200 lines before each poll, a fake clock 12 s
 * further at every poll, `runOnce()` per poll, then `quiet_seconds` of polls without new output.
 * Resolves with the final stored summary; the temporary directory is removed.
 *
 * @throws {CutPlanError} when the case's log is too short for two cuts.
 * @example
 * const run = await runCase(cases[0], { seed: 1 });
 * run.state; // "working"
 */
export async function runCase(evalCase: EvalCase, options: RunCaseOptions = {}): Promise<CaseRun> {
  const lines = splitLines(evalCase.log);
  const cuts = planCuts(lines.length, caseSeed(evalCase.id, options.seed ?? 1));
  const pieces = cutBytes(lines, cuts);
  const root = await mkdtemp(join(options.tmpRoot ?? tmpdir(), "agentwatch-eval-"));
  try {
    const logDir = join(root, "logs");
    const agentDir = join(logDir, "instances", evalCase.id);
    const logPath = join(agentDir, "tmux_output.log");
    await mkdir(agentDir, { recursive: true, mode: 0o700 });
    await writeFile(
      join(agentDir, "metadata.json"),
      JSON.stringify({
        instance_name: evalCase.id,
        created_at: new Date(CLOCK_START_MS).toISOString(),
        ...(evalCase.task === null ? {} : { assigned_task: evalCase.task }),
      }),
    );
    let now = CLOCK_START_MS;
    const clock = () => now;
    const config: MonitoringConfig = {
      ...DEFAULT_CONFIG,
      log_dir: logDir,
      state_dir: join(root, "state"),
      summary_dir: join(root, "summaries"),
    };
    const store = new SummaryStore(config.summary_dir);
    const service = await createMonitoringService(config, {
      clock,
      source: layoutSource(logDir),
      generator: new SummaryGenerator({ provider: new HeuristicProvider(), clock }),
      store,
    });
    const errors: string[] = [];
    service.on("error", (event) => errors.push(event.error.message));
    const trajectory: PollVerdict[] = [];
    let written = 0;
    const poll = async () => {
      await service.runOnce();
      const latest = await store.getLatest(evalCase.id);
      trajectory.push({
        at_seconds: (now - CLOCK_START_MS) / 1000,
        lines: written,
        state: latest?.activity_state ?? null,
        status: latest?.on_track_status ?? null,
      });
    };
    try {
      for (const [index, piece] of pieces.entries()) {
        if (index > 0) now += POLL_SECONDS * 1000;
        await appendFile(logPath, piece);
        written += cuts[index] ?? 0;
        const mtime = new Date(now - WRITTEN_BEFORE_POLL_MS);
        await utimes(logPath, mtime, mtime);
        await poll();
      }
      for (let quiet = 0; quiet < evalCase.quiet_seconds; quiet += POLL_SECONDS) {
        now += POLL_SECONDS * 1000;
        await poll();
      }
    } finally {
      await service.stop();
    }
    const latest = await store.getLatest(evalCase.id);
    return {
      id: evalCase.id,
      cuts,
      polls: trajectory.length,
      state: latest?.activity_state ?? null,
      status: latest?.on_track_status ?? null,
      confidence: latest?.confidence_score ?? null,
      activity: latest?.current_activity ?? null,
      reasons: [
        ...(latest?.drift_reasons ?? []),
        ...(latest?.recommended_action == null ? [] : [latest.recommended_action]),
      ],
      trajectory,
      errors,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
