import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentSummary } from "@agentwatch/models";
import { type HealthBody } from "../src/index.js";
import { http, json } from "./helpers/clients.js";
import { FakeService, agentStatus, at, summary } from "./helpers/fake-service.js";
import { Harness } from "./helpers/harness.js";

const harness = new Harness();
afterEach(() => harness.cleanup());

describe("REST", () => {
  it("lists every agent's latest summary and answers one by id", async () => {
    const { url, store } = await harness.start();
    await store.write(summary("b", at(1)));
    await store.write(summary("a", at(2)));
    await store.write(summary("a", at(3), { on_track_status: "drifting" }));
    const list = json<{ summaries: AgentSummary[] }>(await http(url, "/api/summaries"));
    expect(list.summaries.map((s) => [s.instance_id, s.timestamp])).toEqual([
      ["a", at(3)],
      ["b", at(1)],
    ]);
    const one = await http(url, "/api/summaries/a");
    expect(one.status).toBe(200);
    expect(one.headers["content-type"]).toContain("application/json");
    expect(json<{ summary: AgentSummary }>(one).summary.on_track_status).toBe("drifting");
  });

  it("answers 404 UNKNOWN_AGENT for an agent without summaries and 400 for an invalid id", async () => {
    const { url } = await harness.start();
    const unknown = await http(url, "/api/summaries/nobody");
    expect(unknown.status).toBe(404);
    expect(json(unknown)).toMatchObject({ error: { code: "UNKNOWN_AGENT" } });
    for (const id of ["a%00b", "a%2Fb", "a%5Cb", "%E0%A4%A", "x".repeat(200)]) {
      const bad = await http(url, `/api/summaries/${id}`);
      expect(bad.status, id).toBe(400);
      expect(json(bad), id).toMatchObject({ error: { code: "INVALID_INSTANCE_ID" } });
    }
    const history = await http(url, "/api/summaries/nobody/history");
    expect(history.status).toBe(404);
    const other = await http(url, "/api/other");
    expect(other.status).toBe(404);
    expect(json(other)).toMatchObject({ error: { code: "NOT_FOUND" } });
    expect((await http(url, "/api/summaries/a/b")).status).toBe(404);
  });

  it("answers history newest first, honouring limit and since", async () => {
    const { url, store } = await harness.start();
    for (let i = 1; i <= 5; i++) await store.write(summary("a", at(i)));
    const all = json<{ instance_id: string; summaries: AgentSummary[] }>(
      await http(url, "/api/summaries/a/history"),
    );
    expect(all.instance_id).toBe("a");
    expect(all.summaries.map((s) => s.timestamp)).toEqual([at(5), at(4), at(3), at(2), at(1)]);
    const limited = json<{ summaries: AgentSummary[] }>(
      await http(url, "/api/summaries/a/history?limit=2"),
    );
    expect(limited.summaries.map((s) => s.timestamp)).toEqual([at(5), at(4)]);
    const since = json<{ summaries: AgentSummary[] }>(
      await http(url, `/api/summaries/a/history?since=${encodeURIComponent(at(3))}`),
    );
    expect(since.summaries.map((s) => s.timestamp)).toEqual([at(5), at(4), at(3)]);
    const offset = json<{ summaries: AgentSummary[] }>(
      await http(url, "/api/summaries/a/history?since=2026-01-15T12:00:03+02:00"),
    );
    expect(offset.summaries.map((s) => s.timestamp)).toEqual([at(5), at(4), at(3)]);
  });

  it("answers 400 INVALID_QUERY for a limit outside 1..1000 or a since that is not ISO 8601", async () => {
    const { url, store } = await harness.start();
    await store.write(summary("a", at(1)));
    for (const query of [
      "limit=0",
      "limit=1001",
      "limit=abc",
      "limit=1.5",
      "since=yesterday",
      "since=12",
    ]) {
      const answer = await http(url, `/api/summaries/a/history?${query}`);
      expect(answer.status, query).toBe(400);
      expect(json(answer), query).toMatchObject({ error: { code: "INVALID_QUERY" } });
    }
    expect((await http(url, "/api/summaries/a/history?limit=1000")).status).toBe(200);
  });

  it("answers HEAD with the headers and no body", async () => {
    const { url, store } = await harness.start();
    await store.write(summary("a", at(1)));
    const answer = await http(url, "/api/summaries", { method: "HEAD" });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe("");
    expect(Number(answer.headers["content-length"])).toBeGreaterThan(10);
  });
});

