import { gzipSync } from "node:zlib";
import { stateChangeRecord, summaryRecord } from "@agentwatch/otel";
import { afterEach, describe, expect, it } from "vitest";
import { connect, http, json, metricValue, ofType } from "./helpers/clients.js";
import { FakeService, agentStatus, at, summary } from "./helpers/fake-service.js";
import { Harness } from "./helpers/harness.js";
import { otlpRequest, postLogs, sendLogs, summariesRequest } from "./helpers/otlp.js";

const harness = new Harness();
afterEach(() => harness.cleanup());

async function metrics(url: string): Promise<string> {
  return (await http(url, "/metrics")).body;
}

describe("OTLP receiver: agents of other hosts", () => {
  it("shows each host's agents beside the local ones, in the stream, the snapshot and the REST listing", async () => {
    const service = new FakeService();
    service.agents = [agentStatus("local-1", summary("local-1", at(1)))];
    const { url, wsUrl } = await harness.start({ service, otlpReceiver: {} });
    const client = await connect(wsUrl);
    await client.until((m) => m.length >= 1, "the snapshot");

    const a = await sendLogs(url, summariesRequest("laptop", [summary("agent-1", at(2))]));
    expect(a.status).toBe(200);
    expect(a.headers["content-type"]).toBe("application/x-protobuf");
    const b = await sendLogs(
      url,
      summariesRequest("vm-2", [summary("agent-1", at(3)), summary("agent-2", at(4))]),
      "json",
      { gzip: true },
    );
    expect(b.status).toBe(200);
    expect(json(b)).toEqual({});

    await client.until((m) => ofType(m, "summary_update").length >= 3, "three summaries");
    const updates = ofType(client.messages, "summary_update").map((m) => m.summary);
    expect(updates.map((s) => [s.instance_id, (s as { host?: string }).host])).toEqual([
      ["laptop/agent-1", "laptop"],
      ["vm-2/agent-1", "vm-2"],
      ["vm-2/agent-2", "vm-2"],
    ]);
    const added = ofType(client.messages, "agent_added");
    expect(added.map((m) => [m.instance_id, m.agent.host, m.agent.log_type])).toEqual([
      ["laptop/agent-1", "laptop", "remote"],
      ["vm-2/agent-1", "vm-2", "remote"],
      ["vm-2/agent-2", "vm-2", "remote"],
    ]);

    const listed = json<{ summaries: Array<{ instance_id: string; host?: string }> }>(
      await http(url, "/api/summaries"),
    );
    expect(listed.summaries.map((s) => s.instance_id)).toEqual([
      "laptop/agent-1",
      "local-1",
      "vm-2/agent-1",
      "vm-2/agent-2",
    ]);
    const one = json<{ summary: { instance_id: string; timestamp: string } }>(
      await http(url, `/api/summaries/${encodeURIComponent("vm-2/agent-2")}`),
    );
    expect(one.summary).toMatchObject({ instance_id: "vm-2/agent-2", timestamp: at(4) });
    const history = json<{ summaries: unknown[] }>(
      await http(url, `/api/summaries/${encodeURIComponent("vm-2/agent-1")}/history`),
    );
    expect(history.summaries).toHaveLength(1);

    const late = await connect(wsUrl);
    await late.until((m) => m.length >= 1, "the snapshot");
    const snapshot = ofType(late.messages, "snapshot")[0];
    expect(snapshot?.summaries.map((s) => s.instance_id)).toContain("laptop/agent-1");
    expect(snapshot?.agents.map((agent) => [agent.instance_id, agent.host])).toEqual(
      expect.arrayContaining([
        ["laptop/agent-1", "laptop"],
        ["vm-2/agent-2", "vm-2"],
      ]),
    );
    const text = await metrics(url);
    expect(metricValue(text, "agentwatch_otlp_remote_agents")).toBe(3);
    expect(metricValue(text, 'agentwatch_otlp_records_total{result="accepted"}')).toBe(3);
    // The local agent and the three remote ones.
    expect(metricValue(text, 'agentwatch_agents{status="on_track"}')).toBe(4);
  });

  it("sends each summary once, also when a request is retried", async () => {
    const { url, wsUrl } = await harness.start({ otlpReceiver: {} });
    const client = await connect(wsUrl);
    const request = summariesRequest("laptop", [summary("a", at(1)), summary("a", at(2))]);
    expect((await sendLogs(url, request)).status).toBe(200);
    expect((await sendLogs(url, request)).status).toBe(200);
    await sendLogs(url, summariesRequest("laptop", [summary("a", at(3))]));
    await client.until((m) => ofType(m, "summary_update").length >= 3);
    expect(ofType(client.messages, "summary_update").map((m) => m.summary.timestamp)).toEqual([
      at(1),
      at(2),
      at(3),
    ]);
    expect(
      metricValue(await metrics(url), 'agentwatch_otlp_records_total{result="duplicate"}'),
    ).toBe(2);
  });

  it("passes state changes on under the remote id", async () => {
    const { url, wsUrl } = await harness.start({ otlpReceiver: {} });
    const client = await connect(wsUrl);
    const change = stateChangeRecord(
      {
        instance_id: "a",
        previous: { activity_state: "working", on_track_status: "on_track" },
        current: { activity_state: "waiting_permission", on_track_status: "on_track" },
        trigger: "read",
        at: at(5),
      },
      0,
    );
    const request = otlpRequest("laptop", [summaryRecord(summary("a", at(4)), 0), change]);
    expect((await sendLogs(url, request)).status).toBe(200);
    await client.until((m) => ofType(m, "state_change").length >= 1);
    expect(ofType(client.messages, "state_change")[0]).toMatchObject({
      instance_id: "laptop/a",
      current: { activity_state: "waiting_permission" },
    });
  });

  it("marks a silent host's agents stale, then removes them; a host that sends again is live", async () => {
    const { url, wsUrl } = await harness.start({
      otlpReceiver: { staleAfterMs: 150, removeAfterMs: 2_500 },
    });
    const client = await connect(wsUrl);
    await sendLogs(url, summariesRequest("laptop", [summary("a", at(1))]));
    await client.until((m) => ofType(m, "agent_stale").length >= 1, "the agent marked stale");
    expect(ofType(client.messages, "agent_stale")[0]).toMatchObject({
      instance_id: "laptop/a",
      host: "laptop",
      stale: true,
    });
    const late = await connect(wsUrl);
    await late.until((m) => m.length >= 1);
    expect(ofType(late.messages, "snapshot")[0]?.agents[0]).toMatchObject({ stale: true });
    await sendLogs(url, otlpRequest("laptop", [])); // a request with nothing new is no heartbeat
    await sendLogs(url, summariesRequest("laptop", [summary("a", at(2))]));
    await client.until((m) => ofType(m, "agent_stale").some((s) => !s.stale), "live again");
    await client.until((m) => ofType(m, "agent_removed").length >= 1, "the agent removed");
    expect(ofType(client.messages, "agent_removed")[0]?.instance_id).toBe("laptop/a");
    expect(json<{ summaries: unknown[] }>(await http(url, "/api/summaries")).summaries).toEqual([]);
  });

  it("requires the token beyond loopback rules, like every data endpoint", async () => {
    const { url } = await harness.start({ otlpReceiver: {}, config: { token: "s3cret" } });
    const request = summariesRequest("laptop", [summary("a", at(1))]);
    expect((await sendLogs(url, request)).status).toBe(401);
    const wrong = await sendLogs(url, request, "protobuf", {
      headers: { Authorization: "Bearer nope" },
    });
    expect(wrong.status).toBe(401);
    const right = await sendLogs(url, request, "protobuf", {
      headers: { Authorization: "Bearer s3cret" },
    });
    expect(right.status).toBe(200);
    const text = (await http(url, "/metrics", { headers: { Authorization: "Bearer s3cret" } }))
      .body;
    expect(metricValue(text, 'agentwatch_otlp_requests_total{result="refused"}')).toBe(2);
  });

  it("is off unless asked for: POST /v1/logs is refused", async () => {
    const { url } = await harness.start();
    const answer = await sendLogs(url, summariesRequest("laptop", [summary("a", at(1))]));
    expect(answer.status).toBe(405);
  });
});

