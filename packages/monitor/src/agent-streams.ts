import type { AgentEvent, TokenUsage } from "@agentwatch/models";
import { addTokenUsage } from "@agentwatch/models";
import type { AgentInfo, LogFormat } from "./agent-source.js";
import type { ActivityAnalysisLike, AgentContext, MonitoredSummary } from "./parts.js";

// What one agent's step is made of: its streams, what reading them gave, the step it makes.

/** One stream of an agent: its log, or another file read with it. */
export interface StreamSpec {
  readonly path: string;
  readonly log_type: string;
  readonly format: LogFormat;
}

/** The agent's log first, then its other streams. */
export function streamsOf(info: AgentInfo): StreamSpec[] {
  const log: StreamSpec = {
    path: info.log_file_path,
    log_type: info.log_type,
    format: info.format ?? "terminal",
  };
  return [log, ...(info.streams ?? [])];
}

/** What the pages of one stream read in one step gave. */
export interface StreamRead {
  readonly stream: StreamSpec;
  readonly lines: string[];
  /** Lines skipped unread (a long log first met is read from its last lines). */
  readonly skippedLines: number;
  /** When the stream was last written (epoch ms), when it was met for the first time; else null. */
  readonly writtenAt: number | null;
  readonly commit: () => Promise<void>;
  readonly rotated: boolean;
  readonly truncated: boolean;
  readonly hasMore: boolean;
  readonly bytesBehind: number;
}

/** The events of one step and what the parsers continue from. */
export interface ParsedStep {
  readonly events: AgentEvent[];
  readonly carries: Record<string, unknown>;
  /** Lines of structured streams read. */
  readonly lineCount: number;
  /** Structured streams the agent has. */
  readonly streams: number;
  /** The last hook event taken, or null when none was. */
  readonly hookSeq: number | null;
}

/**
 * Two lists of events (each in its own order) as one in time order; an event without a time takes
 * the time of the one before it in its list, and ties keep `a` first.
 */
export function inTimeOrder(a: readonly AgentEvent[], b: readonly AgentEvent[]): AgentEvent[] {
  const timed = (list: readonly AgentEvent[], rank: number) => {
    let last = Number.NEGATIVE_INFINITY;
    return list.map((event, index) => {
      const at = event.at === null ? Number.NaN : Date.parse(event.at);
      if (!Number.isNaN(at)) last = at;
      return { event, at: last, rank, index };
    });
  };
  return [...timed(a, 0), ...timed(b, 1)]
    .sort((x, y) => x.at - y.at || x.rank - y.rank || x.index - y.index)
    .map((item) => item.event);
}

/** The tokens and cost an analysis of events measured, as summary fields, when it did. */
export function usageOf(
  analysis: ActivityAnalysisLike,
  base: UsageBase | null,
): Pick<MonitoredSummary, "tokens" | "cost_usd"> {
  const { tokens, cost_usd } = analysis as { tokens?: unknown; cost_usd?: unknown };
  if (tokens === null || typeof tokens !== "object") return {};
  const measured = tokens as TokenUsage;
  const usage = { tokens: base === null ? measured : addTokenUsage(base.tokens, measured) };
  if (typeof cost_usd !== "number" || !Number.isFinite(cost_usd)) return usage;
  if (base !== null && base.cost_usd === null) return usage; // part of the total has no price
  return { ...usage, cost_usd: (base?.cost_usd ?? 0) + cost_usd };
}

/** What a session used before this process began reading it (from its last stored summary). */
export interface UsageBase {
  readonly tokens: TokenUsage;
  /** Null when that part's cost was not known. */
  readonly cost_usd: number | null;
}

/** A read that got as far as its summary: what is left is storing it and committing. */
export interface ReadStep {
  /** Saves the position after this read's lines. */
  readonly commit: () => Promise<void>;
  /** The analysis of this read's terminal lines, when they were analyzed. */
  readonly analysis: ActivityAnalysisLike | undefined;
  /** The analysis of this read's events, when there were any. */
  readonly eventAnalysis?: ActivityAnalysisLike | undefined;
  /** The parsers' carries after this read, per stream. */
  readonly carries?: Record<string, unknown> | undefined;
  /** The last hook event this read took, or null. */
  readonly hookSeq?: number | null | undefined;
  /** What the model beside the cycle is to judge, when there is one and new lines. */
  readonly model?: { readonly lines: string[]; readonly context: AgentContext } | undefined;
  /** When its lines were read, when it had any. */
  readonly outputAt: Date | null;
  /** The summary to store before committing, if one was made. */
  readonly summary: MonitoredSummary | null;
}

/** A step that read nothing new. */
export const EMPTY_STEP = { analysis: undefined, outputAt: null, summary: null } as const;

/** Characters of `lines`, a newline each included. */
export function textLength(lines: readonly string[]): number {
  let total = 0;
  for (const line of lines) total += line.length + 1;
  return total;
}