describe("/healthz", () => {
  it("is starting before the first cycle, ok after one, and stale (503) when cycles stop", async () => {
    let now = Date.UTC(2026, 0, 15, 10);
    const service = new FakeService();
    service.agents = [agentStatus("a")];
    const { url } = await harness.start({
      service,
      clock: () => now,
      limits: { staleAfterMs: 60_000 },
    });
    const starting = await http(url, "/healthz");
    expect(starting.status).toBe(200);
    expect(json<HealthBody>(starting)).toMatchObject({
      status: "starting",
      last_cycle: null,
      agents: 1,
    });
    const cycle = {
      started_at: new Date(now).toISOString(),
      duration_ms: 42,
      agents: 1,
      lines: 7,
      model_calls: 1,
      failures: 0,
      skipped_slots: 0,
      behind: 0,
    };
    service.emit("cycle", cycle);
    const ok = json<HealthBody>(await http(url, "/healthz"));
    expect(ok).toMatchObject({ status: "ok", last_cycle: cycle, clients: 0 });
    now += 61_000;
    const stale = await http(url, "/healthz");
    expect(stale.status).toBe(503);
    expect(json<HealthBody>(stale).status).toBe("stale");
  });

  it("is ok without a monitor", async () => {
    const { url } = await harness.start();
    expect(json<HealthBody>(await http(url, "/healthz"))).toMatchObject({
      status: "ok",
      agents: null,
    });
  });
});

