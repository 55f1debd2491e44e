import { parseAgentSummary } from "@agentwatch/models";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AgentContext,
  AnthropicProvider,
  type AnthropicProviderOptions,
  MODEL_UNAVAILABLE,
  SummaryGenerator,
} from "../src/index.js";
import { FakeAnthropic, reply, type Responder } from "./helpers/fake-anthropic.js";
import { fixture, recordingLogger, recordingSleep } from "./helpers/inputs.js";

const NOW = Date.parse("2026-01-15T10:30:00.000Z");
const LINES = [
  "⏺ Read(src/auth/jwt.ts)",
  "⏺ Update(src/auth/jwt.ts)",
  "  ⎿  Updated src/auth/jwt.ts with 4 additions",
  "⏺ Bash(npm test -- auth)",
  "  ⎿  Tests:       1 failed, 9 passed, 10 total",
];
const CONTEXT: AgentContext = {
  instance_name: "backend-dev",
  role: "backend_developer",
  assigned_task: "Implement JWT authentication",
  parent_instance_id: "orchestrator-1",
  last_output_at: new Date(NOW - 3500),
};
const verdict = {
  current_activity: "Fixing a failing JWT expiry test after editing src/auth/jwt.ts.",
  on_track_status: "on_track",
  confidence_score: 0.85,
  drift_reasons: [],
  alignment_keywords: ["jwt", "auth"],
  recommended_action: null,
};

let fake: FakeAnthropic;
let sleep: ReturnType<typeof recordingSleep>;
let logger: ReturnType<typeof recordingLogger>;

beforeEach(async () => {
  fake = await FakeAnthropic.start();
  sleep = recordingSleep();
  logger = recordingLogger();
});

afterEach(async () => {
  await fake.close();
});

function generator(options: AnthropicProviderOptions = {}): SummaryGenerator {
  const provider = new AnthropicProvider({
    apiKey: "test-key",
    baseURL: fake.baseURL,
    sleep,
    logger,
    ...options,
  });
  return new SummaryGenerator({ provider, clock: () => NOW, logger });
}

async function summarize(replies: Responder[], context: AgentContext = CONTEXT, lines = LINES) {
  fake.script(...replies);
  const g = generator();
  const summary = await g.generateSummary("agent-123", lines, context);
  return { summary, stats: g.stats };
}

