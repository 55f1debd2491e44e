import { CLAUDE_PROMPT, CODEX_WORKING, waitFor } from "@agentwatch/test-kit";
import type { MonitoredSummary } from "@agentwatch/monitor";
import { ON_TRACK_STATUSES } from "@agentwatch/models";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CaptureReceiver } from "../test/capture-receiver.js";
import { MonitorFixture } from "../test/monitor-fixture.js";
import { createOtelExporter } from "./index.js";
import {
  type OtlpKeyValue,
  attributeValue,
  decodeLogsRequest,
  encodingOf,
  otlpMetricsRequestType,
} from "./receive/index.js";

let monitor: MonitorFixture;
let receiver: CaptureReceiver | undefined;

beforeEach(async () => {
  monitor = await MonitorFixture.create();
});

afterEach(async () => {
  await monitor.remove();
  await receiver?.close();
  receiver = undefined;
});

function resourceOf(attributes: readonly OtlpKeyValue[] | undefined) {
  return {
    service: attributeValue(attributes, "service.name"),
    host: attributeValue(attributes, "host.name"),
    instance: attributeValue(attributes, "service.instance.id"),
  };
}

/** Every log record the receiver got, decoded with the official definitions, with its resource. */
function decodedRecords(capture: CaptureReceiver) {
  return capture.to("/v1/logs").flatMap((request) => {
    const decoded = decodeLogsRequest(request.body, encodingOf(request.contentType) ?? "protobuf");
    return (decoded.resourceLogs ?? []).flatMap((rl) =>
      (rl.scopeLogs ?? []).flatMap((sl) =>
        (sl.logRecords ?? []).map((record) => ({
          record,
          resource: resourceOf(rl.resource?.attributes),
          scope: sl.scope?.name,
        })),
      ),
    );
  });
}

