/**
 * How well an agent's activity matches its assigned task.
 *
 * A const object and a union type of the same name, so both `OnTrackStatus.ON_TRACK` and the
 * string `"on_track"` are an `OnTrackStatus`.
 */
export const OnTrackStatus = {
  /** Working on the assigned task as expected. */
  ON_TRACK: "on_track",
  /** A minor deviation from the assigned task. */
  DRIFTING: "drifting",
  /** A significant misalignment with the assigned task. */
  OFF_TRACK: "off_track",
  /** Stuck: waiting for permission or input, rate limited, or repeating an error. */
  BLOCKED: "blocked",
  /** Not enough evidence to tell. */
  UNKNOWN: "unknown",
} as const;

/** One of the five on-track statuses: `on_track`, `drifting`, `off_track`, `blocked`, `unknown`. */
export type OnTrackStatus = (typeof OnTrackStatus)[keyof typeof OnTrackStatus];

/** The five statuses, in order from best to least known. */
export const ON_TRACK_STATUSES: readonly OnTrackStatus[] = Object.freeze(
  Object.values(OnTrackStatus),
);

const byNormalizedName = new Map<string, OnTrackStatus>(
  ON_TRACK_STATUSES.map((status) => [status.replace(/_/g, ""), status]),
);

/** Whether `value` is exactly one of the five status strings. */
export function isOnTrackStatus(value: unknown): value is OnTrackStatus {
  return typeof value === "string" && (ON_TRACK_STATUSES as readonly string[]).includes(value);
}

/**
 * Reads a status written in any case and with any separator, never throwing.
 *
 * `"ON_TRACK"`, `"On Track"`, `"on-track"` and `"ontrack"` all give `on_track`; anything that is not
 * one of the five statuses (including non-strings) gives `unknown`.
 *
 * @example
 * parseOnTrackStatus("Off-Track"); // "off_track"
 * parseOnTrackStatus(42); // "unknown"
 */
export function parseOnTrackStatus(value: unknown): OnTrackStatus {
  if (typeof value !== "string") return OnTrackStatus.UNKNOWN;
  const normalized = value
    .trim()
    .toLowerCase()
    .replace(/[\s_\-.]+/g, "");
  return byNormalizedName.get(normalized) ?? OnTrackStatus.UNKNOWN;
}