describe("OTLP receiver: bad requests", () => {
  it("rejects garbage, bad JSON, gzip bombs, oversize bodies and bad summaries with a message, counts them, and goes on", async () => {
    const { url } = await harness.start({
      otlpReceiver: { maxBodyBytes: 64 * 1024, maxDecodedBytes: 256 * 1024 },
    });
    const garbage = await postLogs(url, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect(garbage.status).toBe(400);
    const garbageError = json<{ error: { code: string; message: string } }>(garbage).error;
    expect(garbageError.code).toBe("INVALID_OTLP");
    expect(garbageError.message).toMatch(/protobuf ExportLogsServiceRequest/);
    const badJson = await postLogs(url, "{ not json", { contentType: "application/json" });
    expect(badJson.status).toBe(400);
    expect(json<{ error: { message: string } }>(badJson).error.message).toMatch(/not JSON/);
    const wrongShape = await postLogs(url, '{"resourceLogs": 7}', {
      contentType: "application/json",
    });
    expect(wrongShape.status).toBe(400);
    // 64 MiB of zeros compress to about 64 KiB... so 8 MiB, well under the body limit.
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const bombed = await postLogs(url, bomb, { headers: { "Content-Encoding": "gzip" } });
    expect(bombed.status).toBe(413);
    expect(json<{ error: { message: string } }>(bombed).error.message).toMatch(/decompressed/);
    const oversize = await postLogs(url, Buffer.alloc(100 * 1024, 1));
    expect(oversize.status).toBe(413);
    const notGzip = await postLogs(url, Buffer.from("plain"), {
      headers: { "Content-Encoding": "gzip" },
    });
    expect(notGzip.status).toBe(400);
    const unsupported = await postLogs(url, "hello", { contentType: "text/plain" });
    expect(unsupported.status).toBe(415);
    const invalidSummary = await sendLogs(
      url,
      summariesRequest("laptop", [summary("a", at(1), { confidence_score: 7 })]),
    );
    expect(invalidSummary.status).toBe(400);
    expect(json<{ error: { message: string } }>(invalidSummary).error.message).toMatch(
      /gen_ai\.evaluation\.result from host "laptop".*confidence_score/,
    );
    // Some good, some bad: the good ones are taken, the answer says how many were rejected.
    const mixed = await sendLogs(
      url,
      summariesRequest("laptop", [summary("b", at(2)), summary("c", at(2), { timestamp: "x" })]),
      "json",
    );
    expect(mixed.status).toBe(200);
    expect(json(mixed)).toMatchObject({ partialSuccess: { rejectedLogRecords: "1" } });
    const get = await http(url, "/v1/logs");
    expect(get.status).toBe(405);

    // The server is fine: a good request is taken, and everything was counted.
    const good = await sendLogs(url, summariesRequest("laptop", [summary("d", at(3))]));
    expect(good.status).toBe(200);
    const text = await metrics(url);
    expect(metricValue(text, 'agentwatch_otlp_requests_total{result="invalid"}')).toBe(5);
    expect(metricValue(text, 'agentwatch_otlp_requests_total{result="too_large"}')).toBe(2);
    expect(metricValue(text, 'agentwatch_otlp_requests_total{result="unsupported"}')).toBe(1);
    expect(metricValue(text, 'agentwatch_otlp_requests_total{result="partial"}')).toBe(1);
    expect(metricValue(text, 'agentwatch_otlp_requests_total{result="accepted"}')).toBe(1);
    expect(metricValue(text, 'agentwatch_otlp_records_total{result="rejected"}')).toBe(2);
    expect(metricValue(text, "agentwatch_otlp_remote_agents")).toBe(2);
  });

  it("ignores other producers' records", async () => {
    const { url } = await harness.start({ otlpReceiver: {} });
    const foreign = {
      resourceLogs: [
        {
          resource: {
            attributes: [{ key: "service.name", value: { stringValue: "claude-code" } }],
          },
          scopeLogs: [
            {
              logRecords: [
                { eventName: "claude_code.api_request", body: { stringValue: "x" } },
                { body: { stringValue: "plain log" } },
              ],
            },
          ],
        },
      ],
    };
    expect((await sendLogs(url, foreign)).status).toBe(200);
    expect(metricValue(await metrics(url), 'agentwatch_otlp_records_total{result="ignored"}')).toBe(
      2,
    );
  });
});
