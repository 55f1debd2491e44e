import { describe, expect, it } from "vitest";
import type { ActivityAnalysis } from "./activity-analysis.js";
import { analyzeActivity } from "./analyze-activity.js";
import { InvalidActivityInputError } from "./errors.js";

const ESC = "\u001b";
const now = new Date("2025-01-15T10:00:00Z");
const RULE = "─".repeat(60);
const promptBox = ["", RULE, "❯ ", RULE, "  ? for shortcuts"];

/** Analyses a sequence of polls, passing each result (through JSON, as a store would) to the next. */
function polls(...batches: string[][]): ActivityAnalysis {
  let previous: ActivityAnalysis | null = null;
  for (const lines of batches) {
    previous = JSON.parse(
      JSON.stringify(analyzeActivity(lines, { now, lastOutputAt: null, previous })),
    ) as ActivityAnalysis;
  }
  return previous!;
}

describe("analyzeActivity: idle time", () => {
  it("measures seconds from lastOutputAt to now, never negative, 0 without a measurement", () => {
    const at = (lastOutputAt: Date | null) =>
      analyzeActivity(["$ ls"], { now, lastOutputAt }).idle_duration_seconds;
    expect(at(new Date("2025-01-15T09:58:29.500Z"))).toBe(90.5);
    expect(at(new Date("2025-01-15T10:00:05Z"))).toBe(0);
    expect(at(null)).toBe(0);
  });

  it("does not guess idle time from the text", () => {
    const lines = ["✻ Churned for 51s", ...promptBox];
    expect(analyzeActivity(lines, { now, lastOutputAt: now }).idle_duration_seconds).toBe(0);
  });
});

describe("analyzeActivity: arguments", () => {
  it("throws InvalidActivityInputError naming the argument for bad lines or dates", () => {
    const bad: [unknown, unknown, RegExp][] = [
      ["x", { now, lastOutputAt: null }, /lines must be an array/],
      [[1], { now, lastOutputAt: null }, /lines\[0\]/],
      [[], { now: "2025-01-15", lastOutputAt: null }, /options\.now must be a valid Date/],
      [[], { now: new Date(Number.NaN), lastOutputAt: null }, /options\.now/],
      [[], { now, lastOutputAt: 5 }, /options\.lastOutputAt must be a valid Date or null/],
      [[], null, /options must be an object/],
    ];
    for (const [lines, options, message] of bad) {
      const call = () =>
        analyzeActivity(lines as string[], options as { now: Date; lastOutputAt: null });
      expect(call).toThrow(InvalidActivityInputError);
      expect(call).toThrow(message);
    }
  });

  it("starts afresh from a malformed previous analysis instead of throwing", () => {
    const broken = {
      state: "nonsense",
      recent_tools: "Bash",
      files_touched: [1, "src/a.ts"],
      carry: { version: 1, screen: { rows: [3] }, snapshot: "x", error_window: [{}], parser: 7 },
    } as unknown as ActivityAnalysis;
    const result = analyzeActivity(["⏺ Read(src/b.ts)"], {
      now,
      lastOutputAt: null,
      previous: broken,
    });
    expect(result.files_touched).toEqual(["src/a.ts", "src/b.ts"]);
    expect(result.recent_tools).toEqual(["Read"]);
    expect(result.state).toBe("working");
  });

  it("does not change the previous analysis it is given", () => {
    const first = analyzeActivity(["⏺ Read(src/a.ts)"], { now, lastOutputAt: null });
    const copy = JSON.stringify(first);
    analyzeActivity(["⏺ Read(src/b.ts)", "more"], { now, lastOutputAt: null, previous: first });
    expect(JSON.stringify(first)).toBe(copy);
  });
});

