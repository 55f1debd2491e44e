import { appendFile, mkdtemp, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG, type MonitoringConfig } from "@agentwatch/config";
import type { ActivityState, AgentSummary, OnTrackStatus } from "@agentwatch/models";
import { createMonitoringService } from "@agentwatch/monitor";
import { HeuristicProvider, SummaryGenerator } from "@agentwatch/summarizer";
import { SummaryStore } from "@agentwatch/summary-store";
import { cutBytes, planCuts, splitLines } from "./cuts.js";
import { CaseError } from "./errors.js";
import type { EvalCase } from "./eval-case.js";
import { prepareForm } from "./form-setup.js";
import type { EvalForm } from "./forms.js";
import { seedOf } from "./random.js";
import { sessionCuts } from "./session-cuts.js";

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
  /**
   * Lines of the terminal log by then: written, in the terminal and joined forms; how far the
   * session's timeline is, in the transcript form (which writes no terminal log).
   */
  readonly lines: number;
  /** Entries of the session file written by then; null in the terminal form. */
  readonly session_entries: number | null;
  readonly state: ActivityState | null;
  readonly status: OnTrackStatus | null;
}

/** What the monitor made of one case in one form: its final stored summary, and how it got there. */
export interface CaseRun {
  readonly id: string;
  /** The form it was run in. */
  readonly form: EvalForm;
  /** The agent whose summary was scored (the case id, or the session's agent found); null: none. */
  readonly instance_id: string | null;
  /** Terminal lines per poll, in order (the cuts; in the transcript form, the session's timeline). */
  readonly cuts: readonly number[];
  /** Session-file entries per poll (following `cuts`); null in the terminal form. */
  readonly session_cuts: readonly number[] | null;
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
  /** What the harness saw go other than planned: no session found, a session not joined. */
  readonly notes: readonly string[];
}

/** Options of `runCase`. */
export interface RunCaseOptions {
  /** The run's seed; with the case id it decides the cuts. */
  readonly seed?: number | undefined;
  /** The form to run (`terminal` by default); `transcript` and `joined` need a transcript form. */
  readonly form?: EvalForm | undefined;
  /** Where to make the case's temporary directory (the OS's by default). */
  readonly tmpRoot?: string | undefined;
}

/** The seed of a case's cuts: the run's seed combined with its id. */
export function caseSeed(id: string, seed: number): number {
  return seedOf(`${seed}:${id}`);
}

/**
 * Feeds one case to a real `MonitoringService` (built as the CLI builds it, with the offline
 * heuristic provider) the way the monitor meets an agent, with a fake clock 12 s further at every
 * poll and `runOnce()` per poll, then `quiet_seconds` of polls without new output. The terminal
 * log grows by one seeded cut of 20–200 lines before each poll; a session file grows with it,
 * holding the entries written by then (see `sessionCuts`). By form:
 *
 * - `terminal`: the log in the original orchestrator's layout (`instances/<id>/tmux_output.log`,
 *   `metadata.json` with the task), found by `layoutSource`;
 * - `transcript`: the session file alone, where its tool writes it in a fake home
 *   (`~/.claude/projects/…`, `~/.codex/sessions/…`), found by the real session sources; the agent
 *   the monitor lists for it is scored;
 * - `joined`: the terminal log as a tmux pane running the tool in the session's directory, joined
 *   with the session file by `joinSessions`; the pane's agent is scored.
 *
 * Resolves with the final stored summary; the temporary directory is removed.
 *
 * @throws {CutPlanError} when the case's log is too short for two cuts.
 * @throws {CaseError} when the form needs a transcript the case does not have.
 * @example
 * const run = await runCase(cases[0], { seed: 1, form: "joined" });
 * run.state; // "waiting_permission"
 */
export async function runCase(evalCase: EvalCase, options: RunCaseOptions = {}): Promise<CaseRun> {
  const form = options.form ?? "terminal";
  const lines = splitLines(evalCase.log);
  const cuts = planCuts(lines.length, caseSeed(evalCase.id, options.seed ?? 1));
  const pieces = cutBytes(lines, cuts);
  let entries: Buffer[] = [];
  let entryCuts: number[] | null = null;
  if (form !== "terminal") {
    if (evalCase.transcript === null || evalCase.session === null)
      throw new CaseError(
        `case ${evalCase.id} has no transcript form to run as ${form}; run it as terminal`,
      );
    entries = splitLines(evalCase.session);
    entryCuts = sessionCuts(entries, cuts);
  }
  const root = await mkdtemp(join(options.tmpRoot ?? tmpdir(), "agentwatch-eval-"));
  try {
    let now = CLOCK_START_MS;
    const clock = () => now;
    const setup = await prepareForm(evalCase, form, {
      root,
      clock,
      startMs: CLOCK_START_MS,
      pieces,
      entries,
      entryCuts,
    });
    const config: MonitoringConfig = {
      ...DEFAULT_CONFIG,
      log_dir: join(root, "logs"),
      state_dir: join(root, "state"),
      summary_dir: join(root, "summaries"),
    };
    const store = new SummaryStore(config.summary_dir);
    const service = await createMonitoringService(config, {
      clock,
      source: setup.source,
      generator: new SummaryGenerator({ provider: new HeuristicProvider(), clock }),
      store,
    });
    const errors: string[] = [];
    service.on("error", (event) => errors.push(event.error.message));
    const notes = new Set<string>();
    const trajectory: PollVerdict[] = [];
    let scored: string | null = null;
    let latest: AgentSummary | undefined;
    let shown = 0;
    let written = 0;
    const poll = async () => {
      await service.runOnce();
      scored = setup.scored(service.getAgents(), notes);
      latest = scored === null ? undefined : await store.getLatest(scored);
      trajectory.push({
        at_seconds: (now - CLOCK_START_MS) / 1000,
        lines: shown,
        session_entries: entryCuts === null ? null : written,
        state: latest?.activity_state ?? null,
        status: latest?.on_track_status ?? null,
      });
    };
    try {
      for (const [index, size] of cuts.entries()) {
        if (index > 0) now += POLL_SECONDS * 1000;
        const mtime = new Date(now - WRITTEN_BEFORE_POLL_MS);
        for (const file of setup.files) {
          const piece = file.pieces[index];
          if (piece === undefined || piece.length === 0) continue;
          await appendFile(file.path, piece);
          await utimes(file.path, mtime, mtime);
        }
        shown += size;
        written += entryCuts?.[index] ?? 0;
        await poll();
      }
      for (let quiet = 0; quiet < evalCase.quiet_seconds; quiet += POLL_SECONDS) {
        now += POLL_SECONDS * 1000;
        await poll();
      }
    } finally {
      await service.stop();
    }
    const last = latest;
    return {
      id: evalCase.id,
      form,
      instance_id: scored,
      cuts,
      session_cuts: entryCuts,
      polls: trajectory.length,
      state: last?.activity_state ?? null,
      status: last?.on_track_status ?? null,
      confidence: last?.confidence_score ?? null,
      activity: last?.current_activity ?? null,
      reasons: [
        ...(last?.drift_reasons ?? []),
        ...(last?.recommended_action == null ? [] : [last.recommended_action]),
      ],
      trajectory,
      errors,
      notes: [...notes],
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
