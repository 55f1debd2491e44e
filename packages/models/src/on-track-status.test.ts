import { describe, expect, it } from "vitest";
import { ON_TRACK_STATUSES, OnTrackStatus, isOnTrackStatus, parseOnTrackStatus } from "./index.js";

describe("OnTrackStatus", () => {
  it("has exactly the five seed values", () => {
    expect(ON_TRACK_STATUSES).toEqual(["on_track", "drifting", "off_track", "blocked", "unknown"]);
    expect(ON_TRACK_STATUSES).toHaveLength(5);
    expect(OnTrackStatus.ON_TRACK).toBe("on_track");
    expect(OnTrackStatus.DRIFTING).toBe("drifting");
    expect(OnTrackStatus.OFF_TRACK).toBe("off_track");
    expect(OnTrackStatus.BLOCKED).toBe("blocked");
    expect(OnTrackStatus.UNKNOWN).toBe("unknown");
    expect(Object.keys(OnTrackStatus)).toHaveLength(5);
  });
});

describe("parseOnTrackStatus", () => {
  it.each([
    ["on_track", "on_track"],
    ["ON_TRACK", "on_track"],
    ["On Track", "on_track"],
    ["on-track", "on_track"],
    ["  OnTrack ", "on_track"],
    ["Drifting", "drifting"],
    ["off-track", "off_track"],
    ["OFF TRACK", "off_track"],
    ["BLOCKED", "blocked"],
    ["Unknown", "unknown"],
  ])("reads %j as %s", (input, expected) => {
    expect(parseOnTrackStatus(input)).toBe(expected);
  });

  it.each([["on track!"], ["finished"], [""], [42], [null], [undefined], [{}], [["on_track"]]])(
    "returns unknown for %j without throwing",
    (input) => {
      expect(parseOnTrackStatus(input)).toBe("unknown");
    },
  );

  it("recognises exactly the five values as statuses", () => {
    for (const status of ON_TRACK_STATUSES) expect(isOnTrackStatus(status)).toBe(true);
    expect(isOnTrackStatus("ON_TRACK")).toBe(false);
    expect(isOnTrackStatus(undefined)).toBe(false);
  });
});
