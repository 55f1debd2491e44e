import {
  ACTIVITY_STATES,
  type ActivityState,
  ON_TRACK_STATUSES,
  type OnTrackStatus,
} from "@agentwatch/models";
import { EVAL_AGENT_KINDS, type EvalAgentKind } from "./eval-case.js";

/** One scored case: the truth beside what the monitor said (null: it stored nothing). */
export interface ScoredCase {
  readonly id: string;
  readonly kind: EvalAgentKind;
  readonly expected: { readonly state: ActivityState; readonly status: OnTrackStatus };
  readonly got: {
    readonly state: ActivityState | null;
    readonly status: OnTrackStatus | null;
    readonly confidence: number | null;
  };
}

/** States in which an agent waits for a person whatever its verdict. */
export const WAITING_STATES: ReadonlySet<ActivityState> = new Set([
  "waiting_permission",
  "waiting_input",
  "rate_limited",
]);

/** Whether a state and status say the agent needs a person: blocked, or in a waiting state. */
export function needsHuman(state: ActivityState | null, status: OnTrackStatus | null): boolean {
  return status === "blocked" || (state !== null && WAITING_STATES.has(state));
}

/** Whether a verdict raises an alarm: needs a person, or blocked/off_track/drifting. */
export function flagged(state: ActivityState | null, status: OnTrackStatus | null): boolean {
  return (
    needsHuman(state, status) ||
    status === "off_track" ||
    status === "drifting" ||
    status === "blocked"
  );
}

/** A share with what it is a share of; `value` is null when `of` is 0. */
export interface Ratio {
  readonly hits: number;
  readonly of: number;
  readonly value: number | null;
}

function ratio(hits: number, of: number): Ratio {
  return { hits, of, value: of === 0 ? null : hits / of };
}

