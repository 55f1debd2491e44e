import { colors, displayWidth } from "@agentwatch/term-ui";
import { describe, expect, it } from "vitest";
import {
  type AgentRow,
  type ShownSummary,
  countLine,
  formatIdle,
  idleNow,
  renderAgentTable,
  rowFromSummary,
  sortForAttention,
  summaryLine,
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

const row = (summary: Partial<ShownSummary>): AgentRow =>
  rowFromSummary({ ...base, instance_id: summary.instance_name ?? "a", ...summary });

const PROMPT = [
  "Bash command",
  "  rm -rf node_modules && npm install",
  "Do you want to proceed?",
  "❯ 1. Yes",
  "  2. No",
].join("\n");

/** A fleet with long names, long activities, a multi-line prompt and hostile text. */
function fleet(): AgentRow[] {
  return [
    row({ instance_name: "backend-developer-jwt-auth", current_activity: "Editing ".repeat(30) }),
    row({
      instance_name: "db-migrator",
      on_track_status: "blocked",
      activity_state: "waiting_permission",
      current_activity: `Waiting for permission:\n${PROMPT}`,
      recommended_action: `Approve or deny the prompt:\n${PROMPT}`,
    }),
    row({
      instance_name: "evil\u001b]0;TITLE\u0007\u001b[31mname",
      current_activity: "ok\u001b]52;c;ZXZpbA==\u0007\u001b[2J done",
      last_tool_used: "Bash\u001b[1A",
    }),
    row({ instance_name: "old", activity_state: "exited", current_activity: "Exited." }),
    {
      id: "locked",
      name: "locked",
      summary: null,
      problem: "cannot read /logs/locked.log: permission denied (EACCES)",
      lag: null,
    },
    { ...row({ instance_name: "busy" }), lag: { bytes: 2_500_000, since: base.timestamp } },
  ];
}

describe("the agents table", () => {
  it.each([80, 160])("fits every row on one line of a %i-column terminal", (columns) => {
    for (const rich of [false, true]) {
      const table = renderAgentTable(fleet(), { columns, colors: colors(rich), now: 0 });
      // eslint-disable-next-line no-control-regex
      const plain = table.replace(/\u001b\[[0-9;]*m/g, "");
      const lines = plain.split("\n");
      for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(columns);
      // Every agent is one row (plus the action line of the one that needs a person).
      expect(
        lines.filter((line) => line.startsWith("→") || line.trim().startsWith("→")),
      ).toHaveLength(1);
      expect(lines).toHaveLength(1 + 6 + 1 + 2);
      // No escape sequence from the agents' text reaches the terminal.
      // eslint-disable-next-line no-control-regex
      expect(plain).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    }
  });

  it("at 80 columns gives up LAST TOOL and CONF before the activity; at 160 shows them all", () => {
    const narrow = renderAgentTable(fleet(), { columns: 80, colors: colors(false), now: 0 });
    expect(narrow.split("\n")[0]).toMatch(/^AGENT\s+STATUS\s+STATE\s+IDLE\s+ACTIVITY$/);
    const wide = renderAgentTable(fleet(), { columns: 160, colors: colors(false), now: 0 });
    expect(wide.split("\n")[0]).toMatch(
      /^AGENT\s+STATUS\s+CONF\s+STATE\s+IDLE\s+LAST TOOL\s+ACTIVITY$/,
    );
  });

  it("shows a waiting agent first with its prompt collapsed to one line, and its action under it", () => {
    const table = renderAgentTable(fleet(), { columns: 160, colors: colors(false), now: 0 });
    const lines = table.split("\n");
    expect(lines[1]).toMatch(/^db-migrator\s+blocked\s+0\.80\s+waiting_permission/);
    expect(lines[1]).toContain("Waiting for permission: Bash command rm -rf node_modules");
    expect(lines[2]).toMatch(/^\s+→ Approve or deny the prompt: Bash command/);
  });

  it("shows an agent that cannot be read, with its error, and one that is behind, with its lag", () => {
    const table = renderAgentTable(fleet(), { columns: 160, colors: colors(false), now: 0 });
    expect(table).toMatch(
      /^locked\s+error\s+⚠ cannot read \/logs\/locked\.log: permission denied/m,
    );
    const now = Date.parse(base.timestamp) + 45_000;
    const later = renderAgentTable(fleet(), { columns: 160, colors: colors(false), now });
    expect(later).toMatch(/^busy .* behind 2\.4 MiB \(45s\) · Running npm test$/m);
  });

  it("counts exited agents as exited, and says 1 agent", () => {
    expect(countLine(fleet())).toBe("6 agents: 3 on_track, 1 blocked, 1 error, 1 exited, 1 behind");
    expect(countLine([row({})])).toBe("1 agent: 1 on_track");
    expect(renderAgentTable(fleet(), { columns: 160, colors: colors(false), now: 0 })).toMatch(
      /^old\s+exited\s/m,
    );
  });

  it("puts agents that need a person first, exited ones last, then by name", () => {
    const order = sortForAttention([
      row({ instance_name: "c" }),
      row({ instance_name: "x", activity_state: "exited" }),
      row({ instance_name: "b", on_track_status: "blocked", activity_state: "errored" }),
      row({ instance_name: "z", activity_state: "waiting_permission", on_track_status: "blocked" }),
      row({ instance_name: "a" }),
    ]).map((r) => r.name);
    expect(order).toEqual(["z", "b", "a", "c", "x"]);
  });

  it("counts idle time on from when the summary was made", () => {
    const now = Date.parse(base.timestamp) + 65_000;
    expect(idleNow(base, now)).toBe(70);
    expect(formatIdle(70)).toBe("1m 10s");
    expect(formatIdle(7_300)).toBe("2h 01m");
    const table = renderAgentTable([row({})], { columns: 100, colors: colors(false), now });
    expect(table).toMatch(/^a\s+on_track\s+0\.80\s+working\s+1m 10s\s+Bash\s+Running npm test$/m);
  });
});

describe("the plain line", () => {
  it("is one line without control characters, exited as its own status", () => {
    const line = summaryLine({
      ...base,
      instance_name: "x\u001b[2Jy",
      activity_state: "exited",
      current_activity: "line 1\nline 2\u0007",
    });
    expect(line).toBe(
      "2026-12-01T10:00:00.000Z xy exited 0.80 exited: line 1 line 2 (idle 5s, last tool Bash)",
    );
  });
});
