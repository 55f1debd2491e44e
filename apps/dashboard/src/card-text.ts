import { cleanLine, cleanText } from "./clean-text.js";
import type { Summary } from "./protocol.js";

/** The texts a card (or a history entry) shows from a summary, clean and each said once. */
export interface SummaryText {
  /** What the agent does, on one line; for a waiting agent whose prompt is shown apart, its lead-in. */
  readonly activity: string;
  /** The prompt a waiting agent shows (a permission dialog, a question), its lines kept; or null. */
  readonly prompt: string | null;
  /** Why it drifts, each on one line, without those that repeat the prompt or the activity. */
  readonly driftReasons: readonly string[];
  /** What to do (its lines kept); without the prompt when that is shown apart; or null. */
  readonly action: string | null;
}

const WAITING_LABELS: Partial<Record<NonNullable<Summary["activity_state"]>, string>> = {
  waiting_permission: "Waiting for permission",
  waiting_input: "Waiting for input",
};

/** `text` for comparing: whitespace runs as one space, without a cut's `…`, lower case. */
function comparable(text: string): string {
  return text.replace(/\s+/g, " ").replace(/\s*…$/, "").trim().toLowerCase();
}

/**
 * Whether `a` and `b` say the same, compared as {@link comparable}: equal, or one cut short (it
 * ends in `…`, as the summarizer cuts long fields) and the start of the other.
 */
function sameText(a: string, b: string): boolean {
  const x = comparable(a);
  const y = comparable(b);
  if (x === "" || y === "") return false;
  if (x === y) return true;
  const [shorter, longer, cut] = x.length < y.length ? [x, y, a] : [y, x, b];
  return cut.trimEnd().endsWith("…") && longer.startsWith(shorter);
}

/** `text` as `lead: body` (split at the first `": "`), or null. */
function leadAndBody(text: string): { lead: string; body: string } | null {
  const at = text.indexOf(": ");
  if (at <= 0) return null;
  return { lead: text.slice(0, at).trim(), body: text.slice(at + 2) };
}

/** Whether `text` is `prompt`, or `some lead-in: prompt`. */
function repeats(text: string, prompt: string): boolean {
  const split = leadAndBody(text);
  return sameText(text, prompt) || (split !== null && sameText(split.body, prompt));
}

/**
 * The texts to show from `summary`, cleaned of escape sequences and control characters, without
 * repeats.
 *
 * For an agent at a prompt (`activity_state` `waiting_permission` or `waiting_input`) the
 * summarizer puts the prompt in three fields: `current_activity` ("Waiting for permission: " and
 * the prompt on one line), the first drift reason ("waiting for permission: " and the same) and
 * `recommended_action` ("Approve or deny the agent's request: " and the prompt with its line
 * breaks). The prompt is shown once, as `prompt`, taken from `recommended_action`: the only
 * copy with its lines, and the longest (500 characters, the others 200). When it is found
 * repeated in the activity or a drift reason (compared as normalized text), the activity keeps
 * its lead-in ("Waiting for permission"), the action its lead-in ("Approve or deny the agent's
 * request"), and reasons that repeat the prompt are dropped. Any state: a drift reason that only
 * repeats the activity is dropped too. What is stored is never changed.
 */
export function summaryText(summary: Summary): SummaryText {
  const currentActivity = cleanLine(summary.current_activity);
  let activity = currentActivity;
  let driftReasons = summary.drift_reasons.map(cleanLine).filter((reason) => reason !== "");
  let action =
    summary.recommended_action === null ? null : cleanText(summary.recommended_action).trim();
  let prompt: string | null = null;
  const waitingLabel = WAITING_LABELS[summary.activity_state ?? "unknown"];
  const split = action === null ? null : leadAndBody(action);
  if (waitingLabel !== undefined && split !== null) {
    const candidate = split.body.replace(/^(?:[ \t]*\n)+/, "").trimEnd();
    const inActivity = candidate !== "" && repeats(currentActivity, candidate);
    const inReasons = candidate !== "" && driftReasons.some((r) => repeats(r, candidate));
    if (inActivity || inReasons) {
      prompt = candidate;
      action = split.lead;
      driftReasons = driftReasons.filter((reason) => !repeats(reason, candidate));
      if (inActivity) {
        const activitySplit = leadAndBody(currentActivity);
        activity =
          activitySplit !== null && sameText(activitySplit.body, candidate)
            ? activitySplit.lead
            : waitingLabel;
      }
    }
  }
  driftReasons = driftReasons.filter(
    (reason) => comparable(reason) !== comparable(currentActivity),
  );
  return { activity, prompt, driftReasons, action: action === "" ? null : action };
}
