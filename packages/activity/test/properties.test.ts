import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ACTIVITY_STATES,
  AGENT_KINDS,
  analyzeActivity,
  cleanTerminalOutput,
  detectAgentKind,
  type ActivityAnalysis,
} from "../src/index.js";
import { fixtureLines, fixtureNames, splitLogLines } from "./helpers.js";

const now = new Date("2025-01-15T10:00:00Z");
const lastOutputAt = new Date("2025-01-15T09:59:00Z");

/** Everything a result must satisfy, whatever the input. */
function expectWellFormed(result: ActivityAnalysis): void {
  expect(ACTIVITY_STATES).toContain(result.state);
  expect(AGENT_KINDS).toContain(result.agent_kind);
  expect(result.recent_tools.length).toBeLessThanOrEqual(5);
  expect(Array.from(result.output_preview).length).toBeLessThanOrEqual(200);
  expect(result.idle_duration_seconds).toBeGreaterThanOrEqual(0);
  expect(Number.isFinite(result.idle_duration_seconds)).toBe(true);
  expect(result.tool_calls.length).toBeLessThanOrEqual(100);
  expect(result.files_touched.length).toBeLessThanOrEqual(50);
  expect(result.commands_run.length).toBeLessThanOrEqual(50);
  expect(result.errors.length).toBeLessThanOrEqual(20);
  for (const e of result.errors) expect(e.count).toBeGreaterThan(0);
  if (result.prompt !== null)
    expect(["waiting_input", "waiting_permission"]).toContain(result.state);
  if (result.loop)
    expect(result.loop.count).toBeGreaterThanOrEqual(result.loop.kind === "tool" ? 5 : 3);
  expect(result.new_output_lines).toBeGreaterThanOrEqual(0);
  expect(() => JSON.stringify(result)).not.toThrow();
}

// Pieces that exercise the parser: escapes of every family, redraws, agent and shell markers.
const ESC = "\u001b";
const piece = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 8 }),
  fc.constantFrom(
    `${ESC}[`,
    `${ESC}]`,
    `${ESC}P`,
    `${ESC}(B`,
    `${ESC}[?25l`,
    `${ESC}[2K`,
    `${ESC}[1A`,
    `${ESC}[1K`,
    `${ESC}[99999999999C`,
    `${ESC}[H`,
    `${ESC}[2J`,
    `${ESC}[?1049h`,
    `${ESC}[?1049l`,
    `${ESC}[5P`,
    `${ESC}[3@`,
    `${ESC}[12X`,
    `${ESC}7`,
    `${ESC}8`,
    `${ESC}\\`,
    "\u0007",
    "\u009b",
    "\u009d",
    "\r",
    "\b",
    "\t",
    "⏺ Bash(",
    "● Read(src/a.ts)",
    ")",
    "⎿  ",
    "• Ran ",
    "• Working (3s • esc to interrupt)",
    "✻ Churned for 5s",
    "❯ ",
    "› 1. Yes",
    "Do you want to proceed?",
    "Error: ",
    "npm ERR! ",
    "Tests:       1 failed, 2 passed, 3 total",
    "5-hour limit reached",
    "[Process exited with code 1]",
    "=".repeat(80),
    "[2025-01-15T10:00:00.000000]",
    "─".repeat(30),
    "$ ",
    "dana@box:~$ ",
    "[y/N]",
    "\ud800",
    "\udfff",
    "🧪",
    "👩‍💻",
  ),
);
const line = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(""));
const lines = fc.array(line, { maxLength: 60 });

describe("analyzeActivity on any input", () => {
  it("never throws and is well-formed for arbitrary lines built from escape and marker fragments", () => {
    fc.assert(
      fc.property(lines, (input) => {
        expectWellFormed(analyzeActivity(input, { now, lastOutputAt }));
      }),
      { numRuns: 300 },
    );
  });

  it("never throws for random bytes decoded as UTF-8 and split like the log reader does", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4000 }), (bytes) => {
        const input = splitLogLines(Buffer.from(bytes).toString("utf8"));
        expectWellFormed(analyzeActivity(input, { now, lastOutputAt: null }));
        expect(() => cleanTerminalOutput(input)).not.toThrow();
        expect(AGENT_KINDS).toContain(detectAgentKind(input));
      }),
      { numRuns: 200 },
    );
  });

  it("never throws when the same input is cut into polls anywhere, with previous passed through JSON", () => {
    fc.assert(
      fc.property(
        lines,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 10 }),
        (input, cuts) => {
          let previous: ActivityAnalysis | null = null;
          let at = 0;
          let k = 0;
          while (at < input.length || k === 0) {
            const size = cuts[k++ % cuts.length]!;
            const result = analyzeActivity(input.slice(at, at + size), {
              now,
              lastOutputAt,
              previous,
            });
            expectWellFormed(result);
            previous = JSON.parse(JSON.stringify(result)) as ActivityAnalysis;
            at += size;
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("is deterministic: the same lines and options give the same analysis", () => {
    fc.assert(
      fc.property(lines, (input) => {
        expect(analyzeActivity(input, { now, lastOutputAt })).toEqual(
          analyzeActivity(input, { now, lastOutputAt }),
        );
      }),
      { numRuns: 100 },
    );
  });

  it("handles huge lines: 10 MB of text, and 1 MB of escape sequences and redraws", () => {
    const text = "a".repeat(10 * 1024 * 1024);
    expectWellFormed(analyzeActivity(["⏺ Bash(npm test)", text, "❯ "], { now, lastOutputAt }));
    const escapes = `${ESC}[1K${ESC}[200G${ESC}[2P\rab\b`.repeat((1024 * 1024) / 16);
    expectWellFormed(
      analyzeActivity([escapes, `${ESC}]0;${"t".repeat(1024 * 1024)}`], { now, lastOutputAt }),
    );
  });

  it("handles 100,000 lines of mixed realistic output in one call", () => {
    const corpus = fixtureNames().flatMap((name) => fixtureLines(name));
    const input: string[] = [];
    while (input.length < 100_000) input.push(...corpus);
    input.length = 100_000;
    const result = analyzeActivity(input, { now, lastOutputAt });
    expectWellFormed(result);
    expect(result.new_output_lines).toBeGreaterThan(10_000);
    expect(JSON.stringify(result.carry).length).toBeLessThan(1_000_000);
  });
});
