import type { ActivityAnalysis } from "@agentwatch/activity";
import type { OnTrackStatus } from "@agentwatch/models";
import { blockOf } from "./blocking-rule.js";
import { describeActivity } from "./describe-activity.js";
import { ACTION_MAX_CHARS, LIST_ITEM_MAX_CHARS, LIST_MAX_ITEMS } from "./judgement.js";
import type { JudgeInput, Judgement, SummaryProvider } from "./provider.js";
import { matchedTerms, taskTerms, wordsOf } from "./task-terms.js";
import { capList, oneLine, truncate } from "./text.js";
import { pathOf, toolKind } from "./tool-kind.js";

/** The most an offline verdict claims: term overlap is evidence, not proof. */
export const HEURISTIC_MAX_CONFIDENCE = 0.85;

interface Evidence {
  /** Files edited in this poll. */
  readonly edited: string[];
  /** Words of the files, commands and searches of this poll and the recent carried ones. */
  readonly toolWords: string[];
  /** Words of the cleaned output. */
  readonly outputWords: string[];
  readonly hasTools: boolean;
  readonly hasOutput: boolean;
}

function gather(input: JudgeInput): Evidence {
  const { activity } = input;
  const edited: string[] = [];
  const toolTexts: string[] = [
    ...activity.files_touched.slice(-10),
    ...activity.commands_run.slice(-5),
  ];
  for (const call of activity.tool_calls) {
    const kind = toolKind(call.tool);
    if (kind === "edit") edited.push(pathOf(call));
    if (kind === "other" || kind === "plan") continue;
    toolTexts.push(kind === "edit" || kind === "read" ? pathOf(call) : call.argument);
  }
  const output = [...input.cleanedLines, activity.output_preview].join("\n");
  return {
    edited: [...new Set(edited.filter((path) => path !== ""))],
    toolWords: toolTexts.flatMap(wordsOf),
    outputWords: wordsOf(output),
    hasTools: toolTexts.length > 0,
    hasOutput: output.trim() !== "",
  };
}

interface Verdict {
  status: OnTrackStatus;
  confidence: number;
  reasons: string[];
}

function listed(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

function judgeOverlap(
  terms: readonly string[],
  evidence: Evidence,
): Verdict & { matched: string[] } {
  const fromTools = matchedTerms(terms, evidence.toolWords);
  const fromOutput = matchedTerms(terms, evidence.outputWords);
  const matched = terms.filter((term) => fromTools.includes(term) || fromOutput.includes(term));
  const unrelated = evidence.edited.filter(
    (path) => matchedTerms(terms, wordsOf(path)).length === 0,
  );
  const related = evidence.edited.length - unrelated.length;
  const shownTerms = listed(terms, 4);
  const unrelatedReason = `editing files unrelated to the task (${shownTerms}): ${listed(unrelated)}`;
  if (fromTools.length > 0) {
    if (unrelated.length >= 2 && unrelated.length > related)
      return { status: "drifting", confidence: 0.5, reasons: [unrelatedReason], matched };
    const extra = fromOutput.some((term) => !fromTools.includes(term)) ? 0.05 : 0;
    const confidence = Math.min(HEURISTIC_MAX_CONFIDENCE, 0.55 + 0.1 * fromTools.length + extra);
    return { status: "on_track", confidence, reasons: [], matched };
  }
  if (fromOutput.length > 0) {
    if (evidence.edited.length > 0 && related === 0)
      return { status: "drifting", confidence: 0.45, reasons: [unrelatedReason], matched };
    return { status: "on_track", confidence: 0.4, reasons: [], matched };
  }
  if (unrelated.length >= 2)
    return { status: "off_track", confidence: 0.65, reasons: [unrelatedReason], matched };
  if (unrelated.length === 1)
    return { status: "drifting", confidence: 0.55, reasons: [unrelatedReason], matched };
  if (evidence.hasTools)
    return {
      status: "drifting",
      confidence: 0.4,
      reasons: [`none of the task's terms (${shownTerms}) appear in its files or commands`],
      matched,
    };
  return {
    status: "drifting",
    confidence: 0.25,
    reasons: [`none of the task's terms (${shownTerms}) appear in its output`],
    matched,
  };
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
  return activity.errors
    .filter((error) => error.count >= 2)
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
  const evidence = gather(input);
  const terms = taskTerms(input.assignedTask);
  const overlap = terms.length > 0 ? judgeOverlap(terms, evidence) : null;
  const alignment_keywords = capList(overlap?.matched ?? [], LIST_MAX_ITEMS, LIST_ITEM_MAX_CHARS);

  const block = blockOf(activity);
  if (block !== null)
    return {
      current_activity,
      on_track_status: "blocked",
      confidence_score: block.confidence,
      drift_reasons: [block.reason],
      alignment_keywords,
      recommended_action: block.action,
    };
  if (!evidence.hasTools && !evidence.hasOutput)
    return {
      current_activity,
      on_track_status: "unknown",
      confidence_score: 0,
      drift_reasons: [],
      alignment_keywords: [],
      recommended_action: null,
    };
  let verdict: Verdict = overlap ?? {
    status: "unknown",
    confidence: 0,
    reasons: [terms.length === 0 ? NO_TASK : "its task gives no terms to compare its work with"],
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

/**
 * The default provider: offline, free and deterministic.
 *
 * `current_activity` is composed from the measured facts ("Running `npm test` (2 failed) after
 * editing src/auth/jwt.ts"); the verdict comes from the overlap between the assigned task's terms
 * (stop words removed, paths and camelCase split, `auth` ≈ `authentication`) and the files,
 * commands and output, lowered by repeated errors; `blocked` when the agent waits for permission
 * or input, hit a usage limit or loops; `unknown` with confidence 0 when there is no task or no
 * evidence. It never claims more than 0.85 confidence from overlap alone.
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
