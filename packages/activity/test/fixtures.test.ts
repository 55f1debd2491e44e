import { describe, expect, it } from "vitest";
import {
  analyzeActivity,
  cleanTerminalOutput,
  detectAgentKind,
  type ActivityAnalysis,
} from "../src/index.js";
import { fixtureExpectation, fixtureLines, fixtureNames } from "./helpers.js";

const names = fixtureNames();

function analyze(name: string): ActivityAnalysis {
  const expectation = fixtureExpectation(name);
  return analyzeActivity(fixtureLines(name), {
    now: new Date(expectation.now),
    lastOutputAt: expectation.last_output_at ? new Date(expectation.last_output_at) : null,
  });
}

describe("fixtures", () => {
  it("there are at least 15 fixtures, each with its expected facts", () => {
    expect(names.length).toBeGreaterThanOrEqual(15);
    for (const name of names) expect(() => fixtureExpectation(name)).not.toThrow();
  });

  it("every agent kind and every waiting/working/idle/limit/error/exit state is covered", () => {
    const facts = names.map((name) => fixtureExpectation(name).facts);
    const kinds = new Set(facts.map((f) => f.agent_kind));
    const states = new Set(facts.map((f) => f.state));
    expect([...kinds].sort()).toEqual(["claude-code", "codex", "shell"]);
    expect([...states].sort()).toEqual([
      "errored",
      "exited",
      "idle",
      "rate_limited",
      "waiting_input",
      "waiting_permission",
      "working",
    ]);
  });

  describe.each(names)("%s", (name) => {
    const expectation = fixtureExpectation(name);

    it(`gives the expected facts: ${expectation.description}`, () => {
      // actions, stalled and exit_kind came later; their own tests check them
      const { carry, actions, stalled, exit_kind, ...facts } = analyze(name);
      expect(facts).toEqual(expectation.facts);
      expect(JSON.parse(JSON.stringify(actions))).toEqual(actions);
      expect(stalled === true || stalled === false).toBe(true);
      expect(exit_kind === null || facts.state === "exited").toBe(true);
      expect(JSON.parse(JSON.stringify(carry))).toEqual(carry);
    });

    it("detectAgentKind agrees with the analysis", () => {
      expect(detectAgentKind(fixtureLines(name))).toBe(expectation.facts.agent_kind);
    });

    it("cleaned output has no escape or control characters and no frame lines", () => {
      const cleaned = cleanTerminalOutput(fixtureLines(name));
      expect(cleaned.length).toBeGreaterThan(0);
      const isControl = (c: number) => (c < 0x20 && c !== 0x09) || (c >= 0x7f && c <= 0x9f);
      for (const line of cleaned) {
        expect(
          [...line].some((ch) => isControl(ch.charCodeAt(0))),
          line,
        ).toBe(false);
        expect(line).not.toMatch(/^[\s─━═│╭╮╰╯]*$/);
        expect(line).toBe(line.trimEnd());
      }
    });
  });
});

describe("fixtures read poll by poll", () => {
  // The facts a poller ends with must not depend on how the log was cut into polls.
  const comparable = (a: ActivityAnalysis) => ({
    agent_kind: a.agent_kind,
    state: a.state,
    prompt: a.prompt,
    last_tool_used: a.last_tool_used,
    recent_tools: a.recent_tools,
    errors: a.errors,
    loop: a.loop,
    output_preview: a.output_preview,
    idle_duration_seconds: a.idle_duration_seconds,
    files_touched: a.files_touched,
    commands_run: a.commands_run,
    tests: a.tests,
  });

  describe.each(names)("%s", (name) => {
    it.each([1, 2, 7, 40])("in polls of %i lines gives the same facts as one read", (size) => {
      const expectation = fixtureExpectation(name);
      const options = {
        now: new Date(expectation.now),
        lastOutputAt: expectation.last_output_at ? new Date(expectation.last_output_at) : null,
      };
      const lines = fixtureLines(name);
      const whole = analyzeActivity(lines, options);
      let previous: ActivityAnalysis | null = null;
      const calls: string[] = [];
      for (let i = 0; i < lines.length; i += size) {
        const poll = analyzeActivity(lines.slice(i, i + size), { ...options, previous });
        for (const call of poll.tool_calls) {
          calls.push(`${call.tool}(${call.argument})`);
          expect(call.line).toBeLessThan(size);
        }
        previous = JSON.parse(JSON.stringify(poll)) as ActivityAnalysis;
      }
      expect(comparable(previous!)).toEqual(comparable(whole));
      expect(calls).toEqual(whole.tool_calls.map((c) => `${c.tool}(${c.argument})`));
    });
  });
});
