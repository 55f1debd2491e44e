import { analyzeActivity } from "@agentwatch/activity";
import { parseAgentSummary } from "@agentwatch/models";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AgentContext,
  InvalidArgumentError,
  type JudgeInput,
  type Judgement,
  type MonitoredSummary,
  SummaryGenerator,
  type SummaryProvider,
  UNCONFIRMED_OFF_TRACK,
} from "../src/index.js";
import { fixture, recordingLogger } from "./helpers/inputs.js";

const START = Date.parse("2026-01-15T10:30:00.000Z");
const LINES = ["⏺ Update(src/auth/jwt.ts)", "⏺ Bash(npm test -- jwt)"];
const CONTEXT: AgentContext = {
  instance_name: "dev",
  assigned_task: "Implement JWT authentication",
};

/** A provider outside the generator that answers from a script and records its inputs. */
class ScriptedProvider implements SummaryProvider {
  readonly name = "scripted";
  readonly inputs: JudgeInput[] = [];
  constructor(private readonly answers: (Partial<Judgement> | Error)[]) {}
  judge(input: JudgeInput): Promise<Judgement> {
    this.inputs.push(input);
    const next = this.answers.shift() ?? new Error("script exhausted");
    if (next instanceof Error) return Promise.reject(next);
    return Promise.resolve({
      current_activity: "Working on JWT",
      on_track_status: "on_track",
      confidence_score: 0.7,
      drift_reasons: [],
      alignment_keywords: [],
      recommended_action: null,
      ...next,
    });
  }
}

function setup(answers: (Partial<Judgement> | Error)[]) {
  let now = START;
  const provider = new ScriptedProvider(answers);
  const logger = recordingLogger();
  const generator = new SummaryGenerator({ provider, clock: () => now, logger });
  return {
    provider,
    logger,
    generator,
    advance: (ms: number) => (now += ms),
  };
}

