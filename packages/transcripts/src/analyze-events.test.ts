import { analyzeActivity } from "@agentwatch/activity";
import type { AgentEvent, ToolInput } from "@agentwatch/models";
import { describe, expect, it } from "vitest";
import { claudeUsageOracle, fixtureLines } from "../test/fixtures.js";
import { type EventAnalysis, analyzeEvents, trailingQuestion } from "./analyze-events.js";
import { parseClaudeLines } from "./claude-parser.js";
import { parseCodexLines } from "./codex-parser.js";
import { parseHookLines } from "./hook-parser.js";
import { costOf } from "./pricing.js";

const now = new Date("2026-11-20T10:00:00.000Z");
const justNow = new Date("2026-11-20T09:59:59.000Z");
const base = {
  at: "2026-11-20T09:59:00.000Z",
  source: "claude_transcript" as const,
  session_id: "s",
};
const input = (fields: Partial<ToolInput> = {}): ToolInput => ({
  command: null,
  file_path: null,
  old_text: null,
  new_text: null,
  pattern: null,
  description: null,
  ...fields,
});
const call = (id: string, tool: string, fields: Partial<ToolInput> = {}): AgentEvent => ({
  ...base,
  type: "tool_call",
  call_id: id,
  tool,
  input: input(fields),
});
const result = (id: string, isError = false, excerpt = "ok"): AgentEvent => ({
  ...base,
  type: "tool_result",
  call_id: id,
  is_error: isError,
  excerpt,
});
const text = (t: string): AgentEvent => ({ ...base, type: "assistant_text", text: t });
const prompt = (t: string): AgentEvent => ({ ...base, type: "user_prompt", text: t });
const turnEnd: AgentEvent = { ...base, type: "turn_end" };

function run(batches: AgentEvent[][], lastOutputAt: Date | null = justNow): EventAnalysis {
  let previous: EventAnalysis | null = null;
  for (const events of batches) {
    const analysis: EventAnalysis = analyzeEvents(events, { now, lastOutputAt, previous });
    previous = JSON.parse(JSON.stringify(analysis)) as EventAnalysis;
  }
  return previous!;
}