describe("analyzeActivity: facts carried across polls", () => {
  it("keeps the last five tools, oldest first, and the last tool used", () => {
    const result = polls(
      ["⏺ Read(a.ts)", "⏺ Grep(foo)"],
      ["⏺ Edit(a.ts)", "⏺ Bash(npm test)", "⏺ Read(b.ts)"],
      ["⏺ Write(c.ts)"],
      ["just text"],
    );
    expect(result.recent_tools).toEqual(["Grep", "Edit", "Bash", "Read", "Write"]);
    expect(result.last_tool_used).toBe("Write");
    expect(result.tool_calls).toEqual([]);
    expect(result.files_touched).toEqual(["a.ts", "b.ts", "c.ts"]);
  });

  it("keeps the state when a poll brings only noise (spinner glyphs, blank lines, frames)", () => {
    const result = polls(
      [
        "⏺ Bash(npm install lodash)",
        RULE,
        " Bash command",
        "   npm install lodash",
        " Do you want to proceed?",
        " ❯ 1. Yes",
        "   2. No",
      ],
      ["", "⠋", RULE],
      [`${ESC}[?25l`],
    );
    expect(result.state).toBe("waiting_permission");
    expect(result.prompt).toBe("Bash command\nnpm install lodash\nDo you want to proceed?");
    expect(result.new_output_lines).toBe(0);
  });

  // Before issue 18 the rule was "the same call five times in a row" and any other call between
  // broke it; now it is "the same action with the same result, nothing changed between" (4 times).
  it("counts the same call with the same result four times as a loop, across polls and reads between", () => {
    const call = [
      "⏺ Bash(npm test)",
      "  ⎿  Tests:       1 failed, 3 passed, 4 total",
      "⏺ Let me try again.",
    ];
    const three = polls(call, call, call);
    expect(three.loop).toBeNull();
    const four = polls(call, call, call, call);
    expect(four.loop).toEqual({ kind: "tool", what: "Bash(npm test)", count: 4 });
    const read = ["⏺ Read(src/a.ts)", "  ⎿  Read 12 lines"];
    expect(polls(call, call, read, call, call).loop).toEqual({
      kind: "tool",
      what: "Bash(npm test)",
      count: 4,
    });
  });

  it("an edit of new content between two runs, or a changed test count, is progress, not a loop", () => {
    const run = (failed: number) => [
      "⏺ Bash(npm test)",
      `  ⎿  Tests:       ${failed} failed, ${10 - failed} passed, 10 total`,
    ];
    const edit = (n: number) => [
      "⏺ Update(src/parse.ts)",
      "  ⎿  Updated src/parse.ts with 1 addition and 1 removal",
      `       ${n} -  return a;`,
      `       ${n} +  return a + ${n};`,
    ];
    expect(polls(run(3), run(3), edit(1), run(3), run(3)).loop).toBeNull();
    expect(polls(run(4), run(3), run(2), run(1)).loop).toBeNull();
  });

  it("an edit whose contents the screen does not show counts as a change between runs", () => {
    const turn = (added: number) => [
      `• Edited src/payments/charge.ts (+${added} -1)`,
      "• Ran pnpm vitest run src/payments",
      "  └ Test Files  2 passed (2)",
    ];
    expect(polls(turn(3), turn(3), turn(3), turn(3), turn(3)).loop).toBeNull();
  });

  it("different edits to one file are work, not a loop; the same edit again and again is", () => {
    const edit = (n: number) => [
      "⏺ Update(docs/guide.md)",
      "  ⎿  Updated docs/guide.md with 1 addition",
      `       ${n} +  Section ${n} of the guide.`,
    ];
    const different = polls(edit(1), edit(2), edit(3), edit(4), edit(5), edit(6));
    expect(different.loop).toBeNull();
    const same = polls(edit(7), edit(7), edit(7), edit(7));
    expect(same.loop).toEqual({ kind: "tool", what: "Update(docs/guide.md)", count: 4 });
  });

  it("a command that differs only in a number is the same command, and shell commands count", () => {
    const poll = (n: number) => [
      `dev@box:~/api$ sleep ${n} && curl -s localhost:8080/health`,
      "curl: (7) Failed to connect to localhost port 8080: Connection refused",
    ];
    const looped = polls(poll(5), poll(10), poll(15), poll(20));
    expect(looped.agent_kind).toBe("shell");
    expect(looped.loop).toMatchObject({ kind: "tool", count: 4 });
    expect(looped.loop?.what).toContain("sleep 20 && curl");
    const answered = polls(poll(5), poll(10), poll(15), [
      "dev@box:~/api$ sleep 20 && curl -s localhost:8080/health",
      '{"status":"ok"}',
    ]);
    expect(answered.loop).toBeNull();
  });

  it("a success clears an error loop, and a generic exit code alone three times is none", () => {
    const failure = ["$ npm run migrate", "Error: P1001: Can't reach database server at `db:5432`"];
    expect(polls(failure, failure, failure).loop).toMatchObject({ kind: "error", count: 3 });
    const recovered = polls(failure, failure, failure, [
      "$ npm test",
      "Tests:       12 passed, 12 total",
    ]);
    expect(recovered.loop).toBeNull();
    expect(recovered.errors[0]).toMatchObject({ count: 3 }); // still listed, no longer a loop
    const generic = (n: number) => [
      `⏺ Bash(npm test -- case${n})`,
      "  ⎿  Error: Exit code 1",
      `     Tests: ${n} failed, 9 passed, 10 total`,
    ];
    expect(polls(generic(3), generic(2), generic(1)).loop).toBeNull();
  });

  it("does not count a redraw of the same tool row (a blinking glyph, a moving spinner) as new calls", () => {
    const frame = (glyph: string) =>
      `${ESC}[2K${ESC}[1A${ESC}[2K${ESC}[1A${ESC}[2K${ESC}[G${glyph} Bash(npm test)`;
    const batches: string[][] = [["⏺ Bash(npm test)", `✶ Working… (0s · esc to interrupt)`]];
    for (let i = 1; i <= 12; i++)
      batches.push([frame(i % 2 ? " " : "⏺"), `✶ Working… (${i}s · esc to interrupt)`]);
    const result = polls(...batches);
    expect(result.loop).toBeNull();
    expect(result.recent_tools).toEqual(["Bash"]);
    expect(result.state).toBe("working");
  });

  it("counts an error seen three times within the window as a loop, and forgets it after 500 lines", () => {
    const failure = [
      "$ npm run dev",
      "Error: connect ECONNREFUSED 127.0.0.1:5432",
      "    at TCPConnectWrap.afterConnect (node:net:1607:16)",
    ];
    const three = polls(failure, failure, failure);
    expect(three.loop).toEqual({
      kind: "error",
      what: "Error: connect ECONNREFUSED 127.0.0.1:5432",
      count: 3,
    });
    expect(three.errors).toEqual([
      { text: "Error: connect ECONNREFUSED 127.0.0.1:5432", count: 3 },
    ]);
    const filler = Array.from({ length: 520 }, (_, i) => `served request ${i}`);
    const later = polls(failure, failure, failure, filler);
    expect(later.errors).toEqual([]);
    expect(later.loop).toBeNull();
  });

  it("joins a Claude Code tool call whose command wraps onto the next lines, even across polls", () => {
    const result = polls(
      ["⏺ Bash(cd /srv/shop && npm run build &&"],
      ["      npm test)", "  ⎿  Running…"],
    );
    expect(result.commands_run).toEqual(["cd /srv/shop && npm run build && npm test"]);
    expect(result.last_tool_used).toBe("Bash");
  });

  it("keeps the agent kind of an earlier poll when a poll only shows tool output", () => {
    const result = polls(
      ["⏺ Bash(npm test)", "  ⎿  > shop@1.2.0 test"],
      ["     $ node build.js", "     npm ERR! code 1"],
    );
    expect(result.agent_kind).toBe("claude-code");
  });

  it("keeps the last test result until a new one is seen", () => {
    const result = polls(["Tests:       2 failed, 10 passed, 12 total"], ["unrelated"], ["more"]);
    expect(result.tests).toEqual({
      passed: 10,
      failed: 2,
      raw: "Tests:       2 failed, 10 passed, 12 total",
    });
  });
});