describe("OtelExporter", () => {
  it("sends each stored summary as a gen_ai.evaluation.result record that decodes with the official OTLP definitions", async () => {
    receiver = await CaptureReceiver.start();
    const exporter = createOtelExporter({
      endpoint: receiver.url,
      hostName: "laptop-1",
      serviceInstanceId: "run-42",
      headers: { Authorization: "Bearer s3cret" },
      scheduledDelayMs: 50,
    });
    exporter.attach(monitor.service);
    const summaries: MonitoredSummary[] = [];
    monitor.service.on("summary", ({ summary }) => void summaries.push(summary));
    await monitor.write("claude-1", CLAUDE_PROMPT);
    await monitor.write("codex-1", CODEX_WORKING);
    await monitor.service.runOnce();
    await exporter.flush();
    expect(summaries).toHaveLength(2);

    const capture = receiver;
    const records = await waitFor(
      () => {
        const all = decodedRecords(capture);
        const evaluations = all.filter((r) => r.record.eventName === "gen_ai.evaluation.result");
        return evaluations.length >= 2 ? all : undefined;
      },
      { what: "two evaluation records" },
    );
    const request = capture.to("/v1/logs")[0];
    expect(request?.contentType).toBe("application/x-protobuf");
    expect(request?.headers.authorization).toBe("Bearer s3cret");
    for (const summary of summaries) {
      const found = records.find(
        (r) =>
          r.record.eventName === "gen_ai.evaluation.result" &&
          attributeValue(r.record.attributes, "gen_ai.agent.id") === summary.instance_id,
      );
      expect(found, summary.instance_id).toBeDefined();
      const { record, resource, scope } = found!;
      const attr = (key: string) => attributeValue(record.attributes, key);
      expect(resource).toEqual({ service: "agentwatch", host: "laptop-1", instance: "run-42" });
      expect(scope).toBe("@agentwatch/otel");
      expect(attr("gen_ai.evaluation.name")).toBe("agentwatch.on_track");
      expect(attr("gen_ai.evaluation.score.label")).toBe(summary.on_track_status);
      expect(attr("gen_ai.evaluation.score.value")).toBe(summary.confidence_score);
      expect(attr("gen_ai.agent.name")).toBe(summary.instance_name);
      expect(attr("agentwatch.activity_state")).toBe(summary.activity_state);
      expect(attr("agentwatch.idle_seconds")).toBe(summary.idle_duration_seconds);
      expect(attr("agentwatch.last_tool")).toBe(summary.last_tool_used ?? undefined);
      expect(attr("agentwatch.recommended_action")).toBe(summary.recommended_action ?? undefined);
      expect(attr("gen_ai.evaluation.explanation")).toBe(
        summary.drift_reasons.length > 0 ? summary.drift_reasons.join("; ") : undefined,
      );
      expect(JSON.parse(record.body?.stringValue ?? "null")).toEqual(summary);
      expect(Number(BigInt(record.timeUnixNano ?? "0") / 1_000_000n)).toBe(
        Date.parse(summary.timestamp),
      );
    }
    // The permission prompt is a state change, exported as its own record.
    const changes = records.filter((r) => r.record.eventName === "agentwatch.state_change");
    expect(changes.length).toBeGreaterThan(0);
    expect(
      changes.some(
        (r) =>
          attributeValue(r.record.attributes, "gen_ai.agent.id") === "claude-1" &&
          attributeValue(r.record.attributes, "agentwatch.current.activity_state") ===
            "waiting_permission",
      ),
    ).toBe(true);
    expect(records.some((r) => r.record.eventName === "agentwatch.cycle")).toBe(true);
    expect(exporter.stats.logs).toMatchObject({ failed: 0, dropped: 0 });
    expect(exporter.stats.logs.exported).toBe(records.length);
    await exporter.shutdown();
  });

  it("sends the metrics: agents by status and activity, summaries, cycle duration, read lag", async () => {
    receiver = await CaptureReceiver.start();
    const exporter = createOtelExporter({ endpoint: receiver.url, exportIntervalMs: 60_000 });
    exporter.attach(monitor.service);
    await monitor.write("claude-1", CLAUDE_PROMPT);
    await monitor.service.runOnce();
    await exporter.flush();
    const capture = receiver;
    const request = await waitFor(() => capture.to("/v1/metrics")[0], { what: "a metrics export" });
    const type = otlpMetricsRequestType();
    const decoded = type.toObject(type.decode(request.body), { longs: Number }) as {
      resourceMetrics: Array<{
        scopeMetrics: Array<{
          metrics: Array<{
            name: string;
            gauge?: {
              dataPoints: Array<{ asInt?: number; asDouble?: number; attributes?: OtlpKeyValue[] }>;
            };
            sum?: { dataPoints: Array<{ asInt?: number; asDouble?: number }> };
            histogram?: { dataPoints: Array<{ count: number }> };
          }>;
        }>;
      }>;
    };
    const metrics = decoded.resourceMetrics.flatMap((rm) =>
      rm.scopeMetrics.flatMap((sm) => sm.metrics),
    );
    const byName = new Map(metrics.map((m) => [m.name, m]));
    const point = (name: string, key: string, value: string) =>
      byName.get(name)?.gauge?.dataPoints.find((p) => attributeValue(p.attributes, key) === value);
    const value = (p: { asInt?: number; asDouble?: number } | undefined) => p?.asInt ?? p?.asDouble;
    const statuses = ON_TRACK_STATUSES;
    const byStatus = statuses.map(
      (s) => value(point("agentwatch.agents", "gen_ai.evaluation.score.label", s)) ?? 0,
    );
    expect(byStatus.reduce((a, b) => a + b, 0)).toBe(1);
    const waiting = point(
      "agentwatch.agents.activity",
      "agentwatch.activity_state",
      "waiting_permission",
    );
    expect(value(waiting)).toBe(1);
    expect(value(byName.get("agentwatch.summaries")?.sum?.dataPoints[0])).toBe(1);
    expect(byName.get("agentwatch.cycle.duration")?.histogram?.dataPoints[0]?.count).toBe(1);
    expect(point("agentwatch.read.lag", "gen_ai.agent.id", "claude-1")).toBeDefined();
    expect(exporter.stats.metrics.exported).toBeGreaterThan(0);
    await exporter.shutdown();
  });

  it("sends JSON bodies with protocol http/json", async () => {
    receiver = await CaptureReceiver.start();
    const exporter = createOtelExporter({
      endpoint: receiver.url,
      protocol: "http/json",
      scheduledDelayMs: 50,
    });
    exporter.attach(monitor.service);
    await monitor.write("codex-1", CODEX_WORKING);
    await monitor.service.runOnce();
    await exporter.flush();
    const capture = receiver;
    const records = await waitFor(
      () => {
        const all = decodedRecords(capture);
        return all.some((r) => r.record.eventName === "gen_ai.evaluation.result") ? all : undefined;
      },
      { what: "an evaluation record in JSON" },
    );
    expect(capture.to("/v1/logs")[0]?.contentType).toMatch(/^application\/json/);
    const evaluation = records.find((r) => r.record.eventName === "gen_ai.evaluation.result");
    expect(attributeValue(evaluation?.record.attributes, "gen_ai.agent.id")).toBe("codex-1");
    await exporter.shutdown();
  });
});
