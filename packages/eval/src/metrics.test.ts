import { describe, expect, it } from "vitest";
import { belowFloors } from "./floors.js";
import { type ScoredCase, computeMetrics, headline } from "./metrics.js";

function scored(
  id: string,
  kind: ScoredCase["kind"],
  expected: [ScoredCase["expected"]["state"], ScoredCase["expected"]["status"]],
  got: [ScoredCase["got"]["state"], ScoredCase["got"]["status"], number | null],
): ScoredCase {
  return {
    id,
    kind,
    expected: { state: expected[0], status: expected[1] },
    got: { state: got[0], status: got[1], confidence: got[2] },
  };
}

// Ten cases worked out by hand.
const table: ScoredCase[] = [
  scored("a", "claude-code", ["working", "on_track"], ["working", "on_track", 0.9]), // healthy, right
  scored("b", "claude-code", ["idle", "on_track"], ["idle", "drifting", 0.7]), // healthy, flagged
  scored("c", "codex", ["working", "on_track"], ["working", "on_track", 0.85]), // healthy, right
  scored("d", "codex", ["waiting_permission", "blocked"], ["waiting_permission", "blocked", 0.95]), // needs, found
  scored("e", "aider", ["waiting_permission", "blocked"], ["waiting_input", "on_track", 0.5]), // needs, found by state
  scored("f", "aider", ["waiting_input", "blocked"], ["idle", "on_track", 0.6]), // needs, missed
  scored("g", "gemini", ["rate_limited", "blocked"], [null, null, null]), // needs, nothing stored
  scored("h", "gemini", ["idle", "off_track"], ["idle", "on_track", 0.85]), // drift missed
  scored("i", "shell", ["working", "drifting"], ["working", "off_track", 0.75]), // drift found
  scored("j", "shell", ["exited", "blocked"], ["exited", "blocked", 0.3]), // needs, found
];

describe("computeMetrics", () => {
  const m = computeMetrics(table);

  it("counts state and status accuracy over every case", () => {
    // state right: a b c d h i j = 7; status right: a c d j = 4
    expect(m.state_acc).toEqual({ hits: 7, of: 10, value: 0.7 });
    expect(m.status_acc).toEqual({ hits: 4, of: 10, value: 0.4 });
  });

  it("finds people-needing cases by blocked status or a waiting state", () => {
    // truth needs a person: d e f g j; found: d (blocked), e (waiting_input), j (blocked)
    expect(m.needs_human_recall).toEqual({ hits: 3, of: 5, value: 0.6 });
  });

  it("counts healthy cases flagged as alarms", () => {
    // healthy: a b c; flagged: b (drifting)
    expect(m.false_alarm_rate.hits).toBe(1);
    expect(m.false_alarm_rate.of).toBe(3);
  });

  it("takes drifting and off_track as one for drift recall", () => {
    // h off_track→on_track missed, i drifting→off_track found
    expect(m.drift_recall).toEqual({ hits: 1, of: 2, value: 0.5 });
  });

  it("breaks state accuracy down by agent kind", () => {
    expect(m.state_acc_by_kind.aider).toEqual({ hits: 0, of: 2, value: 0 });
    expect(m.state_acc_by_kind.shell).toEqual({ hits: 2, of: 2, value: 1 });
    expect(m.state_acc_by_kind.gemini.value).toBe(0.5);
  });

  it("fills the confusion matrices, with `none` for a case with no summary", () => {
    expect(m.state_confusion.counts.rate_limited?.none).toBe(1);
    expect(m.state_confusion.counts.waiting_permission?.waiting_input).toBe(1);
    expect(m.status_confusion.counts.blocked?.blocked).toBe(2);
    expect(m.status_confusion.counts.off_track?.on_track).toBe(1);
  });

  it("buckets calibration by confidence, the top bucket including 1.0", () => {
    const [b0, b1, b2, b3, b4] = m.calibration;
    expect(b0).toMatchObject({ verdicts: 0, accuracy: null });
    expect(b1).toMatchObject({ verdicts: 1, right: 1 }); // j 0.3
    expect(b2).toMatchObject({ verdicts: 1, right: 0 }); // e 0.5
    expect(b3).toMatchObject({ verdicts: 3, right: 0 }); // b 0.7, f 0.6, i 0.75
    expect(b4).toMatchObject({ verdicts: 4, right: 3 }); // a c d right, h wrong
    const full = computeMetrics([
      scored("k", "codex", ["idle", "on_track"], ["idle", "on_track", 1]),
    ]);
    expect(full.calibration.at(-1)).toMatchObject({ verdicts: 1, right: 1 });
  });

  it("prints the headline as one line with two decimals, n/a for an empty share", () => {
    expect(headline(m)).toBe(
      "state_acc=0.70 status_acc=0.40 needs_human_recall=0.60 false_alarm_rate=0.33 drift_recall=0.50",
    );
    const none = computeMetrics([
      scored("x", "shell", ["idle", "on_track"], ["idle", "on_track", 0.8]),
    ]);
    expect(headline(none)).toMatch(/needs_human_recall=n\/a .*drift_recall=n\/a$/);
  });

  it("names every floor a run falls below", () => {
    const misses = belowFloors(m);
    expect(misses).toHaveLength(4);
    expect(misses.join("\n")).toMatch(/status_acc 0.40 is below its floor 0.85/);
    expect(misses.join("\n")).toMatch(/false_alarm_rate 0.33 is above its ceiling 0.10/);
    const perfect = computeMetrics(
      table.map((r) => ({ ...r, got: { ...r.expected, confidence: 0.9 } })),
    );
    expect(belowFloors(perfect)).toEqual([]);
  });
});