describe("analyzeEvents on a Claude Code session", () => {
  const lines = fixtureLines("claude-session.jsonl");
  const { events } = parseClaudeLines(lines, null);
  const analysis = analyzeEvents(events, { now, lastOutputAt: justNow });

  it("is an ActivityAnalysis the terminal analyzer accepts as previous", () => {
    expect(() =>
      analyzeActivity(["$ ls"], { now, lastOutputAt: null, previous: analysis }),
    ).not.toThrow();
    expect(analysis.agent_kind).toBe("claude-code");
    expect(analysis.session_id).toBe("7f3c9a2e-5b1d-4c8e-9f0a-1b2c3d4e5f60");
    expect(analysis.cwd).toBe("/home/dev/shop-api");
  });

  it("waits for input when the turn ended with a question to the user", () => {
    expect(analysis.state).toBe("waiting_input");
    expect(analysis.prompt).toBe("Should I also update the API docs?");
    expect(analysis.waiting).toMatchObject({
      kind: "question",
      text: "Should I also update the API docs?",
    });
    expect(analysis.pending_tool).toBeNull();
  });

  it("takes tools, files, commands and the last test run from the events", () => {
    expect(analysis.last_tool_used).toBe("Bash");
    expect(analysis.recent_tools).toEqual(["TodoWrite", "Task", "AskUserQuestion", "Bash", "Bash"]);
    expect(analysis.tool_calls).toHaveLength(100);
    expect(analysis.tool_calls.at(-1)).toEqual({
      tool: "Bash",
      argument: "git push origin feature/orders",
      line: expect.any(Number) as number,
    });
    expect(events[analysis.tool_calls.at(-1)!.line]).toMatchObject({
      type: "tool_call",
      call_id: "toolu_14",
    });
    expect(analysis.files_touched).toContain("/home/dev/shop-api/src/orders/cancel.ts");
    expect(analysis.files_touched).not.toContain("/home/dev/shop-api/src"); // Grep's search path
    expect(analysis.commands_run.slice(-2)).toEqual([
      "npm test -- orders",
      "git push origin feature/orders",
    ]);
    expect(analysis.tests).toEqual({ passed: 12, failed: 0, raw: "Tests  12 passed (12)" });
    expect(analysis.first_user_message).toBe(
      "Add a POST /orders/:id/cancel endpoint and make the tests pass",
    );
    expect(analysis.output_preview).toMatch(/Should I also update the API docs\?$/);
  });

  it("lists the edits with their texts", () => {
    expect(analysis.edits).toHaveLength(20);
    const early = analyzeEvents(events.slice(0, 30), { now, lastOutputAt: justNow });
    expect(early.edits).toEqual([
      {
        file: "/home/dev/shop-api/src/routes/orders.ts",
        old_text: "export const orders = Router();",
        new_text: "export const orders = Router();\norders.post('/:id/cancel', cancelOrder);",
      },
      {
        file: "/home/dev/shop-api/src/orders/cancel.ts",
        old_text: "",
        new_text: "export async function cancelOrder(req, res) {\n  res.status(204).end();\n}\n",
      },
      expect.objectContaining({
        file: "/home/dev/shop-api/src/routes/orders.ts",
        old_text: expect.stringContaining("⋯") as string,
      }),
    ]);
  });

  it("adds up the tokens once and prices them per model", () => {
    expect(analysis.tokens).toEqual(claudeUsageOracle(lines));
    const expected = analysis.usage_by_model.reduce(
      (sum, m) => sum + costOf(m.model, m.tokens)!,
      0,
    );
    expect(analysis.cost_usd).toBeCloseTo(expected, 10);
    expect(analysis.usage_by_model.map((m) => m.model)).toEqual([
      "claude-sonnet-4-5-20250929",
      "claude-opus-4-1-20250805",
    ]);
    expect(analysis.unpriced_models).toEqual([]);
  });

  it("lists the errors it saw", () => {
    expect(analysis.errors.map((e) => e.text)).toEqual([
      "FAIL src/routes/orders.test.ts > cancel > returns 204",
      "API error 529 (retry 1/10): Overloaded",
      expect.stringMatching(/^The user doesn't want to proceed/),
      "You've hit your session limit · resets 2pm (Europe/Berlin)",
    ]);
  });

  it("gives the same facts whatever the batches, with the analysis stored and read back between", () => {
    const cuts = [0, 7, 50, 51, 200, 333, events.length];
    const batched = run(cuts.slice(1).map((end, i) => events.slice(cuts[i], end)));
    for (const key of [
      "state",
      "prompt",
      "recent_tools",
      "files_touched",
      "commands_run",
      "tests",
      "edits",
      "tokens",
      "cost_usd",
      "errors",
      "loop",
      "first_user_message",
      "waiting",
    ] as const)
      expect(batched[key]).toEqual(analysis[key]);
  });
});

describe("analyzeEvents on a Codex rollout", () => {
  const { events } = parseCodexLines(fixtureLines("codex-rollout.jsonl"), null);
  const later = new Date("2026-11-21T14:03:21.473Z"); // a minute after the last event
  const analysis = analyzeEvents(events, { now: later, lastOutputAt: null });

  it("ends rate limited, with the facts of the turns before", () => {
    expect(analysis.agent_kind).toBe("codex");
    expect(analysis.state).toBe("rate_limited");
    expect(analysis.tests).toMatchObject({ passed: 24, failed: 0 });
    expect(analysis.commands_run).toEqual([
      "rg -n restock src",
      "apply_patch '*** Begin Patch *** Update File: src/jobs/low-stock.ts @@ - return items.filter((i) => i.count < 5); + return items.filter((i) => i.count <= 5); *** End Patch '",
      "npm test", // run again last
      "npm run lint -- --max-warnings 0",
    ]);
    expect(analysis.files_touched).toEqual([
      "src/jobs/restock.ts",
      "src/jobs/old-restock.ts",
      "src/jobs/low-stock.ts",
    ]);
    expect(analysis.edits?.map((e) => e.file)).toEqual([
      "src/jobs/restock.ts",
      "src/jobs/low-stock.ts",
    ]);
    expect(analysis.model).toBe("gpt-5-mini");
    expect(analysis.idle_duration_seconds).toBe(60); // without lastOutputAt: from the last event's time
  });

  it("prices gpt-5-codex and gpt-5-mini", () => {
    expect(analysis.usage_by_model.map((m) => m.model).sort()).toEqual([
      "gpt-5-codex",
      "gpt-5-mini",
    ]);
    expect(analysis.cost_usd).not.toBeNull();
    expect(analysis.unpriced_models).toEqual([]);
  });

  it("was waiting for input at the end of the second turn", () => {
    const cut = events.findIndex((e) => e.type === "user_prompt" && e.text === "yes, open it");
    const second = analyzeEvents(events.slice(0, cut), { now, lastOutputAt: null });
    expect(second.state).toBe("waiting_input");
    expect(second.prompt).toBe("Lint is clean. Do you want me to open a pull request?");
  });
});

describe("analyzeEvents, the state", () => {
  it("is working while a tool call has no result, with the call pending since it was made", () => {
    const a = run([[prompt("go"), call("t1", "Bash", { command: "npm install" })]]);
    expect(a.state).toBe("working");
    expect(a.pending_tool).toEqual({
      tool: "Bash",
      argument: "npm install",
      call_id: "t1",
      since: base.at,
    });
  });

  it("waits for permission from a hook until the tool's result comes", () => {
    const { hooks } = parseHookLines(
      [
        JSON.stringify({
          v: 1,
          received_at: "2026-11-20T09:59:30Z",
          payload: {
            hook_event_name: "PermissionRequest",
            session_id: "s",
            tool_name: "Bash",
            tool_input: { command: "npm install" },
          },
        }),
      ],
      null,
    );
    const waiting = run([
      [call("t1", "Bash", { command: "npm install" })],
      hooks.map((h) => h.event),
    ]);
    expect(waiting.state).toBe("waiting_permission");
    expect(waiting.prompt).toBe("Bash: npm install");
    expect(waiting.waiting).toMatchObject({ kind: "permission", tool: "Bash" });
    const after = analyzeEvents([result("t1")], { now, lastOutputAt: justNow, previous: waiting });
    expect(after.state).toBe("working");
    expect(after.waiting).toBeNull();
  });

  it("ends a permission request at a prompt, a turn end or a session event", () => {
    const ask: AgentEvent = { ...base, type: "permission_request", tool: "Edit", message: null };
    expect(run([[ask, prompt("no, do something else")]]).state).toBe("working");
    expect(run([[ask, turnEnd]]).state).toBe("idle");
    expect(run([[ask, { ...base, type: "session_end", reason: "logout" }]]).state).toBe("exited");
  });

  it("waits for input on a question until it is answered", () => {
    const asked = run([
      [call("q1", "AskUserQuestion"), { ...base, type: "question", text: "Which database?" }],
    ]);
    expect(asked).toMatchObject({ state: "waiting_input", prompt: "Which database?" });
    expect(
      run([
        [
          call("q1", "AskUserQuestion"),
          { ...base, type: "question", text: "Which?" },
          result("q1"),
        ],
      ]).state,
    ).toBe("working");
  });

  it("is idle after a turn that ends without a question", () => {
    expect(run([[prompt("go"), text("Done. The tests pass."), turnEnd]])).toMatchObject({
      state: "idle",
      prompt: null,
      waiting: null,
    });
  });

  it("takes a turn as ended after a quiet minute following the agent's text, and says so", () => {
    const events = [prompt("go"), text("All done. Want me to commit it?")];
    expect(run([events], justNow).state).toBe("working");
    const quiet = run([events], new Date("2026-11-20T09:58:00.000Z"));
    expect(quiet.state).toBe("waiting_input");
    expect(quiet.state_reason).toMatch(/^quiet: no event for 120 s/);
    expect(
      analyzeEvents(events, {
        now,
        lastOutputAt: new Date("2026-11-20T09:59:30.000Z"),
        quietSeconds: 10,
      }).state,
    ).toBe("waiting_input");
  });

  it("is rate limited after a limit, errored after a final API error, and working again after activity", () => {
    const limit: AgentEvent = {
      ...base,
      type: "error",
      message: "usage limit reached",
      rate_limited: true,
    };
    const failed: AgentEvent = {
      ...base,
      type: "error",
      message: "API Error: 500 Internal server error",
      rate_limited: false,
    };
    const retry: AgentEvent = {
      ...base,
      type: "error",
      message: "API error 529 (retry 1/10): Overloaded",
      rate_limited: false,
    };
    expect(run([[prompt("go"), limit]]).state).toBe("rate_limited");
    expect(run([[prompt("go"), failed]]).state).toBe("errored");
    expect(run([[prompt("go"), retry]]).state).toBe("working");
    expect(run([[prompt("go"), limit, call("t", "Read", { file_path: "a" })]]).state).toBe(
      "working",
    );
  });

  it("counts a tool call and its result once when the transcript and a hook both report them", () => {
    const a = run([
      [
        call("t1", "Bash", { command: "ls" }),
        { ...call("t1", "Bash", { command: "ls" }), source: "claude_hook" },
      ],
      [result("t1"), { ...result("t1"), source: "claude_hook" }],
    ]);
    expect(a.recent_tools).toEqual(["Bash"]);
    expect(a.loop).toBeNull();
  });

  it("sees a loop in five identical calls in a row and in an error seen three times", () => {
    const same = Array.from({ length: 5 }, (_, i) => [
      call(`t${i}`, "Bash", { command: "npm test" }),
      result(`t${i}`, true, "Error: Cannot find module 'x'"),
    ]).flat();
    const a = run([same]);
    expect(a.loop).toEqual({ kind: "tool", what: "Bash(npm test)", count: 5 });
    expect(a.errors).toEqual([{ text: "Error: Cannot find module 'x'", count: 5 }]);
    const errorsOnly = run([
      same.slice(0, 6).concat([call("z", "Read", { file_path: "b" }), result("z")]),
    ]);
    expect(errorsOnly.loop).toEqual({
      kind: "error",
      what: "Error: Cannot find module 'x'",
      count: 3,
    });
  });

  it("forgets an edit whose call failed", () => {
    const edit = call("e1", "Edit", { file_path: "a.ts", old_text: "x", new_text: "y" });
    expect(run([[edit]]).edits).toHaveLength(1);
    expect(run([[edit, result("e1", true, "String not found in file")]]).edits).toBeUndefined();
  });

  it("has no cost, and names the model, when a model has no price", () => {
    const usage = (model: string): AgentEvent => ({
      ...base,
      type: "usage",
      model,
      tokens: { input: 10, output: 10, cache_read: 0, cache_creation: 0 },
    });
    const a = run([[usage("claude-sonnet-4-5"), usage("mystery-model-9")]]);
    expect(a.cost_usd).toBeNull();
    expect(a.unpriced_models).toEqual(["mystery-model-9"]);
    const cheap = analyzeEvents([usage("mystery-model-9")], {
      now,
      lastOutputAt: null,
      prices: {
        "mystery-model-9": {
          input: 1,
          output: 1,
          cache_read: 0,
          cache_creation: 0,
          source: "test",
        },
      },
    });
    expect(cheap.cost_usd).toBeCloseTo(20 / 1e6, 12);
  });

  it("refuses arguments of the wrong kind, naming them", () => {
    expect(() =>
      analyzeEvents("x" as unknown as AgentEvent[], { now, lastOutputAt: null }),
    ).toThrow(/events must be an array/);
    expect(() => analyzeEvents([], { now: new Date("nope"), lastOutputAt: null })).toThrow(
      /options\.now must be a valid Date/,
    );
  });
});

describe("trailingQuestion", () => {
  it("finds a question addressed to the user at the end of the text only", () => {
    expect(trailingQuestion("Done.\n\nShall I push it?")).toBe("Shall I push it?");
    expect(trailingQuestion("Should I use **Postgres**?**")).toBe("Should I use **Postgres**?**");
    expect(trailingQuestion("Why did it fail? The cache was stale. Fixed.")).toBeNull();
    expect(trailingQuestion("```\nif (x?)\n```")).toBeNull();
    expect(trailingQuestion(null)).toBeNull();
    expect(trailingQuestion("All 31 tests pass. Anything else?")).toBeNull();
    expect(trailingQuestion("Removed 3.8 from the matrix.\nShould I drop 3.9 as well?")).toBe(
      "Removed 3.8 from the matrix.\nShould I drop 3.9 as well?",
    );
    expect(
      trailingQuestion("Do you want me to bump the major version? It changes the runtimes."),
    ).toMatch(/bump the major version/);
  });
});

describe("a Codex turn that ends without task_complete", () => {
  const at = "2026-11-21T14:00:00.000Z";
  const line = (type: string, payload: unknown) => JSON.stringify({ timestamp: at, type, payload });
  const rollout = (text: string) => [
    line("event_msg", { type: "user_message", message: "drop Python 3.8" }),
    line("response_item", {
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text }],
    }),
    line("event_msg", {
      type: "token_count",
      info: { total_token_usage: { input_tokens: 900, output_tokens: 40 } },
    }),
  ];
  const now = new Date(Date.parse(at) + 5_000);

  it("is idle, or waiting for an answer to its question, at once rather than after the quiet time", () => {
    const done = analyzeEvents(
      parseCodexLines(rollout("Removed 3.8 from the CI matrix."), null).events,
      {
        now,
        lastOutputAt: new Date(at),
      },
    );
    expect(done.state).toBe("idle");
    const asked = analyzeEvents(
      parseCodexLines(rollout("Removed 3.8. Should I drop 3.9 as well?"), null).events,
      { now, lastOutputAt: new Date(at) },
    );
    expect(asked.state).toBe("waiting_input");
    expect(asked.prompt).toMatch(/drop 3\.9 as well\?/);
  });
});

