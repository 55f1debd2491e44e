import { stat } from "node:fs/promises";
import { ON_TRACK_STATUSES, type OnTrackStatus, type PositionStore } from "@agentwatch/models";
import type { AgentStatus } from "@agentwatch/monitor";
import type { ConnectionGuard } from "./connection-guard.js";
import type {
  ExportStatsReader,
  GeneratorStatsReader,
  NotifyStatsReader,
  NotifyTargetCounts,
  SummaryReader,
  SummarySource,
} from "./options.js";
import type { OtlpCounters } from "./otlp-receiver.js";
import type { RemoteAgents } from "./remote-agents.js";
import type { ServerStats } from "./server-stats.js";
import type { WsCounters } from "./ws-counters.js";

/** The activity states, for `agentwatch_agents_by_activity` (kept here: the server is not an activity user). */
const ACTIVITY_STATES = [
  "working",
  "waiting_permission",
  "waiting_input",
  "idle",
  "rate_limited",
  "errored",
  "exited",
  "unknown",
] as const;

/** What `/metrics` reads. */
export interface MetricsInput {
  readonly service: SummarySource | undefined;
  readonly store: SummaryReader;
  readonly stats: ServerStats;
  readonly ws: WsCounters;
  readonly clients: number;
  /** Bytes waiting to be sent to the clients. */
  readonly bufferedBytes: number;
  readonly generatorStats: GeneratorStatsReader | undefined;
  readonly positions: Pick<PositionStore, "getAllPositions"> | undefined;
  /** Open, refused and errored connections. */
  readonly connections: Pick<ConnectionGuard, "open" | "refused" | "clientErrors">;
  /** Agents of other hosts, when the OTLP receiver is on. */
  readonly remote?: RemoteAgents | undefined;
  /** The OTLP receiver's counters, when it is on. */
  readonly otlp?: OtlpCounters | undefined;
  /** This process's OTLP exporter counters. */
  readonly exportStats?: ExportStatsReader | undefined;
  /** The notifier's counters. */
  readonly notifyStats?: NotifyStatsReader | undefined;
}

