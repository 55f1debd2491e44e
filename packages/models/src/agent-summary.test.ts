import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AgentSummary,
  ON_TRACK_STATUSES,
  ValidationError,
  parseAgentSummary,
} from "./index.js";

const summary: AgentSummary = {
  instance_id: "agent-123",
  instance_name: "backend-dev",
  timestamp: "2026-01-15T10:30:00.000Z",
  current_activity: "Running npm test after editing src/auth/jwt.ts",
  on_track_status: "on_track",
  confidence_score: 0.85,
  assigned_task: "Implement JWT authentication",
  parent_instance_id: "orchestrator-1",
  role: "backend_developer",
  last_tool_used: "Bash",
  recent_tools: ["Read", "Edit", "Bash"],
  output_preview: "PASS src/auth/jwt.test.ts",
  idle_duration_seconds: 3.5,
  drift_reasons: [],
  alignment_keywords: ["jwt", "auth"],
  recommended_action: null,
};

function rejection(input: unknown): ValidationError {
  try {
    parseAgentSummary(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("expected parseAgentSummary to throw");
}

describe("AgentSummary", () => {
  it("is created with all sixteen seed fields", () => {
    expect(Object.keys(summary)).toHaveLength(16);
    expect(parseAgentSummary(summary)).toEqual(summary);
  });

  it("accepts null for every nullable field", () => {
    const nulls = {
      ...summary,
      assigned_task: null,
      parent_instance_id: null,
      role: null,
      last_tool_used: null,
      recommended_action: null,
    };
    expect(parseAgentSummary(nulls)).toEqual(nulls);
  });

  it("keeps confidence 0.0 and 1.0 exactly", () => {
    expect(parseAgentSummary({ ...summary, confidence_score: 0.0 }).confidence_score).toBe(0);
    expect(parseAgentSummary({ ...summary, confidence_score: 1.0 }).confidence_score).toBe(1);
  });

  it("keeps lists exactly, in order, duplicates included", () => {
    const lists = {
      ...summary,
      recent_tools: ["Bash", "Read", "Bash", "Edit", "Bash"],
      drift_reasons: ["editing unrelated files", "editing unrelated files"],
      alignment_keywords: [],
    };
    expect(parseAgentSummary(JSON.stringify(lists))).toEqual(lists);
  });

  it("keeps an output_preview of 200 characters", () => {
    const preview = "x".repeat(150) + "✓ 🚀 é".repeat(10).slice(0, 50);
    expect(preview).toHaveLength(200);
    expect(parseAgentSummary({ ...summary, output_preview: preview }).output_preview).toBe(preview);
  });

  it("takes an optional activity_state, one of the eight activity states", () => {
    expect(parseAgentSummary(summary)).not.toHaveProperty("activity_state");
    const waiting = { ...summary, activity_state: "waiting_permission" };
    expect(parseAgentSummary(JSON.stringify(waiting))).toEqual(waiting);
    expect(() => parseAgentSummary({ ...summary, activity_state: "napping" })).toThrow(
      /activity_state: expected one of working, waiting_permission/,
    );
  });

  it("accepts every status value", () => {
    for (const status of ON_TRACK_STATUSES) {
      expect(parseAgentSummary({ ...summary, on_track_status: status }).on_track_status).toBe(
        status,
      );
    }
  });

  it.each([
    [{ confidence_score: 1.5 }, "confidence_score"],
    [{ confidence_score: -0.1 }, "confidence_score"],
    [{ confidence_score: "high" }, "confidence_score"],
    [{ on_track_status: "ON_TRACK" }, "on_track_status"],
    [{ idle_duration_seconds: -1 }, "idle_duration_seconds"],
    [{ recent_tools: "Bash" }, "recent_tools"],
    [{ timestamp: "15/01/2026" }, "timestamp"],
    [{ role: undefined }, "role"],
  ])("rejects %j naming the field", (change, field) => {
    const error = rejection({ ...summary, ...change });
    expect(error.message).toContain(`invalid AgentSummary: ${field}`);
    expect(error.issues.map((issue) => issue.path[0])).toContain(field);
  });

  it("names the index of a bad list element and its value", () => {
    const error = rejection({ ...summary, recent_tools: ["Read", 7] });
    expect(error.message).toContain("recent_tools.1");
    expect(error.message).toContain("got 7");
  });

  it("round-trips through JSON without loss", () => {
    const text = fc.string({ unit: "binary" });
    const arbitrarySummary = fc.record({
      instance_id: text,
      instance_name: text,
      timestamp: fc
        .date({ min: new Date(0), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true })
        .map((d) => d.toISOString()),
      current_activity: text,
      on_track_status: fc.constantFrom(...ON_TRACK_STATUSES),
      confidence_score: fc.double({ min: 0, max: 1, noNaN: true }),
      assigned_task: fc.option(text),
      parent_instance_id: fc.option(text),
      role: fc.option(text),
      last_tool_used: fc.option(text),
      recent_tools: fc.array(text, { maxLength: 5 }),
      output_preview: fc.string({ unit: "grapheme", maxLength: 200 }),
      idle_duration_seconds: fc.double({ min: 0, max: 1e9, noNaN: true }),
      drift_reasons: fc.array(text),
      alignment_keywords: fc.array(text),
      recommended_action: fc.option(text),
    });
    fc.assert(
      fc.property(arbitrarySummary, (value) => {
        // JSON has no -0: it comes back as 0, which is the same number.
        const parsed = parseAgentSummary(JSON.stringify(value));
        expect(parsed).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
