// A TypeScript consumer of every public package, type-checked (never run) against the installed
// tarballs by published-packages.test.ts: module NodeNext, strict, skipLibCheck false.
import { type ActivityAnalysis, analyzeActivity } from "@agentwatch/activity";
import { type MonitoringConfig, ConfigError, DEFAULT_CONFIG, loadConfig } from "@agentwatch/config";
import { type PendingRead, type ReadResult, IncrementalLogReader } from "@agentwatch/log-reader";
import {
  type AgentSummary,
  type LogPosition,
  type PositionStore,
  InMemoryPositionStore,
  OnTrackStatus,
  parseAgentSummary,
  parseOnTrackStatus,
} from "@agentwatch/models";
import {
  type AgentStatus,
  type CycleStats,
  type MonitoringService,
  createMonitoringService,
  layoutSource,
} from "@agentwatch/monitor";
import { type PositionTrackerOptions, PositionTracker } from "@agentwatch/position-store";
import { SafeFsError, ensurePrivateDir, writeFileAtomic } from "@agentwatch/safe-fs";
import { type AgentwatchServer, type ServerAddress, createServer } from "@agentwatch/server";
import {
  type MonitoredSummary,
  type SummaryProvider,
  AnthropicProvider,
  HeuristicProvider,
  SummaryGenerator,
} from "@agentwatch/summarizer";
import { type Notifier, createNotifier } from "@agentwatch/notify";
import { type OtelExporter, createOtelExporter } from "@agentwatch/otel";
import { SummaryStore } from "@agentwatch/summary-store";
import { type EventAnalysis, analyzeEvents, parseClaudeLines } from "@agentwatch/transcripts";
import { type TmuxSource, type TmuxSourceOptions, tmuxSource } from "@agentwatch/tmux";

export const status: OnTrackStatus = parseOnTrackStatus("Off-Track");
export const offTrack: boolean = status === OnTrackStatus.OFF_TRACK;
export const port: number = DEFAULT_CONFIG.server_port;

export function facts(lines: readonly string[]): ActivityAnalysis {
  return analyzeActivity([...lines], { now: new Date(), lastOutputAt: null });
}

export function firstLine(result: ReadResult | PendingRead): string | undefined {
  return result.lines[0];
}

export function summaryOf(json: string): AgentSummary {
  return parseAgentSummary(json);
}

export async function readOnce(position: LogPosition, path: string): Promise<ReadResult> {
  const store: PositionStore = new InMemoryPositionStore();
  await store.updatePosition(position);
  return new IncrementalLogReader({ positionTracker: store }).readNewContent("agent-1", path);
}

export async function serve(dir: string): Promise<{ server: AgentwatchServer; at: ServerAddress }> {
  const config: MonitoringConfig = await loadConfig({
    overrides: { summary_dir: `${dir}/summaries`, state_dir: `${dir}/state`, server_port: 0 },
  });
  const options: PositionTrackerOptions = { lockTimeoutMs: 1_000 };
  const tracker = await PositionTracker.open(config.state_dir, options);
  await tracker.close();
  await ensurePrivateDir(config.summary_dir);
  await writeFileAtomic(`${dir}/note.txt`, "hello\n");
  const provider: SummaryProvider = process.env.ANTHROPIC_API_KEY
    ? new AnthropicProvider({ model: config.model })
    : new HeuristicProvider();
  const generator = new SummaryGenerator({ provider });
  const store = new SummaryStore(config.summary_dir);
  const service: MonitoringService = await createMonitoringService(config, {
    generator,
    store,
    source: layoutSource(dir),
  });
  const stats: CycleStats = await service.runOnce();
  const agents: AgentStatus[] = service.getAgents();
  const summary: MonitoredSummary = await generator.generateSummary("agent-1", [], {});
  console.log(stats.agents, agents.length, summary.on_track_status);
  const server = createServer({ service, store, config });
  return { server, at: await server.listen() };
}

export function panes(options: TmuxSourceOptions): TmuxSource {
  return tmuxSource(options);
}

export function describe(error: unknown): string {
  if (error instanceof ConfigError || error instanceof SafeFsError) return error.code;
  return String(error);
}

export function eventsOf(lines: readonly string[]): EventAnalysis {
  const { events } = parseClaudeLines(lines, null);
  return analyzeEvents(events, { now: new Date(), lastOutputAt: null });
}

export async function notifier(): Promise<Notifier> {
  return createNotifier({ targets: ["webhook=http://127.0.0.1:9/"] });
}

export function exporter(): OtelExporter {
  return createOtelExporter({ endpoint: "http://127.0.0.1:4318" });
}
