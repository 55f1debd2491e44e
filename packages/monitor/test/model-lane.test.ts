import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { analyzeActivity } from "@agentwatch/activity";
import { AnthropicProvider, GuardedProvider, SummaryGenerator } from "@agentwatch/summarizer";
import { waitFor } from "@agentwatch/test-kit";
import { afterEach, describe, expect, it } from "vitest";
import type { CycleStats, ModelJudgeLike, MonitoredSummary } from "../src/index.js";
import { FakeClock } from "./helpers/fake-clock.js";
import { type Workspace, harness, useWorkspace } from "./helpers/workspace.js";

let ws: Workspace;
useWorkspace((created) => (ws = created));

/** A local stand-in for the Messages API: `answer` decides each reply (undefined: never answers). */
async function messagesApi(
  answer: (body: { model: string }) => object | undefined,
): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const state = { requests: 0 };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      state.requests++;
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { model: string };
      const reply = answer(body);
      if (reply === undefined) return; // silent: holds the connection
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  servers.push(server);
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

const VERDICT = {
  current_activity: "Adding the JWT middleware, as asked",
  on_track_status: "on_track",
  confidence_score: 0.9,
  drift_reasons: [],
  alignment_keywords: ["jwt"],
  recommended_action: null,
};

function toolReply(model: string): object {
  return {
    id: "msg_1",
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "tool_use", id: "toolu_1", name: "report_agent_status", input: VERDICT }],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 20 },
  };
}

/** The model part as the CLI builds it: a generator over a guarded Anthropic provider. */
function modelJudge(url: string, clock: FakeClock, deadlineMs: number): ModelJudgeLike {
  const provider = new GuardedProvider(
    new AnthropicProvider({ apiKey: "k", baseURL: url, maxAttempts: 1, timeoutMs: 60_000 }),
    { deadlineMs, clock: clock.clock },
  );
  const generator = new SummaryGenerator({ provider, clock: clock.clock });
  return {
    name: provider.name,
    generateSummary: (id, lines, context) => generator.generateSummary(id, lines, context),
    get stats() {
      return generator.stats;
    },
    status: () => provider.status(),
    calls: () => provider.stats,
  };
}

const LINES = ["⏺ Edit(src/auth/jwt.ts)", "  ⎿  Updated src/auth/jwt.ts with 12 additions"];

describe("a model beside the cycle", () => {
  it("a silent endpoint holds no cycle: offline summaries are stored at once, and the breaker opens after three failures", async () => {
    const api = await messagesApi(() => undefined);
    const clock = new FakeClock();
    ws.addAgent("a", { assigned_task: "Add JWT auth" });
    const h = await harness(
      ws,
      {},
      { clock, analyze: analyzeActivity, modelJudge: modelJudge(api.url, clock, 300) },
    );
    const cycles: CycleStats[] = [];
    for (let i = 0; i < 6; i++) {
      ws.append("a", ...LINES, `step ${i}`);
      cycles.push(await h.service.runOnce());
      // each cycle's summary is stored with the offline verdict before the model answers
      const stored = (await h.store.getLatest("a")) as MonitoredSummary;
      expect(stored.judged_by).toBe("offline");
      clock.advance(12_000);
      // the call in flight reaches its deadline (or is refused) before the next cycle asks again
      await h.service.modelSettled();
    }
    const status = h.service.getModelStatus();
    expect(status?.unavailable_since).not.toBeNull();
    expect(status?.last_error).toMatch(/no verdict within 300 ms/);
    expect(api.requests).toBe(3); // the breaker sent no more
    const last = await h.service.runOnce();
    const counts = [...cycles, last].reduce(
      (sum, cycle) => ({
        failed: sum.failed + (cycle.model?.failed ?? 0),
        skipped: sum.skipped + (cycle.model?.skipped ?? 0),
      }),
      { failed: 0, skipped: 0 },
    );
    expect(counts.failed).toBe(3);
    expect(counts.skipped).toBeGreaterThanOrEqual(2);
    expect(last.model?.unavailable_since).toBe(status?.unavailable_since);
  });

  it("a cycle never waits for a model call in flight", async () => {
    const api = await messagesApi(() => undefined);
    const clock = new FakeClock();
    ws.addAgent("c", { assigned_task: "Add JWT auth" });
    const h = await harness(
      ws,
      {},
      { clock, analyze: analyzeActivity, modelJudge: modelJudge(api.url, clock, 3_600_000) },
    );
    ws.append("c", ...LINES);
    const first = await h.service.runOnce();
    await waitFor(() => api.requests === 1, { what: "the model call to be sent" });
    ws.append("c", "⏺ Bash(npm test)");
    const second = await h.service.runOnce(); // the first call still hangs (its deadline is an hour)
    expect(second.model).toMatchObject({ finished: 0, failed: 0 });
    // both cycles' calls were sent and hang; each is counted started by the cycle that saw it
    await waitFor(() => api.requests === 2, { what: "the second call to be sent" });
    const third = await h.service.runOnce();
    const started = [first, second, third].reduce((sum, c) => sum + (c.model?.started ?? 0), 0);
    expect(started).toBe(2);
    expect(third.model).toMatchObject({ finished: 0, failed: 0 });
    expect(((await h.store.getLatest("c")) as MonitoredSummary).judged_by).toBe("offline");
    expect(h.of("summary")).toHaveLength(2);
  });

  it("a model that answers replaces the offline verdict, marked as the model's", async () => {
    const api = await messagesApi((body) => toolReply(body.model));
    const clock = new FakeClock();
    ws.addAgent("b", { assigned_task: "Add JWT auth" });
    const h = await harness(
      ws,
      {},
      { clock, analyze: analyzeActivity, modelJudge: modelJudge(api.url, clock, 60_000) },
    );
    ws.append("b", ...LINES);
    await h.service.runOnce();
    const judged = await waitFor(
      async () => {
        const latest: MonitoredSummary | undefined = await h.store.getLatest("b");
        return latest?.judged_by?.startsWith("anthropic:") === true ? latest : undefined;
      },
      { what: "the model's verdict to be stored" },
    );
    expect(judged.current_activity).toBe(VERDICT.current_activity);
    expect(judged.confidence_score).toBe(0.9);
    const summaries = h.of("summary").map((event) => event.summary.judged_by);
    expect(summaries).toEqual(["offline", judged.judged_by]);
  });
});
