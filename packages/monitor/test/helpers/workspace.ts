import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IncrementalLogReader } from "@agentwatch/log-reader";
import { PositionTracker } from "@agentwatch/position-store";
import { SummaryStore } from "@agentwatch/summary-store";
import { afterEach, beforeEach } from "vitest";
import {
  type MonitorEventName,
  type MonitorEvents,
  MonitoringService,
  type MonitoringServiceParts,
  type MonitorSettings,
  type LogReaderLike,
  layoutSource,
} from "../../src/index.js";
import { fakeAnalyze } from "./fake-analyze.js";
import { FakeClock } from "./fake-clock.js";
import { FakeGenerator } from "./fake-generator.js";

/** One recorded event. */
export type Recorded = {
  [E in MonitorEventName]: { type: E; payload: MonitorEvents[E] };
}[MonitorEventName];

/** The default settings of tests: a 12 s poll, 10 s backoff, concurrency 4, 300 s grace. */
export const TEST_SETTINGS: MonitorSettings = {
  poll_interval_seconds: 12,
  error_backoff_seconds: 10,
  agent_concurrency: 4,
  exited_grace_seconds: 300,
};

/** A temp directory with a log dir in the original layout, a state dir and a summary dir. */
export class Workspace {
  readonly root: string;
  readonly logDir: string;
  readonly stateDir: string;
  readonly summaryDir: string;

  private constructor(root: string) {
    this.root = root;
    this.logDir = join(root, "logs");
    this.stateDir = join(root, "state");
    this.summaryDir = join(root, "summaries");
    mkdirSync(join(this.logDir, "instances"), { recursive: true });
  }

  static async create(): Promise<Workspace> {
    return new Workspace(await mkdtemp(join(tmpdir(), "agentwatch-monitor-")));
  }

  agentDir(id: string): string {
    return join(this.logDir, "instances", id);
  }

  logPath(id: string): string {
    return join(this.agentDir(id), "tmux_output.log");
  }

  /** Creates an agent directory with metadata.json (unless `metadata` is null) and an empty log. */
  addAgent(id: string, metadata: Record<string, unknown> | null = {}, log = true): void {
    mkdirSync(this.agentDir(id), { recursive: true });
    if (metadata !== null) {
      writeFileSync(
        join(this.agentDir(id), "metadata.json"),
        JSON.stringify({
          instance_name: `${id}-name`,
          created_at: "2026-01-15T09:00:00Z",
          ...metadata,
        }),
      );
    }
    if (log) appendFileSync(this.logPath(id), "");
  }

  /** Appends complete lines to an agent's log. */
  append(id: string, ...lines: string[]): void {
    appendFileSync(this.logPath(id), lines.map((line) => `${line}\n`).join(""));
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

/** A service on a workspace with real reader, tracker, store and layout source. */
export interface Harness {
  readonly service: MonitoringService;
  readonly clock: FakeClock;
  readonly generator: FakeGenerator;
  readonly tracker: PositionTracker;
  readonly store: SummaryStore;
  readonly events: Recorded[];
  /** Events of one type, payloads only. */
  of<E extends MonitorEventName>(type: E): MonitorEvents[E][];
}

/** Builds a harness; `parts` replaces any part, `settings` any setting. */
/** Harnesses made since the last {@link useWorkspace} clean-up: each is stopped after its test. */
const made: Harness[] = [];

export async function harness(
  ws: Workspace,
  settings: Partial<MonitorSettings> = {},
  parts: Partial<Omit<MonitoringServiceParts, "clock">> & {
    clock?: FakeClock;
    wrapReader?: (reader: LogReaderLike) => LogReaderLike;
    maxLinesPerRead?: number;
  } = {},
): Promise<Harness> {
  const {
    wrapReader = (reader: LogReaderLike) => reader,
    clock: _clock,
    maxLinesPerRead,
    ...rest
  } = parts;
  const clock = parts.clock ?? new FakeClock();
  const tracker = await PositionTracker.open(ws.stateDir, { clock: clock.clock });
  const reader = new IncrementalLogReader({
    positionTracker: tracker,
    clock: clock.clock,
    partialLineFlushMs: 0,
    maxLinesPerRead,
  });
  const store = new SummaryStore(ws.summaryDir);
  const generator = new FakeGenerator(clock.clock);
  const service = new MonitoringService(
    { ...TEST_SETTINGS, ...settings },
    {
      reader: wrapReader(reader),
      tracker,
      generator,
      store,
      source: layoutSource(ws.logDir),
      analyze: fakeAnalyze,
      timer: clock.timer,
      ...rest,
      clock: clock.clock,
    },
  );
  const events: Recorded[] = [];
  const names: MonitorEventName[] = [
    "summary",
    "state_change",
    "agent_added",
    "agent_removed",
    "error",
    "cycle",
  ];
  for (const type of names) {
    service.on(type, (payload) => {
      events.push({ type, payload } as Recorded);
    });
  }
  const result: Harness = {
    service,
    clock,
    generator: (parts.generator as FakeGenerator | undefined) ?? generator,
    tracker,
    store,
    events,
    of: <E extends MonitorEventName>(type: E) =>
      events
        .filter((event) => event.type === type)
        .map((event) => event.payload as MonitorEvents[E]),
  };
  made.push(result);
  return result;
}

/**
 * Before each test, a fresh {@link Workspace} handed to `use`; after it, every harness made during
 * the test is stopped (which closes its tracker) and the workspace removed.
 */
export function useWorkspace(use: (ws: Workspace) => void): void {
  let ws: Workspace | undefined;
  beforeEach(async () => {
    ws = await Workspace.create();
    use(ws);
  });
  afterEach(async () => {
    for (const h of made.splice(0)) await h.service.stop({ timeoutMs: 5_000 });
    await ws?.remove();
  });
}

/** Runs one cycle, then moves the harness's fake clock to the next poll (12 s by default). */
export async function cycle(harnessed: Harness, pollMs = 12_000) {
  const stats = await harnessed.service.runOnce();
  harnessed.clock.advance(pollMs);
  return stats;
}

/** The event types of the harness's last cycle, with the instance id where there is one. */
export function lastCycle(harnessed: Harness): string[] {
  const events = harnessed.events;
  let start = events.length - 1;
  while (start > 0 && events[start - 1]?.type !== "cycle") start--;
  return events.slice(start).map((event) => {
    const payload = event.payload as { instance_id?: string; summary?: { instance_id: string } };
    const id = payload.instance_id ?? payload.summary?.instance_id;
    return id === undefined ? event.type : `${event.type}:${id}`;
  });
}

/** A record of the orchestrator's `state/instances.json`, as it writes them; `fields` win. */
export function instanceRecord(
  id: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    name: id,
    role: "general",
    state: "busy",
    initial_prompt: null,
    parent_instance_id: null,
    created_at: "2026-01-15T08:00:00",
    last_activity: "2026-01-15T08:30:00",
    instance_type: "claude",
    workspace_dir: `/tmp/claude_orchestrator/${id}`,
    ...fields,
  };
}