describe("SummaryGenerator with AnthropicProvider (the seed's cases)", () => {
  it("success: the model's verdict with the measured facts and the context", async () => {
    const { summary, stats } = await summarize([
      reply.tool({ ...verdict, last_tool_used: "Invented", idle_duration_seconds: 999 }),
    ]);
    expect(summary).toEqual({
      instance_id: "agent-123",
      instance_name: "backend-dev",
      timestamp: "2026-01-15T10:30:00.000Z",
      current_activity: verdict.current_activity,
      on_track_status: "on_track",
      confidence_score: 0.85,
      assigned_task: "Implement JWT authentication",
      parent_instance_id: "orchestrator-1",
      role: "backend_developer",
      last_tool_used: "Bash",
      recent_tools: ["Read", "Update", "Bash"],
      output_preview: expect.stringContaining(
        "Tests:       1 failed, 9 passed, 10 total",
      ) as string,
      idle_duration_seconds: 3.5,
      drift_reasons: [],
      alignment_keywords: ["jwt", "auth"],
      recommended_action: null,
      activity_state: "working",
    });
    expect(parseAgentSummary(summary)).toBeTruthy();
    expect(stats).toEqual({
      modelCalls: 1,
      inputTokens: 1200,
      outputTokens: 80,
      costUsd: 0.0016,
      fallbacks: 0,
    });
  });

  it("drifting: the status and reasons come through", async () => {
    const reasons = ["refactoring the logger instead of the auth flow"];
    const { summary } = await summarize([
      reply.tool({
        ...verdict,
        on_track_status: "drifting",
        confidence_score: 0.6,
        drift_reasons: reasons,
        recommended_action: "Steer it back to JWT.",
      }),
    ]);
    expect(summary.on_track_status).toBe("drifting");
    expect(summary.drift_reasons).toEqual(reasons);
    expect(summary.recommended_action).toBe("Steer it back to JWT.");
  });

  it("blocked: a blocked verdict comes through", async () => {
    const { summary } = await summarize([
      reply.tool({
        ...verdict,
        on_track_status: "blocked",
        confidence_score: 0.7,
        drift_reasons: ["waiting on the API key"],
      }),
    ]);
    expect(summary.on_track_status).toBe("blocked");
    expect(summary.drift_reasons).toEqual(["waiting on the API key"]);
  });

  it("blocked by rule at a permission prompt, whatever the model says", async () => {
    const f = fixture("claude-permission");
    const { summary } = await summarize([reply.tool(verdict)], { ...CONTEXT }, f.lines);
    expect(summary.on_track_status).toBe("blocked");
    expect(summary.activity_state).toBe("waiting_permission");
    expect(summary.drift_reasons[0]).toMatch(/^waiting for permission: Bash command npm install/);
    expect(summary.recommended_action).toContain("npm install lodash@4.17.21");
    expect(summary.current_activity).toBe(verdict.current_activity);
  });

  it("unknown: an unknown verdict comes through", async () => {
    const { summary } = await summarize([
      reply.tool({ ...verdict, on_track_status: "unknown", confidence_score: 0.1 }),
    ]);
    expect(summary.on_track_status).toBe("unknown");
    expect(summary.confidence_score).toBe(0.1);
  });

  it("the prompt contains the instance id, role, task and a log line", async () => {
    await summarize([reply.tool(verdict)]);
    const prompt = fake.userMessage(0);
    expect(prompt).toContain("agent-123");
    expect(prompt).toContain("backend_developer");
    expect(prompt).toContain("Implement JWT authentication");
    expect(prompt).toContain("⏺ Update(src/auth/jwt.ts)");
  });

  it("invalid JSON is retried", async () => {
    const { summary, stats } = await summarize([
      reply.text("on_track, I think {not json"),
      reply.tool(verdict),
    ]);
    expect(summary.on_track_status).toBe("on_track");
    expect(fake.requests).toHaveLength(2);
    expect(sleep.delays).toEqual([1000]);
    expect(stats.modelCalls).toBe(2);
  });

  it("retries exhausted: falls back to the heuristic verdict, marks the reason and logs it", async () => {
    const bad = reply.text("I cannot judge this.");
    const { summary, stats } = await summarize([bad, bad, bad]);
    expect(fake.requests).toHaveLength(3);
    expect(summary.on_track_status).toBe("on_track"); // the heuristic: jwt, auth in the files
    expect(summary.current_activity).toBe(
      "Running `npm test -- auth` (1 failed) after editing src/auth/jwt.ts",
    );
    const reason = summary.drift_reasons.at(-1) ?? "";
    expect(reason.startsWith(MODEL_UNAVAILABLE)).toBe(true);
    expect(reason).toContain("no tool call and no JSON verdict");
    expect(stats).toMatchObject({ modelCalls: 3, fallbacks: 1, inputTokens: 3600 });
    const warning = logger.entries.find((e) => e.level === "warn");
    expect(warning?.message).toContain("using the heuristic verdict");
    expect(warning?.fields).toMatchObject({ code: "MODEL_INVALID_REPLY", attempts: 3 });
    expect(parseAgentSummary(summary)).toBeTruthy();
  });

  it("a rate limit, then success", async () => {
    const { summary } = await summarize([
      reply.error(429, "rate_limit_error", { "retry-after": "2" }),
      reply.tool(verdict),
    ]);
    expect(summary.on_track_status).toBe("on_track");
    expect(sleep.delays).toEqual([2000]);
  });

  it("empty lines: no model call, an unknown summary with confidence 0", async () => {
    const g = generator();
    const summary = await g.generateSummary("agent-123", [], CONTEXT);
    expect(fake.requests).toHaveLength(0);
    expect(summary).toMatchObject({
      on_track_status: "unknown",
      confidence_score: 0,
      instance_name: "backend-dev",
      assigned_task: "Implement JWT authentication",
      last_tool_used: null,
      recent_tools: [],
      idle_duration_seconds: 3.5,
    });
    expect(g.stats.modelCalls).toBe(0);
  });

  it("an invalid status becomes unknown", async () => {
    const { summary } = await summarize([reply.tool({ ...verdict, on_track_status: "sideways" })]);
    expect(summary.on_track_status).toBe("unknown");
  });

  it.each([0, 0.37, 1])("confidence %d is kept exactly", async (confidence) => {
    const { summary } = await summarize([reply.tool({ ...verdict, confidence_score: confidence })]);
    expect(summary.confidence_score).toBe(confidence);
  });

  it("the model name is passed through", async () => {
    fake.script(reply.tool(verdict));
    await generator({ model: "claude-sonnet-4-5" }).generateSummary("agent-123", LINES, CONTEXT);
    expect(fake.requests[0]?.body.model).toBe("claude-sonnet-4-5");
  });

  it("missing optional fields are defaulted", async () => {
    const { summary } = await summarize([
      reply.tool({
        current_activity: "Editing jwt.ts",
        on_track_status: "on_track",
        confidence_score: 0.9,
      }),
    ]);
    expect(summary.drift_reasons).toEqual([]);
    expect(summary.alignment_keywords).toEqual([]);
    expect(summary.recommended_action).toBeNull();
  });
});

