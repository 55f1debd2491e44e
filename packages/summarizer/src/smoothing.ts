import type { AgentSummary } from "@agentwatch/models";
import type { Judgement } from "./provider.js";

/** The confidence from which a single `off_track` verdict stands on its own. */
export const OFF_TRACK_MIN_CONFIDENCE = 0.8;

/**
 * The start of the drift reason that marks an `off_track` verdict shown as `drifting`; the next
 * summary reads it from `previous_summary` to tell that the verdict before was `off_track` too.
 */
export const UNCONFIRMED_OFF_TRACK = "unconfirmed off_track verdict";

/** Whether `previous` holds an `off_track` verdict: shown as such, or held back as unconfirmed. */
export function wasOffTrack(previous: AgentSummary | null): boolean {
  if (previous === null) return false;
  return (
    previous.on_track_status === "off_track" ||
    previous.drift_reasons.some((reason) => reason.startsWith(UNCONFIRMED_OFF_TRACK))
  );
}

/** What smoothing decided about a new verdict. */
export interface Smoothed {
  /** The verdict to show. */
  readonly judgement: Judgement;
  /** The reason to add when an `off_track` verdict is held back as `drifting`, else null. */
  readonly marker: string | null;
}

/**
 * Status smoothing: one `off_track` verdict below 0.8 confidence does not flip an agent to
 * `off_track`. It is shown as `drifting` (a step, not a flip), with a marker reason, until the
 * next verdict is `off_track` too (two in a row) or a verdict has at least 0.8 confidence.
 */
export function smoothVerdict(judgement: Judgement, previous: AgentSummary | null): Smoothed {
  if (
    judgement.on_track_status !== "off_track" ||
    judgement.confidence_score >= OFF_TRACK_MIN_CONFIDENCE ||
    wasOffTrack(previous)
  )
    return { judgement, marker: null };
  return {
    judgement: { ...judgement, on_track_status: "drifting" },
    marker: `${UNCONFIRMED_OFF_TRACK} (confidence ${judgement.confidence_score.toFixed(2)}): shown as drifting until a second verdict or one of at least ${OFF_TRACK_MIN_CONFIDENCE} confirms it`,
  };
}
