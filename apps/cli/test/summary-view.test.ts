import { colors } from "@agentwatch/term-ui";
import { describe, expect, it } from "vitest";
import {
  type ShownSummary,
  formatIdle,
  idleNow,
  renderSummaryTable,
  sortForAttention,
} from "../src/summary-view.js";

const base: ShownSummary = {
  instance_id: "a",
  instance_name: "a",
  timestamp: "2026-12-01T10:00:00.000Z",
  current_activity: "Running npm test",
  on_track_status: "on_track",
  confidence_score: 0.8,
  assigned_task: null,
  parent_instance_id: null,
  role: null,
  last_tool_used: "Bash",
  recent_tools: ["Bash"],
  output_preview: "",
  idle_duration_seconds: 5,
  drift_reasons: [],
  alignment_keywords: [],
  recommended_action: null,
  activity_state: "working",
};

describe("the summary table", () => {
  it("puts agents waiting for a person first, then blocked ones, then by name", () => {
    const order = sortForAttention([
      { ...base, instance_name: "c" },
      { ...base, instance_name: "b", on_track_status: "blocked", activity_state: "errored" },
      {
        ...base,
        instance_name: "z",
        activity_state: "waiting_permission",
        on_track_status: "blocked",
      },
      { ...base, instance_name: "a" },
    ]).map((s) => s.instance_name);
    expect(order).toEqual(["z", "b", "a", "c"]);
  });

  it("counts idle time on from when the summary was made", () => {
    const now = Date.parse(base.timestamp) + 65_000;
    expect(idleNow(base, now)).toBe(70);
    expect(formatIdle(70)).toBe("1m 10s");
    expect(formatIdle(7_300)).toBe("2h 01m");
    const table = renderSummaryTable([base], { columns: 100, colors: colors(false), now });
    expect(table).toMatch(/^a\s+on_track\s+0\.80\s+working\s+1m 10s\s+Bash\s+Running npm test$/m);
  });

  it("shows the recommended action under an agent that is not on track, and counts by status", () => {
    const blocked = {
      ...base,
      on_track_status: "blocked" as const,
      recommended_action: "Answer the prompt",
    };
    const table = renderSummaryTable([blocked, { ...base, instance_name: "b" }], {
      columns: 100,
      colors: colors(false),
    });
    expect(table).toContain("→ Answer the prompt");
    expect(table).toContain("2 agents: 1 on_track, 1 blocked");
  });
});