describe("status smoothing", () => {
  it("one off_track verdict below 0.8 shows as drifting; a second one in a row is off_track", async () => {
    const { generator } = setup([
      { on_track_status: "on_track" },
      { on_track_status: "off_track", confidence_score: 0.6 },
      { on_track_status: "off_track", confidence_score: 0.6 },
    ]);
    const first = await generator.generateSummary("a", LINES, CONTEXT);
    const second = await generator.generateSummary("a", LINES, {
      ...CONTEXT,
      previous_summary: first,
    });
    expect(second.on_track_status).toBe("drifting");
    expect(second.confidence_score).toBe(0.6);
    expect(second.drift_reasons.at(-1)?.startsWith(UNCONFIRMED_OFF_TRACK)).toBe(true);
    const third = await generator.generateSummary("a", LINES, {
      ...CONTEXT,
      previous_summary: JSON.stringify(second),
    });
    expect(third.on_track_status).toBe("off_track");
    expect(third.drift_reasons.some((r) => r.startsWith(UNCONFIRMED_OFF_TRACK))).toBe(false);
  });

  it("one off_track verdict of at least 0.8 flips at once", async () => {
    const { generator } = setup([{ on_track_status: "off_track", confidence_score: 0.8 }]);
    const summary = await generator.generateSummary("a", LINES, CONTEXT);
    expect(summary.on_track_status).toBe("off_track");
  });

  it("an agent already off_track stays off_track on a low-confidence verdict", async () => {
    const { generator } = setup([
      { on_track_status: "off_track", confidence_score: 0.9 },
      { on_track_status: "off_track", confidence_score: 0.3 },
    ]);
    const first = await generator.generateSummary("a", LINES, CONTEXT);
    const second = await generator.generateSummary("a", LINES, {
      ...CONTEXT,
      previous_summary: first,
    });
    expect(second.on_track_status).toBe("off_track");
  });

  it("a provider cannot fake the unconfirmed marker to skip the second verdict", async () => {
    const marker = `${UNCONFIRMED_OFF_TRACK} (confidence 0.50)`;
    const { generator } = setup([
      { on_track_status: "on_track", drift_reasons: [marker] },
      { on_track_status: "off_track", confidence_score: 0.5 },
    ]);
    const first = await generator.generateSummary("a", LINES, CONTEXT);
    expect(first.drift_reasons).toEqual([]);
    const second = await generator.generateSummary("a", LINES, {
      ...CONTEXT,
      previous_summary: first,
    });
    expect(second.on_track_status).toBe("drifting");
  });

  it("off_track only ever follows an off_track verdict or one of at least 0.8", async () => {
    const verdict = fc.record({
      status: fc.constantFrom("on_track", "drifting", "off_track", "blocked", "unknown" as const),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(verdict, { minLength: 1, maxLength: 8 }), async (verdicts) => {
        const { generator } = setup(
          verdicts.map((v) => ({ on_track_status: v.status, confidence_score: v.confidence })),
        );
        let previous: MonitoredSummary | null = null;
        for (let i = 0; i < verdicts.length; i++) {
          const summary: MonitoredSummary = await generator.generateSummary("a", LINES, {
            ...CONTEXT,
            previous_summary: previous,
          });
          const v = verdicts[i]!;
          const before = verdicts[i - 1];
          if (summary.on_track_status === "off_track")
            expect(v.confidence >= 0.8 || before?.status === "off_track").toBe(true);
          if (v.status === "off_track" && v.confidence >= 0.8)
            expect(summary.on_track_status).toBe("off_track");
          if (v.status !== "off_track") expect(summary.on_track_status).toBe(v.status);
          previous = summary;
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("no new lines", () => {
  it("carries the previous summary forward with a fresh timestamp and idle time, without a call", async () => {
    const { generator, provider, advance } = setup([
      { on_track_status: "drifting", confidence_score: 0.55, drift_reasons: ["side quest"] },
    ]);
    const lastOutputAt = new Date(START);
    const first = await generator.generateSummary("a", LINES, {
      ...CONTEXT,
      last_output_at: lastOutputAt,
    });
    advance(90_000);
    const carried = await generator.generateSummary("a", [], {
      ...CONTEXT,
      previous_summary: first,
      last_output_at: lastOutputAt.toISOString(),
    });
    expect(provider.inputs).toHaveLength(1);
    expect(carried).toEqual({
      ...first,
      timestamp: new Date(START + 90_000).toISOString(),
      idle_duration_seconds: 90,
    });
  });

  it("without last_output_at the idle time grows by the time since the previous summary", async () => {
    const { generator, advance } = setup([{}]);
    const first = await generator.generateSummary("a", LINES, CONTEXT);
    expect(first.idle_duration_seconds).toBe(0);
    advance(12_500);
    const carried = await generator.generateSummary("a", [], {
      ...CONTEXT,
      previous_summary: first,
    });
    expect(carried.idle_duration_seconds).toBe(12.5);
  });

  it("a given analysis that shows a permission prompt blocks the carried summary by rule", async () => {
    const { generator } = setup([{}]);
    const first = await generator.generateSummary("a", LINES, CONTEXT);
    const f = fixture("claude-permission");
    const carried = await generator.generateSummary("a", [], {
      ...CONTEXT,
      previous_summary: first,
      activity: f.activity,
    });
    expect(carried.on_track_status).toBe("blocked");
    expect(carried.activity_state).toBe("waiting_permission");
    expect(carried.recommended_action).toContain("npm install lodash@4.17.21");
    expect(carried.last_tool_used).toBe("Read");
  });

  it("a block by rule that no longer holds is lifted to unknown", async () => {
    const { generator } = setup([]);
    const blocked = await generator.generateSummary("a", [], {
      ...CONTEXT,
      activity: fixture("claude-permission").activity,
    });
    expect(blocked.on_track_status).toBe("blocked");
    const after = await generator.generateSummary("a", [], {
      ...CONTEXT,
      previous_summary: blocked,
      activity: fixture("claude-idle").activity,
    });
    expect(after.on_track_status).toBe("unknown");
    expect(after.drift_reasons).toEqual([]);
    expect(after.recommended_action).toBeNull();
    expect(after.activity_state).toBe("idle");
  });
});

describe("generateSummary", () => {
  it("uses the caller's analysis instead of analyzing again, and passes it to the provider", async () => {
    const { generator, provider } = setup([{}]);
    const activity = fixture("claude-question").activity;
    const summary = await generator.generateSummary("a", ["plain text"], { ...CONTEXT, activity });
    expect(provider.inputs[0]?.activity).toEqual(activity);
    expect(summary.on_track_status).toBe("blocked");
    expect(summary.activity_state).toBe("waiting_input");
    expect(summary.drift_reasons[0]).toMatch(/^waiting for input: /);
  });

  it("continues from previous_activity when it analyzes itself", async () => {
    const { generator, provider } = setup([{}]);
    const now = new Date(START);
    const previous = analyzeActivity(["⏺ Read(src/auth/jwt.ts)"], { now, lastOutputAt: now });
    const summary = await generator.generateSummary("a", ["⏺ Bash(npm test)"], {
      ...CONTEXT,
      previous_activity: previous,
    });
    expect(summary.recent_tools).toEqual(["Read", "Bash"]);
    expect(provider.inputs[0]?.activity.files_touched).toEqual(["src/auth/jwt.ts"]);
  });

  it("never rejects when a provider throws: heuristic verdict, reason, warning, fallback counted", async () => {
    const { generator, logger } = setup([new Error("socket hang up")]);
    const summary = await generator.generateSummary("a", LINES, CONTEXT);
    expect(summary.drift_reasons.at(-1)).toBe("model unavailable: socket hang up");
    expect(summary.on_track_status).toBe("on_track");
    expect(generator.stats.fallbacks).toBe(1);
    expect(logger.entries.some((e) => e.level === "warn")).toBe(true);
    expect(parseAgentSummary(summary)).toBeTruthy();
  });

  it("treats a provider result that is no verdict as a failure", async () => {
    const { generator } = setup([{ current_activity: "" }]);
    const summary = await generator.generateSummary("a", LINES, CONTEXT);
    expect(summary.drift_reasons.at(-1)).toMatch(
      /^model unavailable: scripted: the reply is not a valid verdict/,
    );
  });

  it("normalises a provider's loose values", async () => {
    const { generator } = setup([
      {
        on_track_status: "On Track" as Judgement["on_track_status"],
        confidence_score: 85,
        alignment_keywords: Array.from({ length: 30 }, (_, i) => `k${i}`),
      },
    ]);
    const summary = await generator.generateSummary("a", LINES, CONTEXT);
    expect(summary.on_track_status).toBe("on_track");
    expect(summary.confidence_score).toBe(0.85);
    expect(summary.alignment_keywords).toHaveLength(10);
  });

  it("stats is a copy", () => {
    const { generator } = setup([]);
    const stats = generator.stats as { modelCalls: number };
    stats.modelCalls = 99;
    expect(generator.stats.modelCalls).toBe(0);
  });

  it("caps recent_tools at 5 and output_preview at 200 characters", async () => {
    const { generator } = setup([{}]);
    const lines = [
      ...["Read", "Grep", "Glob", "Read", "Write", "Edit"].map(
        (tool, i) => `⏺ ${tool}(src/f${i}.ts)`,
      ),
      "é".repeat(500),
    ];
    const summary = await generator.generateSummary("a", lines, CONTEXT);
    expect(summary.recent_tools).toHaveLength(5);
    expect(Array.from(summary.output_preview).length).toBeLessThanOrEqual(200);
  });

  it("takes context fields from the previous summary unless given, and null as none", async () => {
    const { generator } = setup([{}, {}]);
    const first = await generator.generateSummary("a", LINES, {
      instance_name: "dev",
      role: "backend",
      assigned_task: "JWT",
      parent_instance_id: "orch",
    });
    const second = await generator.generateSummary("a", LINES, {
      previous_summary: first,
      role: null,
    });
    expect(second).toMatchObject({
      instance_name: "dev",
      role: null,
      assigned_task: "JWT",
      parent_instance_id: "orch",
    });
  });

  it("keeps a previous summary whose activity_state this version does not know", async () => {
    const { generator, logger } = setup([]);
    const first = await generator.generateSummary("a", [], CONTEXT);
    const carried = await generator.generateSummary("a", [], {
      previous_summary: {
        ...first,
        current_activity: "Napping",
        activity_state: "napping",
      } as never,
    });
    expect(carried.current_activity).toBe("Napping");
    expect(carried).not.toHaveProperty("activity_state");
    expect(logger.entries.filter((e) => e.level === "warn")).toEqual([]);
  });

  it("ignores an invalid last_output_at with a warning", async () => {
    const { generator, logger } = setup([{}]);
    const summary = await generator.generateSummary("a", LINES, { last_output_at: "yesterday" });
    expect(summary.idle_duration_seconds).toBe(0);
    expect(logger.entries.find((e) => e.level === "warn")?.message).toContain("last_output_at");
  });

  it.each([
    [() => ["", LINES, {}], "instanceId"],
    [() => ["a", "line", {}], "newLogLines"],
    [() => ["a", ["ok", 3], {}], "newLogLines[1]"],
    [() => ["a", LINES, { role: 5 }], "agentContext.role"],
  ] as [() => unknown[], string][])("rejects a programming error naming %s", async (args, name) => {
    const { generator } = setup([]);
    const call = (...a: unknown[]) =>
      (generator.generateSummary as (...b: unknown[]) => Promise<unknown>).apply(generator, a);
    const error: unknown = await call(...args()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe(name);
  });
});