describe("a call that finishes at once but has no result", () => {
  const at = "2026-11-21T14:00:00.000Z";
  const base = { at, source: "claude_transcript" as const, session_id: "s" };
  const input = (over: Partial<ToolInput>): ToolInput => ({
    command: null,
    file_path: null,
    old_text: null,
    new_text: null,
    pattern: null,
    description: null,
    ...over,
  });
  const calling = (tool: string, over: Partial<ToolInput>): AgentEvent[] => [
    { ...base, type: "user_prompt", text: "Set the default locale to fr-FR" },
    { ...base, type: "tool_call", call_id: "t1", tool, input: input(over) },
  ];
  const after = (seconds: number, events: AgentEvent[]) =>
    analyzeEvents(events, {
      now: new Date(Date.parse(at) + seconds * 1000),
      lastOutputAt: new Date(at),
    });

  it("waits for approval once it has been quiet for APPROVAL_QUIET_SECONDS", () => {
    const edit = calling("Edit", {
      file_path: ".claude/settings.json",
      old_text: '"locale": "en-US"',
      new_text: '"locale": "fr-FR"',
    });
    expect(after(4, edit).state).toBe("working");
    const waiting = after(12, edit);
    expect(waiting.state).toBe("waiting_permission");
    expect(waiting.prompt).toContain("Edit");
    expect(waiting.state_reason).toMatch(/^quiet: Edit has had no result/);
    const fetch = calling("WebFetch", { pattern: "https://example.com/locales" });
    expect(after(12, fetch).state).toBe("working");
    expect(after(35, fetch).state).toBe("waiting_permission");
  });

  it("is still working when a shell command runs long, or when the result came", () => {
    expect(after(300, calling("Bash", { command: "npm run build" })).state).toBe("working");
    const done = [
      ...calling("Edit", { file_path: "src/i18n.ts" }),
      { ...base, type: "tool_result" as const, call_id: "t1", is_error: false, excerpt: "ok" },
    ];
    expect(after(25, done).state).not.toBe("waiting_permission");
  });
});
