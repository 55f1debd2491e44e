import {
  ACTIVITY_STATES,
  type ActivityState,
  ON_TRACK_STATUSES,
  type OnTrackStatus,
  isActivityState,
  isOnTrackStatus,
} from "@agentwatch/models";
import { CaseError } from "./errors.js";

/** The agent programs the set covers. */
export const EVAL_AGENT_KINDS = ["claude-code", "codex", "aider", "gemini", "shell"] as const;

/** One of the agent programs the set covers (`shell`: a generic agent driving a shell). */
export type EvalAgentKind = (typeof EVAL_AGENT_KINDS)[number];

/** What a careful person sees at the end of a session: the labels a case is scored on. */
export interface Truth {
  /** What the agent is doing at the end. */
  readonly state: ActivityState;
  /** Whether it is on track with its task at the end. */
  readonly status: OnTrackStatus;
  /** One line: why these labels. */
  readonly why: string;
}

/** A structured session file the tool writes beside the terminal, kept with the case. */
export interface TranscriptForm {
  /** `claude-transcript` (`~/.claude/projects/<dir>/<session>.jsonl`) or `codex-rollout` (`~/.codex/sessions/…/rollout-*.jsonl`). */
  readonly format: "claude-transcript" | "codex-rollout";
  /** The file in the case directory. */
  readonly file: string;
  /** Where the tool would have written it. */
  readonly written_as: string;
}

/** The fields of a case's `case.json`. */
export interface CaseMeta {
  readonly id: string;
  readonly kind: EvalAgentKind;
  /** The task as the monitor has it (the agent's `assigned_task`); null when its source gives none. */
  readonly task: string | null;
  readonly truth: Truth;
  /** Seconds that pass without new output after the last cut (one poll by default; a stall: longer). */
  readonly quiet_seconds: number;
  /** What the case covers, for reading the results: `healthy`, `loop`, `subversion`, `stall`… */
  readonly tags: readonly string[];
  /** Where the session comes from (`written for this set`). */
  readonly provenance: string;
  /** The structured session file, for tools that write one. */
  readonly transcript: TranscriptForm | null;
}

/** A case as loaded: its metadata, its terminal bytes and where it lives. */
export interface EvalCase extends CaseMeta {
  /** The case directory. */
  readonly dir: string;
  /** The terminal log, raw bytes as a tmux pipe-pane capture gives them. */
  readonly log: Buffer;
  /** The transcript form's bytes (the file `transcript.file`); null when the case has none. */
  readonly session: Buffer | null;
}

/** The case id pattern: lowercase words joined by dashes (also the directory name). */
export const CASE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function fail(where: string, message: string): never {
  throw new CaseError(`${where}: ${message}`);
}

function text(record: Record<string, unknown>, key: string, where: string): string {
  const value = record[key];
  if (typeof value !== "string" || value.trim() === "")
    fail(where, `"${key}" must be a non-empty string`);
  return value;
}

/**
 * Checks a parsed `case.json`.
 *
 * @throws {CaseError} naming the file and the first field that is missing or wrong.
 */
export function parseCaseMeta(raw: unknown, where: string): CaseMeta {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    fail(where, "expected a JSON object");
  const record = raw as Record<string, unknown>;
  const id = text(record, "id", where);
  if (!CASE_ID.test(id)) fail(where, `"id" must be lowercase words joined by dashes (got ${id})`);
  const kind = record.kind;
  if (!(EVAL_AGENT_KINDS as readonly unknown[]).includes(kind))
    fail(where, `"kind" must be one of ${EVAL_AGENT_KINDS.join(", ")}`);
  const task = record.task;
  if (task !== null && (typeof task !== "string" || task.trim() === ""))
    fail(where, `"task" must be a non-empty string or null`);
  const truth = record.truth as Record<string, unknown> | undefined;
  if (typeof truth !== "object" || truth === null) fail(where, `"truth" must be an object`);
  if (!isActivityState(truth.state))
    fail(where, `"truth.state" must be one of ${ACTIVITY_STATES.join(", ")}`);
  if (!isOnTrackStatus(truth.status))
    fail(where, `"truth.status" must be one of ${ON_TRACK_STATUSES.join(", ")}`);
  const why = text(truth, "why", `${where} truth`);
  const quiet = record.quiet_seconds ?? 12;
  if (typeof quiet !== "number" || !Number.isFinite(quiet) || quiet < 0)
    fail(where, `"quiet_seconds" must be a number of seconds >= 0`);
  const tags = record.tags ?? [];
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== "string"))
    fail(where, `"tags" must be a list of strings`);
  const provenance = text(record, "provenance", where);
  const transcript = (record.transcript ?? null) as Record<string, unknown> | null;
  if (transcript !== null) {
    if (transcript.format !== "claude-transcript" && transcript.format !== "codex-rollout")
      fail(where, `"transcript.format" must be claude-transcript or codex-rollout`);
    text(transcript, "file", `${where} transcript`);
    const writtenAs = text(transcript, "written_as", `${where} transcript`);
    if (!writtenAs.startsWith("~/") || writtenAs.split("/").includes(".."))
      fail(
        where,
        `"transcript.written_as" must be a path under ~/ without ".." (got ${writtenAs})`,
      );
  }
  return {
    id,
    kind: kind as EvalAgentKind,
    task,
    truth: { state: truth.state, status: truth.status, why },
    quiet_seconds: quiet,
    tags: tags as string[],
    provenance,
    transcript: transcript as TranscriptForm | null,
  };
}
