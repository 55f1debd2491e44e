import type { ActivityAnalysis, ActivityState } from "@agentwatch/activity";
import type { AgentSummary } from "@agentwatch/models";
import type { Identity, MonitoredSummary } from "./agent-context.js";
import { blockOf, isBlockReason } from "./blocking-rule.js";
import { describeActivity } from "./describe-activity.js";
import { LIST_ITEM_MAX_CHARS, LIST_MAX_ITEMS } from "./judgement.js";
import type { Judgement } from "./provider.js";
import { smoothVerdict, UNCONFIRMED_OFF_TRACK } from "./smoothing.js";
import { capList, lastChars, safeText } from "./text.js";
import { SUBVERSION_REASON } from "./heuristic-provider.js";

/** The start of the drift reason added when the provider failed and the heuristic verdict is shown. */
export const MODEL_UNAVAILABLE = "model unavailable: ";

/** `output_preview` holds at most this many characters. */
export const PREVIEW_MAX_CHARS = 200;

/** `recent_tools` holds at most this many tools. */
export const RECENT_TOOLS_MAX = 5;

/** Everything a summary is made of. */
export interface SummaryParts {
  readonly instanceId: string;
  readonly identity: Identity;
  readonly now: Date;
  readonly idleSeconds: number;
  /** The verdict: a provider's, the heuristic fallback's, or the previous summary's carried forward. */
  readonly judgement: Judgement;
  /** Whether `judgement` is a new verdict (smoothing applies) rather than carried forward. */
  readonly fresh: boolean;
  /** The measured facts, or null when none are known (carried forward without an analysis). */
  readonly activity: ActivityAnalysis | null;
  readonly previous: AgentSummary | null;
  readonly previousState: ActivityState | undefined;
  /** `model unavailable: …` when the provider failed, else null. */
  readonly fallbackReason: string | null;
}

const OWNED = (reason: string) =>
  reason.startsWith(UNCONFIRMED_OFF_TRACK) || reason.startsWith(MODEL_UNAVAILABLE);

/** `head`, then as many of `middle` as fit, then `tail`, at most 10 items in all, no repeats. */
function reasons(head: string[], middle: string[], tail: string[]): string[] {
  const room = Math.max(0, LIST_MAX_ITEMS - head.length - tail.length);
  const unique = [...new Set([...head, ...middle.filter((r) => !head.includes(r))])];
  return capList(
    [...unique.slice(0, head.length + room), ...tail],
    LIST_MAX_ITEMS,
    LIST_ITEM_MAX_CHARS,
  );
}

/**
 * Builds the summary: measured facts from the activity, the verdict smoothed, and `blocked` by
 * rule when the agent waits, hit a usage limit or loops.
 */
export function composeSummary(parts: SummaryParts): MonitoredSummary {
  const { activity, previous } = parts;
  let judgement = parts.judgement;
  let marker: string | null = null;
  let carried: string[] = [];
  if (parts.fresh) {
    judgement = { ...judgement, drift_reasons: judgement.drift_reasons.filter((r) => !OWNED(r)) };
    ({ judgement, marker } = smoothVerdict(judgement, previous));
  } else {
    carried = judgement.drift_reasons.filter(OWNED);
    judgement = { ...judgement, drift_reasons: judgement.drift_reasons.filter((r) => !OWNED(r)) };
  }

  const found = activity ? blockOf(activity) : null;
  // A loop, a stall or a crash does not hide that the agent subverted its task.
  const subverted =
    judgement.on_track_status === "off_track" &&
    judgement.drift_reasons.some((reason) => reason.startsWith(SUBVERSION_REASON));
  const block = found !== null && found.soft && subverted ? null : found;
  let status = judgement.on_track_status;
  let confidence = judgement.confidence_score;
  let action = judgement.recommended_action;
  let current = judgement.current_activity;
  let middle = judgement.drift_reasons;
  const head: string[] = [];
  if (block !== null) {
    status = "blocked";
    confidence = block.confidence;
    action = block.action;
    head.push(block.reason);
    middle = middle.filter((reason) => !isBlockReason(reason));
  } else if (!parts.fresh && activity !== null && status === "blocked") {
    // carried forward: a block by rule that no longer holds is lifted
    const byRule = judgement.drift_reasons.some(isBlockReason);
    if (byRule) {
      status = "unknown";
      confidence = 0;
      action = null;
      middle = middle.filter((reason) => !isBlockReason(reason));
      current = describeActivity(activity);
    }
  }
  const tail = [
    ...carried,
    ...(marker === null ? [] : [marker]),
    ...(parts.fallbackReason === null ? [] : [parts.fallbackReason]),
  ];

  const summary: MonitoredSummary = {
    instance_id: parts.instanceId,
    instance_name: parts.identity.instance_name,
    timestamp: parts.now.toISOString(),
    current_activity: safeText(current),
    on_track_status: status,
    confidence_score: confidence,
    assigned_task: parts.identity.assigned_task,
    parent_instance_id: parts.identity.parent_instance_id,
    role: parts.identity.role,
    last_tool_used: activity ? activity.last_tool_used : (previous?.last_tool_used ?? null),
    recent_tools: (activity ? activity.recent_tools : (previous?.recent_tools ?? [])).slice(
      -RECENT_TOOLS_MAX,
    ),
    output_preview: lastChars(
      activity ? activity.output_preview : (previous?.output_preview ?? ""),
      PREVIEW_MAX_CHARS,
    ),
    idle_duration_seconds: parts.idleSeconds,
    drift_reasons: reasons(head, middle, tail).map((reason) => safeText(reason)),
    alignment_keywords: judgement.alignment_keywords.map((keyword) => safeText(keyword)),
    recommended_action: action === null ? null : safeText(action, true),
  };
  const state = activity?.state ?? parts.previousState;
  if (state !== undefined) summary.activity_state = state;
  return summary;
}
