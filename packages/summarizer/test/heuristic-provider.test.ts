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
    // "negative" is only in the user's message the agent echoes: that is no evidence of its work
    expect(judgement.alignment_keywords).toEqual(["format", "price"]);
  });

  // Before issue 18 one poll's edits of package.json and CHANGELOG.md made a JWT task off_track
  // and one unrelated edit made it drifting; now manifests and changelogs are neutral, one
  // unrelated edit is not drift, and a run of unrelated edits is (see summary-judge.test.ts).
  it("an agent editing files unrelated to its task drifts, with the files as the reason", async () => {
    const edit = (path: string) => [
      `⏺ Update(${path})`,
      `  ⎿  Updated ${path} with 1 addition`,
      "       12 +  export const palette = ['#112233'];",
    ];
    const lines = [
      ...edit("src/theme/colors.ts"),
      ...edit("src/theme/fonts.ts"),
      ...edit("src/ui/header.css"),
    ];
    const several = await heuristic.judge(
      judgeInput(lines, { task: "Implement JWT authentication" }),
    );
    expect(["drifting", "off_track"]).toContain(several.on_track_status);
    expect(several.drift_reasons[0]).toContain("src/theme/colors.ts");
    expect(several.recommended_action).toMatch(/Implement JWT authentication/);
    const one = await judgeFixture("claude-working", "Implement JWT authentication");
    expect(one.on_track_status).toBe("on_track");
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

  // A bare `Error: Exit code 1` no longer counts (it says only that a command failed; a red
  // test run before a green one is the normal way of working): a specific error repeated does.
  it("lowers its confidence for a repeated specific error", async () => {
    const base = [
      "⏺ Update(src/auth/jwt.ts)",
      "⏺ Bash(npm test -- jwt)",
      "  ⎿  Error: Exit code 1",
      "     src/auth/jwt.ts(3,1): error TS2304: Cannot find name 'sign'.",
    ];
    const once = await heuristic.judge(judgeInput(base));
    const twice = await heuristic.judge(
      judgeInput([
        ...base,
        "⏺ Bash(npx tsc)",
        "  ⎿  Error: Exit code 1",
        "     src/auth/jwt.ts(3,1): error TS2304: Cannot find name 'sign'.",
      ]),
    );
    expect(twice.confidence_score).toBeLessThan(once.confidence_score);
    expect(twice.drift_reasons).toEqual([
      "repeated error (2×): src/auth/jwt.ts(3,1): error TS2304: Cannot find name 'sign'.",
    ]);
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