/** Escapes a label value of the Prometheus text format. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

class Exposition {
  readonly #lines: string[] = [];

  metric(
    name: string,
    type: "gauge" | "counter",
    help: string,
    samples: ReadonlyArray<readonly [labels: Record<string, string>, value: number]>,
  ): void {
    this.#lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
      const suffix = pairs.length > 0 ? `{${pairs.join(",")}}` : "";
      this.#lines.push(`${name}${suffix} ${Number.isFinite(value) ? value : 0}`);
    }
  }

  text(): string {
    return `${this.#lines.join("\n")}\n`;
  }
}

async function statusCounts(input: MetricsInput): Promise<Map<OnTrackStatus, number>> {
  const counts = new Map<OnTrackStatus, number>(ON_TRACK_STATUSES.map((s) => [s, 0]));
  const add = (status: OnTrackStatus | null | undefined) => {
    const key = status ?? "unknown";
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  if (input.service !== undefined) {
    for (const agent of input.service.getAgents()) {
      add(agent.state.on_track_status ?? agent.latest_summary?.on_track_status);
    }
  } else {
    for (const summary of await input.store.getAllLatest()) add(summary.on_track_status);
  }
  for (const [status, n] of input.remote?.counts().byStatus ?? []) {
    counts.set(status as OnTrackStatus, (counts.get(status as OnTrackStatus) ?? 0) + n);
  }
  return counts;
}

async function readLag(
  agents: readonly AgentStatus[],
  positions: Pick<PositionStore, "getAllPositions">,
): Promise<Array<readonly [Record<string, string>, number]>> {
  const byKey = new Map(
    positions.getAllPositions().map((p) => [`${p.instance_id}:${p.log_type}`, p]),
  );
  const samples: Array<readonly [Record<string, string>, number]> = [];
  for (const { agent } of agents) {
    let size: number;
    try {
      size = (await stat(agent.log_file_path)).size;
    } catch {
      continue; // no log (yet, or any more): no lag to report
    }
    const offset = byKey.get(`${agent.instance_id}:${agent.log_type}`)?.last_byte_offset ?? 0;
    // A file smaller than the offset was truncated or rotated: all of it is unread.
    samples.push([{ instance_id: agent.instance_id }, size >= offset ? size - offset : size]);
  }
  return samples;
}

function otlpMetrics(out: Exposition, input: MetricsInput): void {
  const { otlp, remote } = input;
  if (otlp !== undefined && remote !== undefined) {
    out.metric(
      "agentwatch_otlp_requests_total",
      "counter",
      "OTLP/HTTP logs requests received, by result (partial: some agentwatch records rejected; invalid: 400; too_large: 413; unsupported: 415; refused: 401, 403, 405).",
      Object.entries(otlp.requests).map(([result, n]) => [{ result }, n]),
    );
    out.metric(
      "agentwatch_otlp_records_total",
      "counter",
      "OTLP log records received, by result (rejected: agentwatch records that did not validate; ignored: other producers'; duplicate: a summary seen before; overflow: refused past maxAgents).",
      Object.entries(otlp.records).map(([result, n]) => [{ result }, n]),
    );
    const hosts = remote.hostCounts();
    out.metric("agentwatch_otlp_remote_agents", "gauge", "Agents of other hosts shown.", [
      [{}, remote.size],
    ]);
    out.metric("agentwatch_otlp_remote_hosts", "gauge", "Hosts sending over OTLP, by state.", [
      [{ state: "live" }, hosts.hosts - hosts.stale],
      [{ state: "stale" }, hosts.stale],
    ]);
  }
  const exported = input.exportStats?.();
  if (exported !== undefined) {
    out.metric(
      "agentwatch_otlp_export_log_records_total",
      "counter",
      "Log records this process exported over OTLP, by result (dropped: queue full or unsent at shutdown).",
      [
        [{ result: "exported" }, exported.logs.exported],
        [{ result: "failed" }, exported.logs.failed],
        [{ result: "dropped" }, exported.logs.dropped],
      ],
    );
    out.metric(
      "agentwatch_otlp_export_queued_log_records",
      "gauge",
      "Log records waiting to be exported (bounded by the exporter's maxQueueSize).",
      [[{}, exported.logs.queued]],
    );
    out.metric(
      "agentwatch_otlp_export_metric_exports_total",
      "counter",
      "Metric exports over OTLP, by result.",
      [
        [{ result: "exported" }, exported.metrics.exported],
        [{ result: "failed" }, exported.metrics.failed],
      ],
    );
  }
}

function notifyMetrics(out: Exposition, input: MetricsInput): void {
  const stats = input.notifyStats?.();
  if (stats === null || stats === undefined) return;
  const by = (pick: (t: NotifyTargetCounts) => number) =>
    stats.targets.map((t) => [{ target: t.target, kind: t.kind }, pick(t)] as const);
  out.metric(
    "agentwatch_notifications_total",
    "counter",
    "Notifications per target, by result (dropped: the oldest of a full queue, or unsent at close).",
    stats.targets.flatMap((t) => [
      [{ target: t.target, kind: t.kind, result: "sent" }, t.sent] as const,
      [{ target: t.target, kind: t.kind, result: "failed" }, t.failed] as const,
      [{ target: t.target, kind: t.kind, result: "dropped" }, t.dropped] as const,
    ]),
  );
  out.metric(
    "agentwatch_notification_retries_total",
    "counter",
    "Deliveries tried again after a failure that a retry may fix.",
    by((t) => t.retried),
  );
  out.metric(
    "agentwatch_notifications_queued",
    "gauge",
    "Notifications waiting to be delivered, per target.",
    by((t) => t.queued),
  );
}

/** The Prometheus text exposition (format 0.0.4) of the server and the monitor it streams. */
export async function renderMetrics(input: MetricsInput): Promise<string> {
  const out = new Exposition();
  const { stats, ws } = input;
  const counts = await statusCounts(input);
  out.metric(
    "agentwatch_agents",
    "gauge",
    "Agents by on-track status.",
    [...counts].map(([status, n]) => [{ status }, n]),
  );
  const agents = input.service?.getAgents() ?? [];
  if (input.service !== undefined) {
    const byState = new Map<string, number>(ACTIVITY_STATES.map((s) => [s, 0]));
    for (const agent of agents) {
      const state = agent.state.activity_state ?? "unknown";
      byState.set(state, (byState.get(state) ?? 0) + 1);
    }
    for (const [state, n] of input.remote?.counts().byActivity ?? []) {
      byState.set(state, (byState.get(state) ?? 0) + n);
    }
    out.metric(
      "agentwatch_agents_by_activity",
      "gauge",
      "Agents by activity state.",
      [...byState].map(([state, n]) => [{ state }, n]),
    );
  }
  out.metric("agentwatch_cycles_total", "counter", "Poll cycles completed.", [[{}, stats.cycles]]);
  out.metric("agentwatch_cycle_duration_seconds", "gauge", "Duration of the last poll cycle.", [
    [{}, (stats.lastCycle?.duration_ms ?? 0) / 1000],
  ]);
  out.metric(
    "agentwatch_last_cycle_timestamp_seconds",
    "gauge",
    "When the last poll cycle started (Unix time; 0 before the first).",
    [[{}, stats.lastCycle === null ? 0 : Date.parse(stats.lastCycle.started_at) / 1000]],
  );
  out.metric("agentwatch_skipped_cycles_total", "counter", "Cycle starts missed by overruns.", [
    [{}, stats.skippedSlots],
  ]);
  out.metric("agentwatch_lines_read_total", "counter", "New log lines read.", [[{}, stats.lines]]);
  out.metric("agentwatch_agent_failures_total", "counter", "Agent processing failures.", [
    [{}, stats.failures],
  ]);
  out.metric("agentwatch_summaries_total", "counter", "Summaries stored.", [[{}, stats.summaries]]);
  out.metric("agentwatch_state_changes_total", "counter", "Agent state changes.", [
    [{}, stats.stateChanges],
  ]);
  out.metric("agentwatch_errors_total", "counter", "Errors reported by the monitor.", [
    [{}, stats.errors],
  ]);
  const generator = input.generatorStats?.();
  out.metric("agentwatch_model_calls_total", "counter", "Calls to the summary model.", [
    [{}, generator?.modelCalls ?? stats.modelCalls],
  ]);
  if (generator?.inputTokens !== undefined || generator?.outputTokens !== undefined) {
    out.metric("agentwatch_tokens_total", "counter", "Model tokens billed, by direction.", [
      [{ direction: "input" }, generator.inputTokens ?? 0],
      [{ direction: "output" }, generator.outputTokens ?? 0],
    ]);
  }
  if (generator?.costUsd !== undefined) {
    out.metric("agentwatch_model_cost_usd_total", "counter", "Model cost in US dollars.", [
      [{}, generator.costUsd],
    ]);
  }
  if (generator?.fallbacks !== undefined) {
    out.metric(
      "agentwatch_model_fallbacks_total",
      "counter",
      "Summaries that fell back to the heuristic verdict.",
      [[{}, generator.fallbacks]],
    );
  }
  if (input.positions !== undefined && input.service !== undefined) {
    out.metric(
      "agentwatch_read_lag_bytes",
      "gauge",
      "Bytes of each agent's log not read yet.",
      await readLag(agents, input.positions),
    );
  }
  out.metric("agentwatch_ws_clients", "gauge", "WebSocket clients connected.", [
    [{}, input.clients],
  ]);
  out.metric(
    "agentwatch_ws_buffered_bytes",
    "gauge",
    "Bytes waiting to be sent to WebSocket clients (bounded by maxBufferedBytes per client).",
    [[{}, input.bufferedBytes]],
  );
  out.metric("agentwatch_ws_messages_sent_total", "counter", "WebSocket messages sent.", [
    [{}, ws.messagesSent],
  ]);
  out.metric(
    "agentwatch_ws_dropped_clients_total",
    "counter",
    "WebSocket clients cut by the server, by reason.",
    Object.entries(ws.dropped).map(([reason, n]) => [{ reason }, n]),
  );
  out.metric(
    "agentwatch_ws_rejected_connections_total",
    "counter",
    "WebSocket connections refused, by reason.",
    Object.entries(ws.rejected).map(([reason, n]) => [{ reason }, n]),
  );
  const { connections } = input;
  out.metric("agentwatch_http_connections", "gauge", "Connections open, WebSockets included.", [
    [{}, connections.open],
  ]);
  out.metric(
    "agentwatch_http_refused_connections_total",
    "counter",
    "Connections closed as soon as accepted, by reason (per_address: the address already held maxConnectionsPerAddress).",
    Object.entries(connections.refused).map(([reason, n]) => [{ reason }, n]),
  );
  out.metric(
    "agentwatch_http_client_errors_total",
    "counter",
    "Connections closed for a malformed, too slow (headersTimeoutMs, requestTimeoutMs) or too large request, by reason.",
    Object.entries(connections.clientErrors).map(([reason, n]) => [{ reason }, n]),
  );
  otlpMetrics(out, input);
  notifyMetrics(out, input);
  const memory = process.memoryUsage();
  out.metric("process_resident_memory_bytes", "gauge", "Resident set size in bytes.", [
    [{}, memory.rss],
  ]);
  out.metric("nodejs_heap_used_bytes", "gauge", "V8 heap used in bytes.", [[{}, memory.heapUsed]]);
  return out.text();
}