/** Rows are the truth, columns what the monitor said (`none`: no summary stored). */
export interface Confusion {
  readonly labels: readonly string[];
  /** counts[truth][got] */
  readonly counts: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** One confidence bucket: verdicts given with a confidence in [from, to), and how many were right. */
export interface CalibrationBucket {
  readonly from: number;
  readonly to: number;
  readonly verdicts: number;
  readonly right: number;
  /** Share right; null for an empty bucket. */
  readonly accuracy: number | null;
  /** Mean confidence of its verdicts; null for an empty bucket. */
  readonly mean_confidence: number | null;
}

/** Every figure of a run. */
export interface Metrics {
  readonly cases: number;
  readonly state_acc: Ratio;
  readonly status_acc: Ratio;
  readonly needs_human_recall: Ratio;
  readonly false_alarm_rate: Ratio;
  readonly drift_recall: Ratio;
  readonly state_acc_by_kind: Readonly<Record<EvalAgentKind, Ratio>>;
  readonly status_acc_by_kind: Readonly<Record<EvalAgentKind, Ratio>>;
  readonly state_confusion: Confusion;
  readonly status_confusion: Confusion;
  readonly calibration: readonly CalibrationBucket[];
}

/** Bucket edges of the calibration table. */
export const CALIBRATION_EDGES = [0, 0.2, 0.4, 0.6, 0.8, 1] as const;

function confusion(
  labels: readonly string[],
  pairs: readonly (readonly [string, string | null])[],
): Confusion {
  const all = [...labels, "none"];
  const counts: Record<string, Record<string, number>> = {};
  for (const row of labels) counts[row] = Object.fromEntries(all.map((c) => [c, 0]));
  for (const [truth, got] of pairs) {
    const row = (counts[truth] ??= Object.fromEntries(all.map((c) => [c, 0])));
    const column = got ?? "none";
    row[column] = (row[column] ?? 0) + 1;
  }
  return { labels: all, counts };
}

function calibration(results: readonly ScoredCase[]): CalibrationBucket[] {
  const buckets: CalibrationBucket[] = [];
  for (let i = 0; i + 1 < CALIBRATION_EDGES.length; i++) {
    const from = CALIBRATION_EDGES[i] ?? 0;
    const to = CALIBRATION_EDGES[i + 1] ?? 1;
    const last = i + 2 === CALIBRATION_EDGES.length;
    const inside = results.filter(
      (r) =>
        r.got.confidence !== null &&
        r.got.confidence >= from &&
        (r.got.confidence < to || (last && r.got.confidence <= to)),
    );
    const right = inside.filter((r) => r.got.status === r.expected.status).length;
    const sum = inside.reduce((total, r) => total + (r.got.confidence ?? 0), 0);
    buckets.push({
      from,
      to,
      verdicts: inside.length,
      right,
      accuracy: inside.length === 0 ? null : right / inside.length,
      mean_confidence: inside.length === 0 ? null : sum / inside.length,
    });
  }
  return buckets;
}

/**
 * The figures of a run, from its scored cases (definitions in the package README):
 *
 * - `state_acc`, `status_acc`: share of cases whose final state / status is the true one.
 * - `needs_human_recall`: of the cases whose truth needs a person (status `blocked`, or state
 *   `waiting_permission`, `waiting_input` or `rate_limited`), the share the monitor also says
 *   need one (same rule on what it said).
 * - `false_alarm_rate`: of the healthy cases (truth `on_track` and not needing a person), the
 *   share it flagged: said `blocked`, `off_track` or `drifting`, or a waiting state.
 * - `drift_recall`: of the cases whose truth is `drifting` or `off_track`, the share it said
 *   `drifting` or `off_track`.
 * - calibration: for each confidence bucket, how often a status given with that confidence was
 *   the true one.
 *
 * @example
 * const metrics = computeMetrics(scored);
 * metrics.status_acc.value; // 0.45
 */
export function computeMetrics(results: readonly ScoredCase[]): Metrics {
  const count = (predicate: (r: ScoredCase) => boolean, among: readonly ScoredCase[]) =>
    ratio(among.filter(predicate).length, among.length);
  const stateRight = (r: ScoredCase) => r.got.state === r.expected.state;
  const statusRight = (r: ScoredCase) => r.got.status === r.expected.status;
  const needing = results.filter((r) => needsHuman(r.expected.state, r.expected.status));
  const healthy = results.filter(
    (r) => r.expected.status === "on_track" && !needsHuman(r.expected.state, r.expected.status),
  );
  const drifting = results.filter(
    (r) => r.expected.status === "drifting" || r.expected.status === "off_track",
  );
  const byKind = (predicate: (r: ScoredCase) => boolean) =>
    Object.fromEntries(
      EVAL_AGENT_KINDS.map((kind) => [
        kind,
        count(
          predicate,
          results.filter((r) => r.kind === kind),
        ),
      ]),
    ) as Record<EvalAgentKind, Ratio>;
  return {
    cases: results.length,
    state_acc: count(stateRight, results),
    status_acc: count(statusRight, results),
    needs_human_recall: count((r) => needsHuman(r.got.state, r.got.status), needing),
    false_alarm_rate: count((r) => flagged(r.got.state, r.got.status), healthy),
    drift_recall: count(
      (r) => r.got.status === "drifting" || r.got.status === "off_track",
      drifting,
    ),
    state_acc_by_kind: byKind(stateRight),
    status_acc_by_kind: byKind(statusRight),
    state_confusion: confusion(
      ACTIVITY_STATES,
      results.map((r) => [r.expected.state, r.got.state] as const),
    ),
    status_confusion: confusion(
      ON_TRACK_STATUSES,
      results.map((r) => [r.expected.status, r.got.status] as const),
    ),
    calibration: calibration(results),
  };
}

/** The last line `pnpm eval` prints: the five headline figures, 2 decimals, `n/a` when undefined. */
export function headline(metrics: Metrics): string {
  const show = (r: Ratio) => (r.value === null ? "n/a" : r.value.toFixed(2));
  return (
    `state_acc=${show(metrics.state_acc)} status_acc=${show(metrics.status_acc)} ` +
    `needs_human_recall=${show(metrics.needs_human_recall)} ` +
    `false_alarm_rate=${show(metrics.false_alarm_rate)} drift_recall=${show(metrics.drift_recall)}`
  );
}