describe("/metrics", () => {
  it("exposes agents by status, cycles, model usage, read lag and clients in Prometheus text", async () => {
    const service = new FakeService();
    const { url, dir } = await harness.start({
      service,
      generatorStats: () => ({
        modelCalls: 12,
        inputTokens: 3400,
        outputTokens: 560,
        costUsd: 0.25,
        fallbacks: 1,
      }),
      positions: {
        getAllPositions: () => [
          {
            instance_id: "a",
            log_type: "tmux_output",
            file_path: join(dir, "a.log"),
            last_byte_offset: 100,
            last_line_number: 3,
            last_read_timestamp: at(0),
            checksum: "ab",
          },
        ],
      },
    });
    await writeFile(join(dir, "a.log"), "x".repeat(250));
    await writeFile(join(dir, "b.log"), "y".repeat(40));
    service.agents = [
      agentStatus("a", summary("a", at(1), { activity_state: "working" }), join(dir, "a.log")),
      agentStatus(
        "b",
        summary("b", at(1), { on_track_status: "blocked", activity_state: "waiting_permission" }),
        join(dir, "b.log"),
      ),
      agentStatus("c", null, join(dir, "missing.log")),
    ];
    service.emit("cycle", {
      started_at: at(10),
      duration_ms: 1500,
      agents: 3,
      lines: 9,
      model_calls: 2,
      failures: 1,
      skipped_slots: 0,
      behind: 0,
    });
    service.emit("summary", { summary: summary("a", at(11)) });
    const answer = await http(url, "/metrics");
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toContain("text/plain; version=0.0.4");
    const lines = answer.body.split("\n");
    for (const expected of [
      "# TYPE agentwatch_agents gauge",
      'agentwatch_agents{status="on_track"} 1',
      'agentwatch_agents{status="blocked"} 1',
      'agentwatch_agents{status="unknown"} 1',
      'agentwatch_agents{status="drifting"} 0',
      'agentwatch_agents_by_activity{state="waiting_permission"} 1',
      'agentwatch_agents_by_activity{state="working"} 1',
      "agentwatch_cycles_total 1",
      "agentwatch_cycle_duration_seconds 1.5",
      "agentwatch_lines_read_total 9",
      "agentwatch_agent_failures_total 1",
      "agentwatch_summaries_total 1",
      "agentwatch_model_calls_total 12",
      'agentwatch_tokens_total{direction="input"} 3400',
      'agentwatch_tokens_total{direction="output"} 560',
      "agentwatch_model_cost_usd_total 0.25",
      "agentwatch_model_fallbacks_total 1",
      'agentwatch_read_lag_bytes{instance_id="a"} 150',
      'agentwatch_read_lag_bytes{instance_id="b"} 40',
      "agentwatch_ws_clients 0",
      'agentwatch_ws_dropped_clients_total{reason="slow"} 0',
    ]) {
      expect(lines, expected).toContain(expected);
    }
    expect(answer.body).not.toContain('instance_id="c"');
  });

  it("counts model calls from the cycles when no generator stats are given", async () => {
    const service = new FakeService();
    const { url } = await harness.start({ service });
    for (const calls of [2, 3]) {
      service.emit("cycle", {
        started_at: at(calls),
        duration_ms: 1,
        agents: 0,
        lines: 0,
        model_calls: calls,
        failures: 0,
        skipped_slots: 0,
        behind: 0,
      });
    }
    const text = (await http(url, "/metrics")).body;
    expect(text.split("\n")).toContain("agentwatch_model_calls_total 5");
    expect(text).not.toContain("agentwatch_tokens_total");
    expect(text).not.toContain("agentwatch_notifications_total");
  });

  it("counts the notifier's deliveries per target, by result", async () => {
    const target = {
      target: "webhook=https://hooks.example.com/…",
      kind: "webhook",
      sent: 4,
      failed: 1,
      dropped: 2,
      retried: 3,
      queued: 1,
    };
    const { url } = await harness.start({ notifyStats: () => ({ targets: [target] }) });
    const lines = (await http(url, "/metrics")).body.split("\n");
    const labels = 'target="webhook=https://hooks.example.com/…",kind="webhook"';
    for (const expected of [
      "# TYPE agentwatch_notifications_total counter",
      `agentwatch_notifications_total{${labels},result="sent"} 4`,
      `agentwatch_notifications_total{${labels},result="failed"} 1`,
      `agentwatch_notifications_total{${labels},result="dropped"} 2`,
      `agentwatch_notification_retries_total{${labels}} 3`,
      `agentwatch_notifications_queued{${labels}} 1`,
    ]) {
      expect(lines).toContain(expected);
    }
  });
});

describe("the dashboard page", () => {
  it("serves the built files with a CSP, caches hashed assets and refuses paths outside the build", async () => {
    const dashboard = await harness.tempDir();
    await mkdir(join(dashboard, "assets"));
    await writeFile(join(dashboard, "index.html"), "<!doctype html><title>agentwatch</title>");
    await writeFile(join(dashboard, "assets", "index-abc.js"), "console.log(1)");
    const { url } = await harness.start({ dashboardDir: dashboard, config: { token: "t" } });
    const page = await http(url, "/"); // no token needed: the page holds no data
    expect(page.status).toBe(200);
    expect(page.body).toContain("<title>agentwatch</title>");
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    const asset = await http(url, "/assets/index-abc.js");
    expect(asset.headers["content-type"]).toContain("text/javascript");
    expect(asset.headers["cache-control"]).toContain("immutable");
    for (const path of [
      "/../package.json",
      "/%2e%2e/package.json",
      "/assets/../../x",
      "/nope.js",
    ]) {
      expect((await http(url, path)).status, path).toBe(404);
    }
  });

  it("answers 503 with how to build the dashboard when it is not built", async () => {
    const { url } = await harness.start();
    const page = await http(url, "/");
    expect(page.status).toBe(503);
    expect(page.body).toContain("pnpm --filter @agentwatch/dashboard build");
  });
});
