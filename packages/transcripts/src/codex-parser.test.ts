import {
  type AgentEvent,
  addTokenUsage,
  emptyTokenUsage,
  parseAgentEvent,
} from "@agentwatch/models";
import { describe, expect, it } from "vitest";
import { fixtureLines } from "../test/fixtures.js";
import { parsePatch } from "./apply-patch.js";
import {
  codexOutput,
  createCodexParseState,
  parseCodexLine,
  parseCodexLines,
  readCodexParseState,
} from "./codex-parser.js";
import { codexToolInput } from "./codex-tools.js";

const of = <T extends AgentEvent["type"]>(events: AgentEvent[], type: T) =>
  events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);
const line = (type: string, payload: unknown) =>
  JSON.stringify({ timestamp: "2026-11-21T14:00:00.000Z", type, payload });

describe("parseCodexLines on a rollout of several turns", () => {
  const lines = fixtureLines("codex-rollout.jsonl");
  const { events, state } = parseCodexLines(lines, null);

  it("gives the turns as valid events, each message once although Codex writes it twice", () => {
    for (const event of events) expect(() => parseAgentEvent(event)).not.toThrow();
    expect(events.map((e) => e.type)).toEqual([
      "session_start",
      "user_prompt",
      "tool_call",
      "tool_result",
      "usage",
      "tool_call",
      "tool_result",
      "usage",
      "tool_call",
      "tool_result",
      "usage",
      "assistant_text",
      "tool_call",
      "tool_result",
      "tool_call",
      "tool_result",
      "usage",
      "assistant_text",
      "turn_end",
      "user_prompt",
      "tool_call",
      "tool_result",
      "usage",
      "assistant_text",
      "turn_end",
      "user_prompt",
      "usage",
      "error",
      "error",
    ]);
    expect(events[0]).toMatchObject({
      type: "session_start",
      session_id: "019a7b3c-1d2e-7f40-8a5b-6c7d8e9f0a1b",
      cwd: "/home/dev/inventory",
      version: "0.63.0",
      git_branch: "main",
    });
  });

  it("takes the per-turn token deltas, cached input as cache reads, and skips a repeated count", () => {
    const usage = of(events, "usage");
    const total = usage.reduce((sum, u) => addTokenUsage(sum, u.tokens), emptyTokenUsage());
    // last_token_usage of the six counted token_count lines (input includes the cached part)
    expect(total).toEqual({
      input: 8000 - 6000 + (9000 - 8000) + (9500 - 9000) + (10000 - 9500) + (11000 - 10000) + 4000,
      cache_read: 6000 + 8000 + 9000 + 9500 + 10000,
      output: 300 + 500 + 400 + 200 + 150 + 90,
      cache_creation: 0,
    });
    expect(usage.map((u) => u.model)).toEqual([
      ...Array<string>(5).fill("gpt-5-codex"),
      "gpt-5-mini",
    ]);
    expect(state.stats.duplicates).toBe(1);
  });

  it("reads shell commands from an argument vector or a string, and failures from exit codes", () => {
    const calls = of(events, "tool_call");
    expect(calls.map((c) => [c.tool, c.input.command])).toEqual([
      ["shell", "rg -n restock src"],
      ["apply_patch", null],
      ["exec_command", "npm test"],
      ["shell", expect.stringMatching(/^apply_patch '\*\*\* Begin Patch/)],
      ["shell", "npm test"],
      ["shell", "npm run lint -- --max-warnings 0"],
    ]);
    expect(of(events, "tool_result").map((r) => r.is_error)).toEqual([
      false,
      false,
      true,
      false,
      false,
      false,
    ]);
    expect(of(events, "tool_result")[2]!.excerpt).toBe(
      "FAIL src/jobs/low-stock.test.ts\nTests:       1 failed, 23 passed, 24 total\n",
    );
  });

  it("reads the files and texts of apply_patch, as a custom tool and through the shell", () => {
    const [patch, , viaShell] = of(events, "tool_call").slice(1);
    expect(patch!.input).toEqual({
      command: null,
      file_path: "src/jobs/restock.ts",
      file_paths: ["src/jobs/restock.ts", "src/jobs/low-stock.ts", "src/jobs/old-restock.ts"],
      old_text: "  const items = await stock.all();",
      new_text: "  const items = await stock.all();\n  warnLowStock(items);",
      pattern: null,
      description:
        "update src/jobs/restock.ts, add src/jobs/low-stock.ts, delete src/jobs/old-restock.ts",
    });
    expect(viaShell!.input).toMatchObject({
      file_path: "src/jobs/low-stock.ts",
      old_text: "  return items.filter((i) => i.count < 5);",
      new_text: "  return items.filter((i) => i.count <= 5);",
    });
  });

  it("sees the usage limit as a rate limit and the reconnect as a retry", () => {
    expect(of(events, "error")).toEqual([
      expect.objectContaining({
        message: "stream error (retrying): Reconnecting... 1/5",
        rate_limited: false,
      }),
      expect.objectContaining({ rate_limited: true }),
    ]);
  });

  it("counts reasoning, compaction and unknown types as ignored", () => {
    expect(state.stats).toMatchObject({ lines: lines.length, unusable: 0, events: events.length });
    expect(state.stats.ignored_types).toEqual({
      "event_msg:task_started": 1,
      "response_item:reasoning": 1,
      "event_msg:patch_apply_end": 1,
      "event_msg:token_count": 1,
      compacted: 1,
      "event_msg:agent_reasoning": 1,
      ghost_snapshot: 1,
    });
    expect(readCodexParseState(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });
});

describe("parseCodexLine", () => {
  it("reads an older rollout without the envelope", () => {
    const { events, state } = parseCodexLines(fixtureLines("codex-legacy.jsonl"), null);
    expect(events.map((e) => e.type)).toEqual([
      "session_start",
      "user_prompt",
      "tool_call",
      "tool_result",
      "assistant_text",
    ]);
    expect(events[2]).toMatchObject({ tool: "shell", input: { command: "ls -la" } });
    expect(state.stats.ignored_types).toEqual({ state: 1, "response_item:reasoning": 1 });
  });

  it("recovers the delta from cumulative totals when a count has no last_token_usage", () => {
    const state = createCodexParseState();
    const count = (input: number, cached: number, output: number) =>
      line("event_msg", {
        type: "token_count",
        info: {
          total_token_usage: {
            input_tokens: input,
            cached_input_tokens: cached,
            output_tokens: output,
          },
        },
      });
    parseCodexLine(line("turn_context", { model: "o4-mini", cwd: "/w" }), state);
    const first = parseCodexLine(count(1000, 200, 50), state);
    const second = parseCodexLine(count(1500, 600, 80), state);
    expect(of(first, "usage")[0]).toMatchObject({
      model: "o4-mini",
      tokens: { input: 800, cache_read: 200, output: 50 },
    });
    expect(of(second, "usage")[0]).toMatchObject({
      tokens: { input: 100, cache_read: 400, output: 30 },
    });
  });

  it("sees a used-up rate-limit window once, as a rate limit", () => {
    const state = createCodexParseState();
    const limits = (used: number) =>
      line("event_msg", {
        type: "token_count",
        info: null,
        rate_limits: { primary: { used_percent: used, window_minutes: 300 } },
      });
    expect(parseCodexLine(limits(100), state)).toEqual([
      expect.objectContaining({
        type: "error",
        message: "usage limit reached (300-minute window)",
        rate_limited: true,
      }),
    ]);
    expect(parseCodexLine(limits(100), state)).toEqual([]);
    expect(parseCodexLine(limits(20), state)).toEqual([]);
  });

  it("turns approval requests into permission requests", () => {
    const state = createCodexParseState();
    const [shell] = parseCodexLine(
      line("event_msg", {
        type: "exec_approval_request",
        call_id: "c",
        command: ["bash", "-lc", "rm -rf build"],
        cwd: "/w",
      }),
      state,
    );
    const [patch] = parseCodexLine(
      line("event_msg", {
        type: "apply_patch_approval_request",
        call_id: "d",
        changes: { "/w/a.ts": {}, "/w/b.ts": {} },
      }),
      state,
    );
    expect(shell).toMatchObject({
      type: "permission_request",
      tool: "shell",
      message: "rm -rf build",
    });
    expect(patch).toMatchObject({
      type: "permission_request",
      tool: "apply_patch",
      message: "/w/a.ts, /w/b.ts",
    });
  });

  it("counts lines it cannot use without throwing", () => {
    const state = createCodexParseState();
    for (const bad of ["}{", "null", '{"payload":{}}', "12"])
      expect(parseCodexLine(bad, state)).toEqual([]);
    expect(state.stats.unusable).toBe(4);
  });
});

describe("codexOutput", () => {
  it("reads the exit code of each output form", () => {
    expect(codexOutput('{"output":"ok\\n","metadata":{"exit_code":0}}')).toEqual({
      text: "ok\n",
      isError: false,
    });
    expect(codexOutput('{"output":"boom","metadata":{"exit_code":2}}')).toEqual({
      text: "boom",
      isError: true,
    });
    expect(codexOutput("Exit code: 1\nWall time: 0.1 seconds\nOutput:\nnope\n")).toEqual({
      text: "nope\n",
      isError: true,
    });
    expect(
      codexOutput("Chunk ID: a\nWall time: 0 seconds\nProcess exited with code 0\nOutput:\nfine\n"),
    ).toEqual({ text: "fine\n", isError: false });
    expect(codexOutput("failed to parse function arguments: missing field `cmd`").isError).toBe(
      true,
    );
    expect(codexOutput({ content: "x", success: false })).toEqual({ text: "x", isError: true });
  });
});

describe("parsePatch", () => {
  it("lists each file with its removed and added lines, hunks apart", () => {
    const files = parsePatch(
      "*** Begin Patch\n*** Update File: a.ts\n*** Move to: b.ts\n@@ one\n-x\n+y\n@@ two\n-p\n+q\n*** Delete File: c.ts\n*** End Patch",
    );
    expect(files).toEqual([
      { path: "a.ts", kind: "update", move_to: "b.ts", old_text: "x\n⋯\np", new_text: "y\n⋯\nq" },
      { path: "c.ts", kind: "delete", move_to: null, old_text: null, new_text: null },
    ]);
    expect(parsePatch("just some text")).toEqual([]);
  });

  it("reads a patch given as apply_patch's JSON arguments", () => {
    expect(
      codexToolInput("apply_patch", {
        input: "*** Begin Patch\n*** Add File: n.ts\n+hi\n*** End Patch",
      }),
    ).toMatchObject({
      file_path: "n.ts",
      old_text: "",
      new_text: "hi",
    });
  });
});

describe("the end of a Codex turn", () => {
  const item = (payload: unknown) => line("response_item", payload);
  const said = (text: string, extra: object = {}) =>
    item({
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text }],
      ...extra,
    });
  const tokens = (n: number) =>
    line("event_msg", {
      type: "token_count",
      info: { total_token_usage: { input_tokens: n, output_tokens: 10 } },
    });
  const prompt = line("event_msg", { type: "user_message", message: "bump the retry limit" });
  const call = item({
    type: "function_call",
    name: "shell",
    arguments: JSON.stringify({ command: ["rg", "-n", "MAX_RETRIES", "src"] }),
    call_id: "call_1",
  });
  const output = item({
    type: "function_call_output",
    call_id: "call_1",
    output: JSON.stringify({
      output: "src/retry.ts:3:export const MAX_RETRIES = 3",
      metadata: { exit_code: 0 },
    }),
  });
  const types = (lines: string[]) => parseCodexLines(lines, null).events.map((e) => e.type);

  it("ends when a model response says something and calls no tool, without task_complete", () => {
    expect(
      types([
        prompt,
        said("Looking for the constant first."),
        call,
        tokens(100),
        output,
        said("Raised MAX_RETRIES to 5 in src/retry.ts."),
        tokens(200),
      ]),
    ).toEqual([
      "user_prompt",
      "assistant_text",
      "tool_call",
      "usage",
      "tool_result",
      "assistant_text",
      "usage",
      "turn_end",
    ]);
  });

  it("goes on while a response calls a tool, and gives one turn end when task_complete follows", () => {
    expect(types([prompt, said("Searching."), call, tokens(100)])).not.toContain("turn_end");
    const events = types([
      prompt,
      said("Done."),
      tokens(100),
      line("event_msg", { type: "task_complete", last_agent_message: "Done." }),
    ]);
    expect(events.filter((t) => t === "turn_end")).toHaveLength(1);
    expect(
      types([
        prompt,
        said("Searching."),
        call,
        line("event_msg", { type: "turn_aborted", reason: "interrupted" }),
      ]),
    ).toContain("turn_end");
  });

  it("ends at a message marked as the final answer", () => {
    expect(types([prompt, said("All set.", { phase: "final_answer" })])).toEqual([
      "user_prompt",
      "assistant_text",
      "turn_end",
    ]);
    expect(types([prompt, said("Checking the tests.", { phase: "commentary" })])).toEqual([
      "user_prompt",
      "assistant_text",
    ]);
  });

  it("carries the response being read across calls", () => {
    const first = parseCodexLines([prompt, said("Raised MAX_RETRIES to 5.")], null);
    const stored = JSON.parse(JSON.stringify(first.state)) as unknown;
    const second = parseCodexLines([tokens(150)], readCodexParseState(stored));
    expect(second.events.map((e) => e.type)).toEqual(["usage", "turn_end"]);
  });
});
