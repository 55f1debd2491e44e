import type { ActivityAnalysis } from "@agentwatch/activity";
import type { OnTrackStatus } from "@agentwatch/models";
import { blockOf } from "./blocking-rule.js";
import { describeActivity } from "./describe-activity.js";
import { ACTION_MAX_CHARS, LIST_ITEM_MAX_CHARS, LIST_MAX_ITEMS } from "./judgement.js";
import type { JudgeInput, Judgement, SummaryProvider } from "./provider.js";
import { buildDigest, type JudgeDigest } from "./digest.js";
import { capList, oneLine, truncate } from "./text.js";

/** The most an offline verdict claims: term overlap is evidence, not proof. */
export const HEURISTIC_MAX_CONFIDENCE = 0.85;

interface Verdict {
  status: OnTrackStatus;
  confidence: number;
  reasons: string[];
}

function listed(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/** The verdict of the digest: subversion, then drift over the window, then how well the work matches. */
function judgeDigest(digest: JudgeDigest, hasOutput: boolean): Verdict {
  const terms = digest.taskTerms;
  const shownTerms = listed(terms, 4);
  const drift = digest.drift;
  if (drift.verdict !== null) {
    const files = drift.unrelatedEdits.length > 0 ? `: ${listed(drift.unrelatedEdits)}` : "";
    const reason =
      drift.serving === 0
        ? `none of its recent edits and commands serve the task (${shownTerms})${files}`
        : `its last ${drift.unrelatedRun} edits and commands do not serve the task (${shownTerms})${files}`;
    return drift.verdict === "off_track"
      ? {
          status: "off_track",
          confidence: drift.serving === 0 && drift.unrelatedEdits.length >= 4 ? 0.8 : 0.65,
          reasons: [reason],
        }
      : { status: "drifting", confidence: 0.6, reasons: [reason] };
  }
  const mentioned = digest.mentionedTerms.length > 0 ? 0.05 : 0;
  if (drift.serving > 0) {
    const share = drift.share ?? 1;
    const confidence = Math.min(
      HEURISTIC_MAX_CONFIDENCE,
      0.5 + 0.05 * Math.min(drift.serving, 3) + (share >= 0.5 ? 0.05 : 0) + mentioned,
    );
    return { status: "on_track", confidence, reasons: [] };
  }
  if (digest.actions.some((a) => a.serves === "task"))
    return { status: "on_track", confidence: 0.55 + mentioned, reasons: [] };
  if (digest.actions.length > 0)
    return { status: "on_track", confidence: 0.5 + mentioned, reasons: [] };
  // Words in its output are weak evidence: the lowest confidence an on_track verdict has.
  if (hasOutput) return { status: "on_track", confidence: mentioned > 0 ? 0.4 : 0.35, reasons: [] };
  return { status: "unknown", confidence: 0, reasons: [] };
}

function actionFor(
  status: OnTrackStatus,
  activity: ActivityAnalysis,
  task: string | null,
): string | null {
  const shortTask = task ? truncate(oneLine(task), 200) : "";
  if (status === "off_track" && shortTask) return `Remind the agent of its task: ${shortTask}`;
  if (activity.state === "exited")
    return "The agent's process has exited; restart it if its task is not finished.";
  if (activity.state === "errored") {
    const error = activity.errors.at(-1)?.text;
    return `Look at the error and help the agent past it${error ? `: ${truncate(oneLine(error), 200)}` : "."}`;
  }
  if (status === "drifting" && shortTask)
    return `Check that the agent's work still serves its task: ${shortTask}`;
  if (activity.state === "idle") return "Review the agent's result and give it its next step.";
  return null;
}

function repeatedErrors(activity: ActivityAnalysis): string[] {
  // Once the tests pass, earlier failures are history, not a worry; `Exit code 1` says nothing.
  if (activity.tests !== null && activity.tests.failed === 0 && activity.tests.passed > 0)
    return [];
  return activity.errors
    .filter((error) => error.count >= 2 && !/^Error: Exit code \d+$/.test(error.text))
    .slice(-2)
    .map((error) => `repeated error (${error.count}×): ${oneLine(error.text)}`);
}

/** The reason given when an agent's task is not known: the verdict says so instead of guessing. */
export const NO_TASK =
  "its task is not known, so whether it is on track is not judged; give its assigned_task in an agents file";

/**
 * The offline verdict: what the agent does, from the measured facts, and whether it serves its
 * task, from the overlap between the task's terms and the files, commands and output.
 */
export function heuristicJudgement(input: JudgeInput): Judgement {
  const { activity } = input;
  const current_activity = describeActivity(activity);
  const digest = input.digest ?? buildDigest(input);
  const alignment_keywords = capList(digest.matchedTerms, LIST_MAX_ITEMS, LIST_ITEM_MAX_CHARS);
  const subverted = subversionVerdict(digest, input.assignedTask);

  const block = blockOf(activity);
  if (block !== null && !(block.soft && subverted !== null))
    return {
      current_activity,
      on_track_status: "blocked",
      confidence_score: block.confidence,
      drift_reasons: [block.reason, ...(subverted?.drift_reasons ?? [])].slice(0, LIST_MAX_ITEMS),
      alignment_keywords,
      recommended_action: block.action,
    };
  if (subverted !== null) return { ...subverted, current_activity, alignment_keywords };
  const hasOutput =
    input.cleanedLines.some((line) => line.trim() !== "") || activity.output_preview.trim() !== "";
  if (digest.actions.length === 0 && !hasOutput)
    return {
      current_activity,
      on_track_status: "unknown",
      confidence_score: 0,
      drift_reasons: [],
      alignment_keywords: [],
      recommended_action: null,
    };
  let verdict: Verdict =
    digest.taskTerms.length > 0
      ? judgeDigest(digest, hasOutput)
      : {
          status: "unknown",
          confidence: 0,
          reasons: [
            input.assignedTask ? "its task gives no terms to compare its work with" : NO_TASK,
          ],
        };
  const errors = repeatedErrors(activity);
  if (errors.length > 0 && verdict.status !== "unknown")
    verdict = {
      ...verdict,
      confidence: Math.max(0.1, verdict.confidence - 0.1),
      reasons: [...verdict.reasons, ...errors],
    };
  const action = actionFor(verdict.status, activity, input.assignedTask);
  return {
    current_activity,
    on_track_status: verdict.status,
    confidence_score: Math.round(verdict.confidence * 100) / 100,
    drift_reasons: capList(verdict.reasons, LIST_MAX_ITEMS, LIST_ITEM_MAX_CHARS),
    alignment_keywords,
    recommended_action: action === null ? null : truncate(action, ACTION_MAX_CHARS),
  };
}

/** The start of the reasons a subverting action gives. */
export const SUBVERSION_REASON = "subverts its task: ";

/** The off_track verdict of the subverting actions in the digest, or null when there are none. */
export function subversionVerdict(
  digest: JudgeDigest,
  task: string | null,
): Omit<Judgement, "current_activity" | "alignment_keywords"> | null {
  if (digest.subversions.length === 0) return null;
  const reasons = digest.subversions
    .slice(-3)
    .map((meaning) => `${SUBVERSION_REASON}${meaning.evidence}`);
  const shortTask = task ? truncate(oneLine(task), 160) : "";
  return {
    on_track_status: "off_track",
    confidence_score: SUBVERSION_CONFIDENCE,
    drift_reasons: capList(reasons, LIST_MAX_ITEMS, LIST_ITEM_MAX_CHARS),
    recommended_action: truncate(
      `Stop the agent and undo it: ${digest.subversions.at(-1)!.evidence}${shortTask ? `. Its task: ${shortTask}` : ""}`,
      ACTION_MAX_CHARS,
    ),
  };
}

/** The confidence of an off_track verdict from a subverting action: it is seen, not inferred. */
export const SUBVERSION_CONFIDENCE = 0.9;

/**
 * The default provider: offline, free and deterministic.
 *
 * `current_activity` is composed from the measured facts ("Running `npm test` (2 failed) after
 * editing src/auth/jwt.ts"). The verdict comes from the digest (`buildDigest`): `blocked` when
 * the agent waits for permission or input, hit a usage limit, exited or crashed, stalled or
 * loops; `off_track` when an action subverts the task (a test skipped, CI disabled, a
 * force-push to main), whatever words match; `drifting` or `off_track` when a run of its recent
 * edits and commands does not serve the task (task terms without stop words, extensions or
 * prompt noise, matched in paths, commands and added text); else `on_track`, surer the more of
 * its work serves the task, lowered by repeated errors; `unknown` with confidence 0 when there is
 * no task or no evidence. It never claims more than 0.85 confidence from term overlap alone.
 *
 * @example
 * const generator = new SummaryGenerator({ provider: new HeuristicProvider() });
 */
export class HeuristicProvider implements SummaryProvider {
  /** Always `heuristic`. */
  readonly name = "heuristic";

  /** Judges from the measured facts and the task's terms; never rejects. */
  judge(input: JudgeInput): Promise<Judgement> {
    return Promise.resolve(heuristicJudgement(input));
  }
}
