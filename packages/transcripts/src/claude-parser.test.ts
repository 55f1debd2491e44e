import {
  type AgentEvent,
  addTokenUsage,
  emptyTokenUsage,
  parseAgentEvent,
} from "@agentwatch/models";
import { describe, expect, it } from "vitest";
import { claudeUsageOracle, fixtureLines } from "../test/fixtures.js";
import {
  createClaudeParseState,
  parseClaudeLine,
  parseClaudeLines,
  readClaudeParseState,
} from "./claude-parser.js";
import { EXCERPT_CHARS } from "./text.js";

const byType = (events: AgentEvent[]) => {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return counts;
};
const usageOf = (events: AgentEvent[]) =>
  events.reduce(
    (sum, e) => (e.type === "usage" ? addTokenUsage(sum, e.tokens) : sum),
    emptyTokenUsage(),
  );
const of = <T extends AgentEvent["type"]>(events: AgentEvent[], type: T) =>
  events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);

const entry = (fields: Record<string, unknown>) =>
  JSON.stringify({
    sessionId: "s-1",
    cwd: "/w",
    version: "2.0.1",
    timestamp: "2026-11-01T10:00:00.000Z",
    ...fields,
  });

describe("parseClaudeLines on a long session", () => {
  const lines = fixtureLines("claude-session.jsonl");
  const { events, state } = parseClaudeLines(lines, null);

  it("gives valid events of every kind the session shows", () => {
    for (const event of events) expect(() => parseAgentEvent(event)).not.toThrow();
    expect(byType(events)).toEqual({
      session_start: 1,
      user_prompt: 4,
      assistant_text: 42,
      tool_call: 134,
      question: 1,
      tool_result: 134,
      // 135 messages (7 + 120 + 4 + 3 + 1); the 41 written over several lines report their output
      // count as it grew, so their usage comes in two parts
      usage: 135 + 41,
      error: 2,
      turn_end: 3,
    });
  });

  it("starts the session with its working directory, version and branch", () => {
    expect(events[0]).toEqual({
      at: expect.any(String) as string,
      source: "claude_transcript",
      session_id: "7f3c9a2e-5b1d-4c8e-9f0a-1b2c3d4e5f60",
      type: "session_start",
      cwd: "/home/dev/shop-api",
      version: "2.0.14",
      model: null,
      git_branch: "feature/orders",
    });
  });

  it("counts each message's usage once although Claude Code repeats it on every line of the message", () => {
    expect(usageOf(events)).toEqual(claudeUsageOracle(lines));
    const models = new Set(of(events, "usage").map((e) => e.model));
    expect(models).toEqual(new Set(["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805"]));
  });

  it("reads each tool's input into the fields agentwatch understands", () => {
    const calls = new Map(of(events, "tool_call").map((c) => [c.call_id, c]));
    expect(calls.get("toolu_02")).toMatchObject({
      tool: "Grep",
      input: { pattern: "cancelOrder", file_path: null },
    });
    expect(calls.get("toolu_04")?.input).toMatchObject({
      file_path: "/home/dev/shop-api/src/routes/orders.ts",
      old_text: "export const orders = Router();",
      new_text: "export const orders = Router();\norders.post('/:id/cancel', cancelOrder);",
    });
    expect(calls.get("toolu_05")?.input).toMatchObject({
      old_text: "",
      new_text: expect.stringContaining("cancelOrder") as string,
    });
    expect(calls.get("toolu_06")?.input).toMatchObject({
      command: "npm test -- orders",
      description: "Run the order tests",
    });
    expect(calls.get("toolu_07")?.input.old_text).toBe(
      "import { Router } from 'express';\n⋯\norders.post('/:id/cancel', cancelOrder);",
    );
    expect(calls.get("toolu_08")?.input.pattern).toBe(
      "https://expressjs.com/en/4x/api.html#res.status",
    );
    expect(calls.get("toolu_09")?.input.pattern).toBe("express 204 no content best practice");
    expect(calls.get("toolu_10")?.input.description).toBe(
      "3 todos, 1 done; in progress: Fix tests",
    );
    expect(calls.get("toolu_11")?.input.description).toBe(
      "Find order status enum (general-purpose)",
    );
  });

  it("turns AskUserQuestion into a question with its options", () => {
    expect(of(events, "question")).toEqual([
      expect.objectContaining({ text: "Should cancelling a shipped order be allowed? (Yes / No)" }),
    ]);
  });

  it("keeps tool failures, retries and the usage limit apart", () => {
    const failed = of(events, "tool_result").filter((r) => r.is_error);
    expect(failed.map((r) => r.call_id)).toEqual(["toolu_06", "toolu_14"]);
    expect(failed[0]!.excerpt).toContain("Tests  1 failed | 11 passed (12)");
    expect(of(events, "error")).toEqual([
      expect.objectContaining({
        message: "API error 529 (retry 1/10): Overloaded",
        rate_limited: false,
      }),
      expect.objectContaining({
        message: "You've hit your session limit · resets 2pm (Europe/Berlin)",
        rate_limited: true,
      }),
    ]);
  });

  it("reads slash commands and interrupts, and leaves out what the user did not type", () => {
    expect(of(events, "user_prompt").map((p) => p.text)).toEqual([
      "Add a POST /orders/:id/cancel endpoint and make the tests pass",
      "/model opus",
      "don't push, just tell me what changed",
      "continue",
    ]);
    // the interrupt, then the end of the last message, then Claude Code's turn_duration
    expect(of(events, "turn_end")).toHaveLength(3);
  });

  it("counts what it ignores, repeats and the torn last line, and throws on none of them", () => {
    expect(state.stats).toEqual({
      lines: lines.length,
      events: events.length,
      ignored: 7,
      ignored_types: {
        summary: 1,
        "file-history-snapshot": 1,
        "system:compact_boundary": 1,
        "user:compact_summary": 1,
        "user:meta": 1,
        "user:other": 1,
        "queue-operation": 1,
      },
      duplicates: expect.any(Number) as number,
      unusable: 1,
      first_unusable: `line ${lines.length}: not JSON (a torn or corrupt line)`,
    });
    expect(state.stats.duplicates).toBeGreaterThan(0);
  });

  it("keeps a state that survives JSON and stays small", () => {
    expect(readClaudeParseState(JSON.parse(JSON.stringify(state)))).toEqual(state);
    expect(JSON.stringify(state).length).toBeLessThan(64 * 1024);
  });
});

