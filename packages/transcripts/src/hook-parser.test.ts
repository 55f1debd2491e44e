import { parseAgentEvent } from "@agentwatch/models";
import { describe, expect, it } from "vitest";
import { fixtureLines } from "../test/fixtures.js";
import {
  createHookParseState,
  parseHookLine,
  parseHookLines,
  readHookParseState,
} from "./hook-parser.js";

describe("parseHookLines", () => {
  const { hooks, state } = parseHookLines(fixtureLines("hooks.jsonl"), null);

  it("turns each hook call into the event it means", () => {
    for (const hook of hooks) expect(() => parseAgentEvent(hook.event)).not.toThrow();
    expect(hooks.map((h) => [h.hook_event_name, h.event.type])).toEqual([
      ["SessionStart", "session_start"],
      ["UserPromptSubmit", "user_prompt"],
      ["PermissionRequest", "permission_request"],
      ["Notification", "permission_request"],
      ["PreToolUse", "tool_call"],
      ["PostToolUse", "tool_result"],
      ["Notification", "question"],
      ["Stop", "turn_end"],
      ["Notification", "turn_end"],
      ["SessionEnd", "session_end"],
    ]);
    expect(hooks[2]!.event).toMatchObject({ tool: "Bash", message: "Bash: npm install zod" });
    expect(hooks[3]!.event).toMatchObject({
      tool: "Bash",
      message: "Claude needs your permission to use Bash",
    });
    expect(hooks[9]!.event).toMatchObject({ reason: "prompt_input_exit" });
  });

  it("keeps what joins a hook to its agent", () => {
    expect(hooks[0]).toMatchObject({
      session_id: "7f3c9a2e-5b1d-4c8e-9f0a-1b2c3d4e5f60",
      transcript_path:
        "/home/dev/.claude/projects/-home-dev-shop-api/7f3c9a2e-5b1d-4c8e-9f0a-1b2c3d4e5f60.jsonl",
      cwd: "/home/dev/shop-api",
      pid: 4242,
      ppids: [4100, 1],
      received_at: "2026-11-20T09:00:01.000Z",
    });
  });

  it("counts other hooks as ignored and records it cannot use as unusable", () => {
    expect(state.stats).toEqual({
      lines: 15,
      events: 10,
      ignored: 2,
      ignored_types: { SubagentStop: 1, PreCompact: 1 },
      duplicates: 0,
      unusable: 3,
      first_unusable: "line 11: hook input was not JSON",
    });
    expect(readHookParseState(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });
});

describe("parseHookLine", () => {
  it("infers the notification kind from older payloads without notification_type", () => {
    const state = createHookParseState();
    const record = (message: string) =>
      JSON.stringify({
        v: 1,
        received_at: "2026-11-20T09:00:00Z",
        payload: { hook_event_name: "Notification", message, session_id: "s" },
      });
    expect(
      parseHookLine(record("Claude needs your permission to use Write"), state)?.event,
    ).toMatchObject({
      type: "permission_request",
      tool: "Write",
    });
    expect(parseHookLine(record("Claude is waiting for your input"), state)?.event.type).toBe(
      "turn_end",
    );
    expect(parseHookLine(record("Something else"), state)).toBeNull();
    expect(state.stats.ignored_types).toEqual({ Notification: 1 });
  });
});
