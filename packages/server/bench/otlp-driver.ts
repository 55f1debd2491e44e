/**
 * The sending side of otlp-receiver.bench.ts, in its own process: a real `OtelExporter` (default
 * batching, protobuf) fed `agents` summaries per second by a stand-in monitoring service, and one
 * WebSocket client of the receiving server that measures each summary's latency from the moment
 * it was stored (emitted) to the moment the client has it. Prints one JSON line when done.
 */
import type { MonitorEventName, MonitoredSummary } from "@agentwatch/monitor";
import { createOtelExporter, type MonitorLike } from "@agentwatch/otel";
import { WebSocket } from "ws";

const { url, agents, seconds, warmupSeconds } = JSON.parse(process.argv[2] ?? "{}") as {
  url: string;
  agents: number;
  seconds: number;
  warmupSeconds: number;
};

type Listener = (payload: unknown) => unknown;
const listeners = new Map<MonitorEventName, Set<Listener>>();
const service: MonitorLike = {
  on(event, listener) {
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  },
  getAgents: () => [],
};
const emit = (event: MonitorEventName, payload: unknown) => {
  for (const listener of listeners.get(event) ?? []) listener(payload);
};

const preview = "⏺ Bash(npm test)\n  ⎿  PASS src/auth/jwt.test.ts (12 tests)\n".repeat(4);
function summary(agent: number, timestamp: string): MonitoredSummary {
  return {
    instance_id: `agent-${agent}`,
    instance_name: `agent ${agent}`,
    timestamp,
    current_activity: "Running the test suite after editing the JWT middleware",
    on_track_status: "on_track",
    confidence_score: 0.82,
    assigned_task: "Implement JWT authentication for the login route",
    parent_instance_id: null,
    role: "implementer",
    last_tool_used: "Bash",
    recent_tools: ["Read", "Update", "Bash"],
    output_preview: preview,
    idle_duration_seconds: 3,
    drift_reasons: [],
    alignment_keywords: ["jwt", "auth", "login"],
    recommended_action: null,
    activity_state: "working",
  };
}

const latencies: number[] = [];
let received = 0;
const measureFrom = Date.now() + warmupSeconds * 1000;
const client = new WebSocket(url);
client.on("message", (data: Buffer) => {
  const now = Date.now();
  const message = JSON.parse(data.toString("utf8")) as {
    type: string;
    summary?: { timestamp: string };
  };
  if (message.type !== "summary_update" || message.summary === undefined) return;
  received++;
  const stored = Date.parse(message.summary.timestamp);
  if (stored >= measureFrom) latencies.push(now - stored);
});
await new Promise((resolve, reject) => {
  client.once("open", resolve);
  client.once("error", reject);
});

const exporter = createOtelExporter({
  endpoint: url.replace(/^ws/, "http").replace(/\/ws\/.*$/, ""),
});
exporter.attach(service);

// 10 ticks a second, each emitting a tenth of the agents' summaries.
const TICKS = 10;
let sent = 0;
let tick = 0;
const started = Date.now();
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const per = Math.ceil(agents / TICKS);
    const first = (tick % TICKS) * per;
    for (let a = first; a < Math.min(agents, first + per); a++) {
      // Timestamps must differ per agent and per summary: one millisecond apart at least.
      emit("summary", { summary: summary(a, new Date(Date.now()).toISOString()) });
      sent++;
    }
    tick++;
    if (Date.now() - started >= seconds * 1000) {
      clearInterval(timer);
      resolve();
    }
  }, 1000 / TICKS);
});
await exporter.shutdown({ timeoutMs: 10_000 });
const deadline = Date.now() + 10_000;
while (received < sent - exporter.stats.logs.dropped && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 50));
}
client.close();
console.log(JSON.stringify({ sent, received, latencies, export: exporter.stats }));