describe("parseClaudeLine", () => {
  it("adds only what grew when a later line of the same message reports more tokens", () => {
    const state = createClaudeParseState();
    const line = (uuid: string, output: number, block: unknown) =>
      entry({
        type: "assistant",
        uuid,
        requestId: "req_1",
        message: {
          id: "msg_1",
          model: "claude-sonnet-4-5-20250929",
          content: [block],
          usage: {
            input_tokens: 10,
            output_tokens: output,
            cache_read_input_tokens: 100,
            cache_creation_input_tokens: 5,
          },
        },
      });
    const first = parseClaudeLine(line("u1", 3, { type: "text", text: "Reading" }), state);
    const second = parseClaudeLine(
      line("u2", 3, { type: "tool_use", id: "t1", name: "Read", input: { file_path: "a" } }),
      state,
    );
    const third = parseClaudeLine(line("u3", 40, { type: "text", text: "Done" }), state);
    expect(of(first, "usage")[0]!.tokens).toEqual({
      input: 10,
      output: 3,
      cache_read: 100,
      cache_creation: 5,
    });
    expect(of(second, "usage")).toEqual([]);
    expect(of(third, "usage")[0]!.tokens).toEqual({
      input: 0,
      output: 37,
      cache_read: 0,
      cache_creation: 0,
    });
  });

  it("reads the entry after a torn one on the same line and counts the torn part", () => {
    const state = createClaudeParseState();
    const whole = entry({ type: "user", uuid: "u9", message: { role: "user", content: "hello" } });
    const torn = entry({
      type: "assistant",
      uuid: "u8",
      message: { id: "m", content: [{ type: "text", text: "cut" }] },
    });
    const events = parseClaudeLine(torn.slice(0, 60) + whole, state);
    expect(of(events, "user_prompt")).toEqual([expect.objectContaining({ text: "hello" })]);
    expect(state.stats.unusable).toBe(1);
    expect(state.stats.first_unusable).toBe("line 1: torn entry (cut short before the next one)");
  });

  it("counts lines it cannot use without throwing, keeping the first reason", () => {
    const state = createClaudeParseState();
    for (const line of ["not json", "[1,2]", '"text"', "{}", '{"type":"assistant"}', "{", ""])
      expect(parseClaudeLine(line, state)).toEqual([]);
    expect(state.stats).toMatchObject({
      lines: 7,
      unusable: 6,
      first_unusable: "line 1: not a JSON object",
    });
  });

  it("bounds a huge tool result to its start and end", () => {
    const state = createClaudeParseState();
    const output = `START ${"x".repeat(100_000)} END`;
    const [result] = parseClaudeLine(
      entry({
        type: "user",
        uuid: "r1",
        message: {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "t", content: output }],
        },
      }),
      state,
    ).filter((e) => e.type === "tool_result");
    expect(result).toMatchObject({ type: "tool_result" });
    const excerpt = (result as Extract<AgentEvent, { type: "tool_result" }>).excerpt;
    expect(excerpt.length).toBeLessThanOrEqual(EXCERPT_CHARS);
    expect(excerpt.startsWith("START x")).toBe(true);
    expect(excerpt.endsWith("x END")).toBe(true);
  });

  it("keeps its memory bounded however long the transcript", () => {
    const state = createClaudeParseState();
    for (let i = 0; i < 20_000; i++)
      parseClaudeLine(
        entry({
          type: "assistant",
          uuid: `u-${i}`,
          requestId: `req-${i}`,
          message: {
            id: `msg-${i}`,
            model: "claude-haiku-4-5",
            content: [{ type: "text", text: "ok" }],
            usage: { output_tokens: 1 },
          },
        }),
        state,
      );
    expect(JSON.stringify(state).length).toBeLessThan(64 * 1024);
    expect(state.stats.events).toBe(40_001); // text and usage of each, and one session_start
  });

  it("restores a fresh state from anything malformed", () => {
    for (const junk of [null, 42, "x", { version: 2 }, { version: 1, format: "codex" }])
      expect(readClaudeParseState(junk)).toEqual(createClaudeParseState());
    const partly = readClaudeParseState({
      version: 1,
      format: "claude",
      seen_lines: [1, "abc", -2, 2.5],
      stats: { lines: -1 },
    });
    expect(partly.seen_lines).toEqual([1]);
    expect(partly.stats.lines).toBe(0);
  });

  it("refuses a page that is not an array of strings, naming the argument", () => {
    expect(() => parseClaudeLines("a line" as unknown as string[], null)).toThrow(
      /lines must be an array of strings/,
    );
    expect(() => parseClaudeLines([1] as unknown as string[], null)).toThrow(
      /lines\[0\] must be a string/,
    );
  });
});

