import type { PendingRead } from "@agentwatch/log-reader";
import type { AgentSummary, TokenUsage } from "@agentwatch/models";
import type { AgentInfo } from "./agent-source.js";
import type { AgentStateSnapshot } from "./events.js";
import { type ActivityState, isActivityState } from "@agentwatch/activity";
import type { ActivityAnalysisLike, MonitoredSummary } from "./parts.js";

/** What the service remembers about one agent between cycles. */
export interface AgentRecord {
  /** As its source listed it last. */
  info: AgentInfo;
  /** Whether the source listed it in the current cycle. */
  listed: boolean;
  /** Whether its stored summary and position were consulted (done once, in its first cycle). */
  loaded: boolean;
  /** The state last reported in a `state_change` (or restored from its stored summary). */
  reported: AgentStateSnapshot;
  /** The analysis of its last committed terminal lines: the `previous` of the next analysis. */
  analysis: ActivityAnalysisLike | undefined;
  /** The analysis of its last committed events (transcripts, hooks), if it has any. */
  eventAnalysis: ActivityAnalysisLike | undefined;
  /** What the parser of each structured stream continues from, by log type. */
  carries: Record<string, unknown>;
  /** The sequence number of the last hook event it took (0: none yet). */
  hookSeq: number;
  /** Its newest stored summary. */
  lastSummary: MonitoredSummary | null;
  /** When it last wrote output, if known. */
  lastOutputAt: Date | null;
  /** Whether its log ever existed (a successful read, or a saved position). */
  logSeen: boolean;
  /** Consecutive failures. */
  failures: number;
  /** Epoch ms before which it is not tried again (0: no backoff). */
  retryAt: number;
  /** Epoch ms when it was marked exited, or null while it runs. */
  exitedAt: number | null;
  /**
   * When its last cycle ended with lines still waiting (the read budget ran out): the bytes left
   * and since when (epoch ms) it has been behind; null when it was caught up.
   */
  lag: { bytes: number; since: number } | null;
  /** Why its last processing failed, or null when it succeeded. */
  lastError: string | null;
  /**
   * What the quick looks since its last cycle step read (woken by a write to one of its files):
   * their uncommitted reads, to continue from, and the analyses of what they read. Dropped by the
   * next cycle step, which reads the same output again from the committed position.
   */
  quick: QuickState | undefined;
  /** Its quick looks and cycle steps, one at a time. */
  turn: Promise<unknown>;
  /** Its summary stores, one at a time (the cycle's and the model lane's). */
  storeTurn: Promise<unknown>;
  /**
   * The tokens and cost its session files had used before this process went on reading them
   * from their saved positions (its stored summary's), added to what is measured from here; null
   * when its session files are read from their start.
   */
  usageBase: { readonly tokens: TokenUsage; readonly cost_usd: number | null } | null;
}

/** Runs `write` after the agent's stores before it; resolves or rejects as `write` does. */
export function inStoreTurn(record: AgentRecord, write: () => Promise<void>): Promise<void> {
  const run = record.storeTurn.then(write, write);
  record.storeTurn = run.catch(() => {});
  return run;
}

/** What the quick looks at an agent since its last cycle step saw. */
export interface QuickState {
  /** The last uncommitted read of each stream, by log type. */
  readonly reads: ReadonlyMap<string, PendingRead>;
  readonly analysis: ActivityAnalysisLike | undefined;
  readonly eventAnalysis: ActivityAnalysisLike | undefined;
  readonly carries: Record<string, unknown>;
  readonly hookSeq: number;
}

/** A fresh record of an agent seen for the first time. */
export function newRecord(info: AgentInfo): AgentRecord {
  return {
    info,
    listed: true,
    loaded: false,
    reported: { activity_state: null, on_track_status: null },
    analysis: undefined,
    eventAnalysis: undefined,
    carries: {},
    hookSeq: 0,
    lastSummary: null,
    lastOutputAt: null,
    logSeen: false,
    failures: 0,
    retryAt: 0,
    exitedAt: null,
    lag: null,
    lastError: null,
    quick: undefined,
    turn: Promise.resolve(),
    storeTurn: Promise.resolve(),
    usageBase: null,
  };
}

/** The activity state a stored summary carries, if it carries a known one. */
export function summaryActivityState(summary: AgentSummary | null): ActivityState | null {
  const state: unknown = (summary as { activity_state?: unknown } | null)?.activity_state;
  return isActivityState(state) ? state : null;
}

/**
 * The summary stored when an agent exits: its previous summary carried forward (or a minimal one
 * from its context), with `activity_state: "exited"`, a fresh timestamp, the reason, and no
 * recommended action (a prompt it waited at went with it).
 */
export function exitedSummary(
  record: AgentRecord,
  nowMs: number,
  reason: string,
): MonitoredSummary {
  const previous = record.lastSummary;
  const { info } = record;
  const idleSeconds =
    record.lastOutputAt !== null
      ? Math.max(0, (nowMs - record.lastOutputAt.getTime()) / 1000)
      : (previous?.idle_duration_seconds ?? 0);
  return {
    instance_id: info.instance_id,
    instance_name: info.instance_name,
    timestamp: new Date(nowMs).toISOString(),
    current_activity: `Exited: ${reason}.`,
    on_track_status: previous?.on_track_status ?? "unknown",
    confidence_score: previous?.confidence_score ?? 0,
    assigned_task: info.assigned_task,
    parent_instance_id: info.parent_instance_id,
    role: info.role,
    last_tool_used: previous?.last_tool_used ?? null,
    recent_tools: previous?.recent_tools ?? [],
    output_preview: previous?.output_preview ?? "",
    idle_duration_seconds: idleSeconds,
    drift_reasons: previous?.drift_reasons ?? [],
    alignment_keywords: previous?.alignment_keywords ?? [],
    // A prompt it was waiting at, and what to do about it, went with it.
    recommended_action: null,
    activity_state: "exited",
  };
}
