import { describe, expect, it } from "vitest";
import { addTokenUsage, emptyTokenUsage, parseAgentEvent, type AgentEvent } from "./agent-event.js";
import { parseAgentSummary } from "./agent-summary.js";
import { ValidationError } from "./errors.js";

const base = { at: "2026-12-06T10:00:00.000Z", source: "claude_transcript", session_id: "s1" };

describe("AgentEvent", () => {
  it("a tool call with its full input round-trips through JSON", () => {
    const event: AgentEvent = {
      ...base,
      source: "claude_transcript",
      type: "tool_call",
      call_id: "toolu_1",
      tool: "Edit",
      input: {
        command: null,
        file_path: "/repo/src/a.ts",
        old_text: "return 1;",
        new_text: "return 2;",
        pattern: null,
        description: null,
      },
    };
    expect(parseAgentEvent(JSON.stringify(event))).toEqual(event);
  });

  it("an event of an unknown type is refused, naming the field", () => {
    expect(() => parseAgentEvent({ ...base, type: "teleport" })).toThrow(ValidationError);
    expect(() => parseAgentEvent({ ...base, type: "teleport" })).toThrow(/type/);
  });

  it("usage with a negative token count is refused", () => {
    const usage = {
      ...base,
      type: "usage",
      model: "claude-sonnet-4-5",
      tokens: { input: -1, output: 0, cache_read: 0, cache_creation: 0 },
    };
    expect(() => parseAgentEvent(usage)).toThrow(/tokens\.input/);
  });

  it("token usages add field by field", () => {
    const a = { input: 1, output: 2, cache_read: 3, cache_creation: 4 };
    expect(addTokenUsage(addTokenUsage(emptyTokenUsage(), a), a)).toEqual({
      input: 2,
      output: 4,
      cache_read: 6,
      cache_creation: 8,
    });
  });
});

describe("AgentSummary tokens and cost", () => {
  const summary = {
    instance_id: "a",
    instance_name: "a",
    timestamp: "2026-12-06T10:00:00.000Z",
    current_activity: "",
    on_track_status: "on_track",
    confidence_score: 0.5,
    assigned_task: null,
    parent_instance_id: null,
    role: null,
    last_tool_used: null,
    recent_tools: [],
    output_preview: "",
    idle_duration_seconds: 0,
    drift_reasons: [],
    alignment_keywords: [],
    recommended_action: null,
  };

  it("are optional, and kept when given", () => {
    expect(parseAgentSummary(summary).tokens).toBeUndefined();
    const tokens = { input: 10, output: 20, cache_read: 30, cache_creation: 40 };
    const parsed = parseAgentSummary({ ...summary, tokens, cost_usd: 0.25 });
    expect(parsed.tokens).toEqual(tokens);
    expect(parsed.cost_usd).toBe(0.25);
  });

  it("a negative cost is refused", () => {
    expect(() => parseAgentSummary({ ...summary, cost_usd: -1 })).toThrow(/cost_usd/);
  });
});