describe("a session resumed in a new file", () => {
  const original = fixtureLines("claude-session.jsonl");
  const resumed = fixtureLines("claude-resumed.jsonl");

  it("gives only the new entries when read on from the old file's state", () => {
    const first = parseClaudeLines(original, null);
    const next = parseClaudeLines(resumed, first.state);
    expect(next.events.map((e) => e.type)).toEqual([
      "session_start",
      "user_prompt",
      "tool_call",
      "usage",
      "tool_result",
      "assistant_text",
      "usage",
      "turn_end",
    ]);
    expect(next.events[0]).toMatchObject({ session_id: "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9" });
    expect(usageOf([...first.events, ...next.events])).toEqual(
      claudeUsageOracle([...original, ...resumed]),
    );
  });

  it("gives the copied history again when read with a fresh state (dedup needs the shared state)", () => {
    const alone = parseClaudeLines(resumed, null);
    expect(of(alone.events, "user_prompt").map((p) => p.text)).toContain("continue");
  });
});

describe("a sub-agent transcript", () => {
  it("parses the same way, with the parent's session id", () => {
    const { events } = parseClaudeLines(fixtureLines("claude-subagent.jsonl"), null);
    expect(events.map((e) => e.type)).toEqual([
      "session_start",
      "user_prompt",
      "tool_call",
      "usage",
      "tool_result",
      "tool_call",
      "usage",
      "tool_result",
      "assistant_text",
      "usage",
      "turn_end",
    ]);
    expect(new Set(events.map((e) => e.session_id))).toEqual(
      new Set(["7f3c9a2e-5b1d-4c8e-9f0a-1b2c3d4e5f60"]),
    );
    expect(usageOf(events)).toEqual(claudeUsageOracle(fixtureLines("claude-subagent.jsonl")));
  });
});

describe("a plan put up for approval", () => {
  it("is a permission request (an approval), not a question", () => {
    const { events } = parseClaudeLines(
      [
        entry({
          type: "assistant",
          uuid: "a1",
          message: {
            id: "msg_1",
            role: "assistant",
            model: "claude-sonnet-4-5-20250929",
            content: [
              {
                type: "tool_use",
                id: "toolu_plan",
                name: "ExitPlanMode",
                input: { plan: "1. Add a cancel route\n2. Test it" },
              },
            ],
            stop_reason: "tool_use",
            usage: { input_tokens: 10, output_tokens: 5 },
          },
        }),
      ],
      null,
    );
    expect(of(events, "question")).toEqual([]);
    expect(of(events, "permission_request")).toEqual([
      expect.objectContaining({
        tool: "ExitPlanMode",
        message: "Approve this plan?\n1. Add a cancel route\n2. Test it",
      }),
    ]);
  });
});
