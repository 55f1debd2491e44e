import { describe, expect, it } from "vitest";
import { exitedSummary, newRecord } from "./agent-record.js";

describe("exitedSummary", () => {
  it("carries the last verdict forward, but not the action for a prompt that went with the agent", () => {
    const record = newRecord({
      instance_id: "db",
      instance_name: "db-migrator",
      role: null,
      assigned_task: "Add a column",
      parent_instance_id: null,
      created_at: null,
      log_file_path: "/logs/db.log",
      log_type: "tmux_output",
    });
    record.lastSummary = {
      instance_id: "db",
      instance_name: "db-migrator",
      timestamp: "2026-12-01T10:00:00.000Z",
      current_activity: "Waiting for permission: Bash command",
      on_track_status: "blocked",
      confidence_score: 0.9,
      assigned_task: "Add a column",
      parent_instance_id: null,
      role: null,
      last_tool_used: "Bash",
      recent_tools: ["Bash"],
      output_preview: "Do you want to proceed?",
      idle_duration_seconds: 30,
      drift_reasons: ["waiting at a permission prompt"],
      alignment_keywords: [],
      recommended_action: "Approve or deny: Bash command",
      activity_state: "waiting_permission",
    };
    const summary = exitedSummary(
      record,
      Date.parse("2026-12-01T10:05:00.000Z"),
      "its log disappeared",
    );
    expect(summary).toMatchObject({
      activity_state: "exited",
      on_track_status: "blocked",
      current_activity: "Exited: its log disappeared.",
      last_tool_used: "Bash",
      recommended_action: null,
      timestamp: "2026-12-01T10:05:00.000Z",
    });
  });
});
