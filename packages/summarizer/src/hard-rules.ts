import type { ActivityAnalysis } from "@agentwatch/activity";
import type { JudgeDigest } from "./digest.js";
import { subversionVerdict, SUBVERSION_REASON } from "./heuristic-provider.js";
import { LIST_ITEM_MAX_CHARS, LIST_MAX_ITEMS } from "./judgement.js";
import type { Judgement } from "./provider.js";
import { capList } from "./text.js";

/**
 * A verdict (a model's, or any provider's) checked against the rules no verdict may break: an
 * action that subverts the task (a test skipped, CI disabled, a force-push to main) is never
 * `on_track`, `drifting` or `unknown`: it is `off_track`, with the evidence first among the
 * reasons. (A pending prompt, a usage limit, an exit or a loop is `blocked` by `composeSummary`.)
 */
export function enforceHardRules(
  judgement: Judgement,
  digest: JudgeDigest,
  task: string | null,
  activity: Pick<ActivityAnalysis, "state">,
): Judgement {
  const subverted = subversionVerdict(digest, task);
  if (subverted === null) return judgement;
  const waiting = activity.state === "waiting_permission" || activity.state === "waiting_input";
  if (
    judgement.on_track_status === "off_track" ||
    (judgement.on_track_status === "blocked" && waiting)
  ) {
    const missing = subverted.drift_reasons.filter((r) => !judgement.drift_reasons.includes(r));
    return {
      ...judgement,
      drift_reasons: capList(
        [...judgement.drift_reasons, ...missing],
        LIST_MAX_ITEMS,
        LIST_ITEM_MAX_CHARS,
      ),
    };
  }
  return {
    ...judgement,
    on_track_status: "off_track",
    confidence_score: Math.max(judgement.confidence_score, subverted.confidence_score),
    drift_reasons: capList(
      [
        ...subverted.drift_reasons,
        ...judgement.drift_reasons.filter((r) => !r.startsWith(SUBVERSION_REASON)),
      ],
      LIST_MAX_ITEMS,
      LIST_ITEM_MAX_CHARS,
    ),
    recommended_action: subverted.recommended_action,
  };
}