describe("SummaryGenerator with AnthropicProvider (what the original got wrong)", () => {
  it("a reply in a ```json fence", async () => {
    const text = `Here you go:\n\`\`\`json\n${JSON.stringify({ ...verdict, on_track_status: "drifting" })}\n\`\`\``;
    const { summary } = await summarize([reply.text(text)]);
    expect(summary.on_track_status).toBe("drifting");
    expect(fake.requests).toHaveLength(1);
  });

  it("a status in upper case", async () => {
    const { summary } = await summarize([reply.tool({ ...verdict, on_track_status: "ON_TRACK" })]);
    expect(summary.on_track_status).toBe("on_track");
  });

  it('confidence 7 reads as 0.7 and "high" as 0.8', async () => {
    const seven = await summarize([reply.tool({ ...verdict, confidence_score: 7 })]);
    expect(seven.summary.confidence_score).toBe(0.7);
    const high = await summarize([reply.tool({ ...verdict, confidence_score: "high" })]);
    expect(high.summary.confidence_score).toBe(0.8);
  });

  it("a JSON array instead of an object is a schema error and is retried", async () => {
    const { summary } = await summarize([
      reply.text(JSON.stringify([verdict])),
      reply.tool({ ...verdict, confidence_score: 0.66 }),
    ]);
    expect(fake.requests).toHaveLength(2);
    expect(summary.confidence_score).toBe(0.66);
  });

  it("previous_summary given as JSON is read and shown to the model", async () => {
    const previous = {
      instance_id: "agent-123",
      instance_name: "old-name",
      timestamp: "2026-01-15T10:29:00.000Z",
      current_activity: "Reading the auth middleware",
      on_track_status: "on_track",
      confidence_score: 0.7,
      assigned_task: "Implement JWT authentication",
      parent_instance_id: null,
      role: "backend_developer",
      last_tool_used: "Read",
      recent_tools: ["Read"],
      output_preview: "",
      idle_duration_seconds: 1,
      drift_reasons: [],
      alignment_keywords: ["auth"],
      recommended_action: null,
      activity_state: "working",
    };
    const { summary } = await summarize([reply.tool(verdict)], {
      previous_summary: JSON.stringify(previous),
    });
    expect(summary.instance_name).toBe("old-name");
    expect(summary.assigned_task).toBe("Implement JWT authentication");
    const prompt = fake.userMessage(0);
    expect(prompt).toContain("Reading the auth middleware");
    expect(logger.entries.filter((e) => e.level === "warn")).toEqual([]);
  });

  it("previous_summary that is not valid JSON counts as none, with a warning", async () => {
    const { summary } = await summarize([reply.tool(verdict)], {
      ...CONTEXT,
      previous_summary: '{"instance_id": "agent-123", ',
    });
    expect(summary.on_track_status).toBe("on_track");
    const warning = logger.entries.find((e) => e.level === "warn");
    expect(warning?.message).toContain("ignoring invalid previous_summary");
    expect(fake.userMessage(0)).toMatch(/BEGIN PREVIOUS_SUMMARY \w+=====\nnone\n/);
  });

  it("a timeout falls back to the heuristic and the loop goes on", async () => {
    fake.script(reply.hang(), reply.hang(), reply.hang(), reply.tool(verdict));
    const g = generator({ timeoutMs: 100 });
    const first = await g.generateSummary("agent-123", LINES, CONTEXT);
    expect(first.drift_reasons.at(-1)).toMatch(/^model unavailable: .*timed out/);
    const second = await g.generateSummary("agent-123", LINES, {
      ...CONTEXT,
      previous_summary: first,
    });
    expect(second.current_activity).toBe(verdict.current_activity);
    expect(second.drift_reasons).toEqual([]);
    expect(g.stats).toMatchObject({ modelCalls: 4, fallbacks: 1 });
  });
});