describe("analyzeActivity: bounds", () => {
  it("bounds every list however much output there is", () => {
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      lines.push(
        `⏺ Read(src/file-${i}.ts)`,
        `$ echo ${i}`,
        `Error: failure number ${"x".repeat(i % 40)} ${i}`,
      );
    }
    const result = analyzeActivity(lines, { now, lastOutputAt: null });
    expect(result.files_touched).toHaveLength(50);
    expect(result.files_touched[49]).toBe("src/file-299.ts");
    expect(result.commands_run).toHaveLength(50);
    expect(result.commands_run[49]).toBe("echo 299");
    expect(result.errors.length).toBeLessThanOrEqual(20);
    expect(result.recent_tools).toHaveLength(5);
    expect(result.tool_calls).toHaveLength(100);
    expect(result.tool_calls[99]).toEqual({ tool: "Read", argument: "src/file-299.ts", line: 897 });
  });

  it("keeps the carried state small after a long, messy session", () => {
    let previous: ActivityAnalysis | null = null;
    const longRow = `${"y".repeat(9000)}`;
    for (let poll = 0; poll < 40; poll++) {
      const lines = Array.from({ length: 500 }, (_, i) =>
        i % 97 === 0
          ? longRow
          : i % 5 === 0
            ? `Error: boom ${poll}-${i} ${"z".repeat(i % 50)}`
            : `⏺ Read(f${poll}-${i}.ts)`,
      );
      previous = analyzeActivity(lines, { now, lastOutputAt: null, previous });
    }
    const size = JSON.stringify(previous!.carry).length;
    expect(size).toBeLessThan(400_000);
    expect(previous!.carry.error_window.length).toBeLessThanOrEqual(200);
    expect(previous!.carry.screen.rows.length).toBeLessThanOrEqual(120);
  });
});

describe("first_user_message", () => {
  const now = new Date("2026-12-01T10:00:00Z");
  it("is the first message the user sent, as Claude Code, aider or Codex echo it, kept across calls", () => {
    const first = analyzeActivity(
      [
        "│ > half-typed text in the input box │",
        "> Fix the login bug in src/auth",
        "⏺ Read(src/auth/login.ts)",
        "> and add a test",
      ],
      { now, lastOutputAt: null },
    );
    expect(first.first_user_message).toBe("Fix the login bug in src/auth");
    const next = analyzeActivity(["> something else entirely"], {
      now,
      lastOutputAt: null,
      previous: first,
    });
    expect(next.first_user_message).toBe("Fix the login bug in src/auth");
    expect(
      analyzeActivity(["› Refactor the payment module"], { now, lastOutputAt: null })
        .first_user_message,
    ).toBe("Refactor the payment module");
  });

  it("is null while none was seen: prompts alone and quoted text indented are not messages", () => {
    const analysis = analyzeActivity([">", "› ", "   > quoted in a diff", "$ ls"], {
      now,
      lastOutputAt: null,
    });
    expect(analysis.first_user_message).toBeNull();
  });
});
