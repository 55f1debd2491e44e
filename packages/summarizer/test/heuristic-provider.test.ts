import { parseAgentSummary } from "@agentwatch/models";
import { describe, expect, it } from "vitest";
import { HEURISTIC_MAX_CONFIDENCE, HeuristicProvider, SummaryGenerator } from "../src/index.js";
import { fixture, judgeInput } from "./helpers/inputs.js";

const heuristic = new HeuristicProvider();

async function judgeFixture(name: string, task: string | null) {
  const f = fixture(name);
  return heuristic.judge(judgeInput(f.lines, { task, now: f.now, activity: f.activity }));
}

describe("HeuristicProvider on the activity fixtures", () => {
  it("an agent doing its task is on_track, with the shared terms as keywords", async () => {
    const judgement = await judgeFixture(
      "claude-working",
      "Fix the discount calculation in the cart",
    );
    expect(judgement.on_track_status).toBe("on_track");
    expect(judgement.alignment_keywords).toEqual(["discount", "cart"]);
    expect(judgement.confidence_score).toBeGreaterThanOrEqual(0.6);
    expect(judgement.confidence_score).toBeLessThanOrEqual(HEURISTIC_MAX_CONFIDENCE);
    expect(judgement.drift_reasons).toEqual([]);
    expect(judgement.current_activity).toBe(
      "Running `npm test -- cart` (1 failed) after editing src/cart.ts",
    );
  });

  it("a Codex agent doing its task is on_track", async () => {
    const judgement = await judgeFixture("codex-working", "Format negative prices correctly");
    expect(judgement.on_track_status).toBe("on_track");
    expect(judgement.alignment_keywords).toEqual(["format", "negative", "price"]);
  });

  it("an agent editing files unrelated to its task is off_track or drifting, with the reason", async () => {
    const several = await judgeFixture("codex-exited", "Implement JWT authentication");
    expect(several.on_track_status).toBe("off_track");
    expect(several.drift_reasons).toEqual([
      "editing files unrelated to the task (jwt, authentication): package.json, CHANGELOG.md",
    ]);
    expect(several.recommended_action).toBe(
      "Remind the agent of its task: Implement JWT authentication",
    );
    const one = await judgeFixture("claude-working", "Implement JWT authentication");
    expect(one.on_track_status).toBe("drifting");
    expect(one.alignment_keywords).toEqual([]);
    expect(one.confidence_score).toBeLessThan(0.8);
  });

  it("an agent at a permission prompt is blocked, with the prompt as the action", async () => {
    const judgement = await judgeFixture("claude-permission", "Add debounce to the search box");
    expect(judgement.on_track_status).toBe("blocked");
    expect(judgement.drift_reasons[0]).toMatch(/^waiting for permission: Bash command npm install/);
    expect(judgement.recommended_action).toContain("npm install lodash@4.17.21");
    expect(judgement.recommended_action).toContain("Do you want to proceed?");
    expect(judgement.current_activity).toMatch(/^Waiting for permission: /);
  });

  it.each([
    ["codex-approval", "waiting for permission: Would you like to run the following command?"],
    ["claude-question", "waiting for input: ☐ Cache Which cache backend"],
    ["shell-input-prompt", "waiting for input: Do you want to continue? [Y/n]"],
    ["claude-rate-limit", "usage limit reached: 5-hour limit reached ∙ resets 3pm"],
    ["claude-error-loop", "stuck in a loop: the same error 3 times: Error: P1001"],
    ["claude-tool-loop", "stuck in a loop: Bash(npm test -- api) ran 5 times in a row"],
  ])("%s is blocked: %s…", async (name, reason) => {
    const judgement = await judgeFixture(name, "Ship the release");
    expect(judgement.on_track_status).toBe("blocked");
    expect(judgement.drift_reasons[0]?.startsWith(reason)).toBe(true);
    expect(judgement.recommended_action).not.toBeNull();
  });

  it("an agent with no output is unknown with confidence 0", async () => {
    const judgement = await heuristic.judge(judgeInput(["", "   ", "⠋"]));
    expect(judgement).toEqual({
      current_activity: "No activity seen",
      on_track_status: "unknown",
      confidence_score: 0,
      drift_reasons: [],
      alignment_keywords: [],
      recommended_action: null,
    });
    const summary = await new SummaryGenerator().generateSummary("agent-9", [], {});
    expect(summary.on_track_status).toBe("unknown");
    expect(summary.confidence_score).toBe(0);
  });

  it("an agent without an assigned task is unknown", async () => {
    const judgement = await judgeFixture("claude-working", null);
    expect(judgement.on_track_status).toBe("unknown");
    expect(judgement.confidence_score).toBe(0);
  });

  it('composes the activity from facts: "Running `npm test` (2 failed) after editing src/auth/jwt.ts"', async () => {
    const lines = [
      "⏺ Update(src/auth/jwt.ts)",
      "  ⎿  Updated src/auth/jwt.ts with 3 additions",
      "⏺ Bash(npm test)",
      "  ⎿  Tests:       2 failed, 10 passed, 12 total",
    ];
    const judgement = await heuristic.judge(judgeInput(lines, { task: "JWT authentication" }));
    expect(judgement.current_activity).toBe(
      "Running `npm test` (2 failed) after editing src/auth/jwt.ts",
    );
    expect(judgement.on_track_status).toBe("on_track");
    expect(judgement.alignment_keywords).toEqual(["jwt", "authentication"]);
  });

  it("is less sure when the task's terms appear only in the output", async () => {
    const lines = ["I will look into the JWT authentication flow next."];
    const judgement = await heuristic.judge(judgeInput(lines));
    expect(judgement.on_track_status).toBe("on_track");
    expect(judgement.confidence_score).toBeLessThanOrEqual(0.4);
  });

  it("lowers its confidence for a repeated error", async () => {
    const base = [
      "⏺ Update(src/auth/jwt.ts)",
      "⏺ Bash(npm test -- jwt)",
      "  ⎿  Error: Exit code 1",
    ];
    const once = await heuristic.judge(judgeInput(base));
    const twice = await heuristic.judge(
      judgeInput([...base, "⏺ Bash(npx tsc)", "  ⎿  Error: Exit code 1"]),
    );
    expect(twice.confidence_score).toBeLessThan(once.confidence_score);
    expect(twice.drift_reasons).toEqual(["repeated error (2×): Error: Exit code 1"]);
  });

  it("gives a valid AgentSummary through the generator for every fixture", async () => {
    const names = [
      "claude-edit-permission",
      "claude-idle",
      "codex-idle",
      "exited",
      "orchestrator-snapshots",
      "raw-pipe-pane-ansi",
      "shell-npm-error",
      "shell-stack-trace",
      "shell-test-failures",
      "unicode-docs",
    ];
    const generator = new SummaryGenerator({ clock: () => Date.parse("2025-01-15T10:05:00Z") });
    for (const name of names) {
      const f = fixture(name);
      const summary = await generator.generateSummary(name, f.lines, {
        assigned_task: "Fix the checkout",
        last_output_at: f.lastOutputAt,
      });
      expect(parseAgentSummary(summary)).toBeTruthy();
      expect(summary.activity_state).toBe(f.activity.state);
      expect(summary.recent_tools).toEqual(f.activity.recent_tools);
      expect(summary.output_preview).toBe(f.activity.output_preview);
    }
    expect(generator.stats.modelCalls).toBe(0);
  });
});
