import { describe, expect, it } from "vitest";
import type { MonitoredSummary } from "@agentwatch/monitor";
import { readAgentwatchRecords } from "./receive/index.js";
import { summaryRecord, stateChangeRecord } from "./log-records.js";

const summary: MonitoredSummary = {
  instance_id: "claude-7",
  instance_name: "backend",
  timestamp: "2026-12-06T10:00:00.000Z",
  current_activity: "Running the tests",
  on_track_status: "drifting",
  confidence_score: 0.6,
  assigned_task: "Add JWT auth",
  parent_instance_id: null,
  role: "implementer",
  last_tool_used: "Bash",
  recent_tools: ["Read", "Bash"],
  output_preview: "…",
  idle_duration_seconds: 12.5,
  drift_reasons: ["edits files outside src/auth", "no test run for 20 minutes"],
  alignment_keywords: ["jwt"],
  recommended_action: "ask it to return to the auth module",
  activity_state: "working",
  tokens: { input: 1200, output: 340, cache_read: 5000, cache_creation: 80 },
  cost_usd: 0.42,
};

/** The record as a decoded OTLP request carries it, from a resource of host `h`. */
function asRequest(record: ReturnType<typeof summaryRecord>) {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: "host.name", value: { stringValue: "h" } }] },
        scopeLogs: [
          {
            logRecords: [
              {
                eventName: record.eventName,
                body: { stringValue: record.body },
                attributes: Object.entries(record.attributes).map(([key, v]) => ({
                  key,
                  value:
                    typeof v === "string"
                      ? { stringValue: v }
                      : typeof v === "boolean"
                        ? { boolValue: v }
                        : { doubleValue: v },
                })),
              },
            ],
          },
        ],
      },
    ],
  };
}

describe("summaryRecord", () => {
  it("names the verdict with the GenAI evaluation attributes and carries tokens, cost and the session", () => {
    const record = summaryRecord({ ...summary, session_id: "sess-123" } as MonitoredSummary, 0);
    expect(record.eventName).toBe("gen_ai.evaluation.result");
    expect(record.timeMs).toBe(Date.parse(summary.timestamp));
    expect(record.attributes).toEqual({
      "gen_ai.evaluation.name": "agentwatch.on_track",
      "gen_ai.evaluation.score.label": "drifting",
      "gen_ai.evaluation.score.value": 0.6,
      "gen_ai.evaluation.explanation": "edits files outside src/auth; no test run for 20 minutes",
      "gen_ai.agent.id": "claude-7",
      "gen_ai.agent.name": "backend",
      "gen_ai.conversation.id": "sess-123",
      "agentwatch.activity_state": "working",
      "agentwatch.idle_seconds": 12.5,
      "agentwatch.last_tool": "Bash",
      "agentwatch.recommended_action": "ask it to return to the auth module",
      "agentwatch.current_activity": "Running the tests",
      "agentwatch.role": "implementer",
      "agentwatch.tokens.input": 1200,
      "agentwatch.tokens.output": 340,
      "agentwatch.tokens.cache_read": 5000,
      "agentwatch.tokens.cache_creation": 80,
      "agentwatch.cost_usd": 0.42,
    });
  });

  it("leaves out what is not known: no session, no drift, no tool, no tokens", () => {
    const bare: MonitoredSummary = {
      ...summary,
      drift_reasons: [],
      last_tool_used: null,
      recommended_action: null,
      tokens: undefined,
      cost_usd: undefined,
    };
    const keys = Object.keys(summaryRecord(bare, 0).attributes);
    for (const absent of [
      "gen_ai.conversation.id",
      "gen_ai.evaluation.explanation",
      "agentwatch.last_tool",
      "agentwatch.recommended_action",
      "agentwatch.tokens.input",
      "agentwatch.cost_usd",
    ]) {
      expect(keys).not.toContain(absent);
    }
  });

  it("round-trips: the receiving side rebuilds the exact summary from the record", () => {
    const { items, rejected } = readAgentwatchRecords(asRequest(summaryRecord(summary, 0)));
    expect(rejected).toEqual([]);
    expect(items).toEqual([{ kind: "summary", host: "h", serviceInstanceId: null, summary }]);
  });

  it("a state change round-trips too", () => {
    const change = {
      instance_id: "claude-7",
      previous: { activity_state: "working", on_track_status: "on_track" },
      current: { activity_state: "waiting_permission", on_track_status: "on_track" },
      trigger: "read",
      at: "2026-12-06T10:00:01.000Z",
    } as const;
    const { items } = readAgentwatchRecords(asRequest(stateChangeRecord(change, 0)));
    expect(items).toEqual([
      { kind: "state_change", host: "h", serviceInstanceId: null, ...change },
    ]);
  });
});
