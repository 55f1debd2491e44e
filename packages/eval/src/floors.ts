import type { Metrics } from "./metrics.js";

/** The figures CI holds the judge to (issue 18): below a floor, `--floors` exits 1. */
export interface Floors {
  /** Least status accuracy. */
  readonly status_acc: number;
  /** Least share of agents needing a person found. */
  readonly needs_human_recall: number;
  /** Most share of healthy agents flagged. */
  readonly false_alarm_rate: number;
  /** Least share of drifting / off-track agents found. */
  readonly drift_recall: number;
}

/** The floors of issue 18: status 0.85, needs-a-person 0.90, false alarms 0.10, drift 0.70. */
export const DEFAULT_FLOORS: Floors = Object.freeze({
  status_acc: 0.85,
  needs_human_recall: 0.9,
  false_alarm_rate: 0.1,
  drift_recall: 0.7,
});

/**
 * The floors a run falls short of, one readable line each (empty when it meets them all). A
 * figure that is undefined (no case of its kind) meets its floor.
 */
export function belowFloors(metrics: Metrics, floors: Floors = DEFAULT_FLOORS): string[] {
  const misses: string[] = [];
  const least = (name: "status_acc" | "needs_human_recall" | "drift_recall") => {
    const value = metrics[name].value;
    if (value !== null && value < floors[name])
      misses.push(`${name} ${value.toFixed(2)} is below its floor ${floors[name].toFixed(2)}`);
  };
  least("status_acc");
  least("needs_human_recall");
  const alarms = metrics.false_alarm_rate.value;
  if (alarms !== null && alarms > floors.false_alarm_rate)
    misses.push(
      `false_alarm_rate ${alarms.toFixed(2)} is above its ceiling ${floors.false_alarm_rate.toFixed(2)}`,
    );
  least("drift_recall");
  return misses;
}
