import { describe, expect, it } from "vitest";
import { errorKey, isStackFrame, matchError } from "./error-line.js";
import { pathFromArgument, pathFromLine } from "./paths.js";
import { parseTestSummary } from "./test-summary.js";
import { parseToolCall } from "./tool-call.js";

describe("parseToolCall", () => {
  it("reads Claude Code tool lines with either glyph", () => {
    expect(parseToolCall("⏺ Bash(npm test)")).toEqual({
      tool: "Bash",
      argument: "npm test",
      complete: true,
    });
    expect(parseToolCall("● Read(src/app.ts)")).toEqual({
      tool: "Read",
      argument: "src/app.ts",
      complete: true,
    });
    expect(parseToolCall("⏺ Update Todos")).toEqual({
      tool: "TodoWrite",
      argument: "",
      complete: true,
    });
  });

  it("reads MCP tools and calls whose argument wraps onto the next line", () => {
    expect(parseToolCall('⏺ github - create_issue (MCP)(title: "Flaky cart test")')).toEqual({
      tool: "github - create_issue (MCP)",
      argument: 'title: "Flaky cart test"',
      complete: true,
    });
    expect(parseToolCall("⏺ Bash(cd /srv/shop && npm run")).toEqual({
      tool: "Bash",
      argument: "cd /srv/shop && npm run",
      complete: false,
    });
  });

  it("reads Codex history lines", () => {
    expect(parseToolCall("• Ran npm test")).toEqual({
      tool: "shell",
      argument: "npm test",
      complete: true,
    });
    expect(parseToolCall("• Edited src/format.ts (+3 -1)")).toEqual({
      tool: "apply_patch",
      argument: "src/format.ts",
      complete: true,
    });
    expect(parseToolCall("• Updated Plan")?.tool).toBe("update_plan");
    expect(parseToolCall('• Called github.search_issues({"q":"flaky"})')?.tool).toBe(
      "github.search_issues",
    );
  });

  it("does not take prose after a glyph, or a jest failure header, for a tool call", () => {
    expect(parseToolCall("⏺ I'll fix add() next (it subtracts).")).toBeNull();
    expect(parseToolCall("⏺ Found the bug in add(): it subtracts.")).toBeNull();
    expect(parseToolCall("● cart › total (with discount)")).toBeNull();
    expect(parseToolCall("• I'll run the tests first.")).toBeNull();
  });
});

describe("parseTestSummary", () => {
  it("reads jest, vitest, pytest and cargo one-line summaries", () => {
    expect(parseTestSummary("Tests:       1 failed, 1 skipped, 46 passed, 48 total")).toEqual({
      passed: 46,
      failed: 1,
      skipped: 1,
      raw: "Tests:       1 failed, 1 skipped, 46 passed, 48 total",
    });
    expect(parseTestSummary("Tests  1 failed | 13 passed (14)")).toMatchObject({
      passed: 13,
      failed: 1,
    });
    expect(parseTestSummary("Tests  345 passed")).toMatchObject({ passed: 345, failed: 0 });
    expect(parseTestSummary("==== 2 failed, 10 passed, 1 error in 1.23s ====")).toMatchObject({
      passed: 10,
      failed: 3,
    });
    expect(parseTestSummary("5 passed in 0.12s")).toMatchObject({ passed: 5, failed: 0 });
    expect(
      parseTestSummary(
        "test result: FAILED. 8 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out",
      ),
    ).toMatchObject({ passed: 8, failed: 2, skipped: 1 });
  });

  it("reads the parts of mocha, Playwright and node:test summaries", () => {
    expect(parseTestSummary("12 passing (2s)")).toEqual({
      field: "passed",
      count: 12,
      starts: true,
    });
    expect(parseTestSummary("2 failed")).toEqual({ field: "failed", count: 2, starts: false });
    expect(parseTestSummary("ℹ tests 12")).toEqual({ field: "total", count: 12, starts: true });
    expect(parseTestSummary("# fail 2")).toEqual({ field: "failed", count: 2, starts: false });
  });

  it("does not read file counts or prose as a test summary", () => {
    expect(parseTestSummary("Test Files  1 failed | 1 passed (2)")).toBeNull();
    expect(parseTestSummary("Tests: run them with npm test")).toBeNull();
    expect(parseTestSummary("The tests passed.")).toBeNull();
  });
});

describe("matchError", () => {
  it("recognises the usual error lines", () => {
    for (const line of [
      "Error: connect ECONNREFUSED 127.0.0.1:5432",
      "TypeError: Cannot read properties of undefined (reading 'toFixed')",
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'zod'",
      "java.lang.IllegalStateException: closed",
      "npm ERR! code ELIFECYCLE",
      "error[E0432]: unresolved import `crate::db`",
      "src/app.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.",
      "app.c:3:10: fatal error: stdio.h: No such file or directory",
      "fatal: not a git repository (or any of the parent directories): .git",
      "zsh: command not found: pnpx",
      'API Error: 500 {"type":"error","error":{"type":"api_error"}}',
      "thread 'main' panicked at src/main.rs:4:5:",
    ])
      expect(matchError(line), line).not.toBeNull();
    expect(matchError("E   KeyError: 'version'")).toBe("KeyError: 'version'");
  });

  it("does not take ordinary output for an error", () => {
    for (const line of [
      "Errors: 0",
      "No errors found.",
      "npm ERR!",
      "error handling improved",
      "✓ handles errors",
    ])
      expect(matchError(line), line).toBeNull();
  });

  it("gives sightings that differ only in numbers the same key", () => {
    expect(errorKey("Error: connect ECONNREFUSED 127.0.0.1:5432")).toBe(
      errorKey("Error: connect ECONNREFUSED 127.0.0.1:5433"),
    );
    expect(errorKey("Error: a")).not.toBe(errorKey("Error: b"));
  });

  it("recognises stack frames and trace headers", () => {
    expect(isStackFrame("at cartTotal (/home/dana/shop/src/cart.ts:32:21)")).toBe(true);
    expect(isStackFrame("at async Promise.all (index 0)")).toBe(true);
    expect(isStackFrame('File "/srv/app.py", line 3, in <module>')).toBe(true);
    expect(isStackFrame("Traceback (most recent call last):")).toBe(true);
    expect(isStackFrame("at the end of the day")).toBe(false);
  });
});

describe("paths", () => {
  it("reads a path from file tool arguments", () => {
    expect(pathFromArgument("src/app.ts")).toBe("src/app.ts");
    expect(pathFromArgument('file_path: "src/app.ts"')).toBe("src/app.ts");
    expect(pathFromArgument("README.md · lines 1-40")).toBe("README.md");
    expect(pathFromArgument('pattern: "foo"')).toBeNull();
  });

  it("reads a path from tool results and diff headers", () => {
    expect(pathFromLine("Updated src/cart.ts with 1 addition and 1 removal")).toBe("src/cart.ts");
    expect(pathFromLine("Wrote 12 lines to docs/guide.md")).toBe("docs/guide.md");
    expect(pathFromLine("diff --git a/src/x.ts b/src/x.ts")).toBe("src/x.ts");
    expect(pathFromLine("+++ b/lib/y.py")).toBe("lib/y.py");
    expect(pathFromLine("*** Update File: src/z.rs")).toBe("src/z.rs");
    expect(pathFromLine("Updated 3 packages")).toBeNull();
    expect(pathFromLine("Added https://example.com/a.js")).toBeNull();
  });
});
