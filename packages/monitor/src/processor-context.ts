import type { ActivityState } from "@agentwatch/activity";
import type { Clock, Logger, OnTrackStatus } from "@agentwatch/models";
import type { AgentRecord } from "./agent-record.js";
import type { CycleTail } from "./cycle-tail.js";
import type { MonitorEmitter, StateChangeEvent } from "./events.js";
import type { HookFeedLike } from "./hook-feed.js";
import type { ModelLane } from "./model-lane.js";
import type {
  ActivityAnalyzer,
  LogReaderLike,
  PositionTrackerLike,
  StructuredAnalyzerLike,
  SummaryGeneratorLike,
  SummaryStoreLike,
} from "./parts.js";

/** What the processor needs: the parts, the settings and where to report. */
export interface ProcessorDeps {
  readonly reader: LogReaderLike;
  readonly tracker: PositionTrackerLike;
  readonly generator: SummaryGeneratorLike;
  readonly store: SummaryStoreLike;
  readonly analyze: ActivityAnalyzer;
  readonly emitter: MonitorEmitter;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly errorBackoffSeconds: number;
  readonly exitedGraceMs: number;
  /** Pages read of one agent in one cycle, at most. */
  readonly maxReadsPerCycle: number;
  /** Real milliseconds one agent may spend reading pages in one cycle before the rest waits. */
  readonly readBudgetMs: number;
  /** An agent busy and silent this long is summarized again (stalled). */
  readonly stallMs: number;
  /** A stream first met with more bytes than this is read from its last `catchUpLines` lines. */
  readonly catchUpBytes: number;
  readonly catchUpLines: number;
  /** Reads structured streams (transcripts, rollouts); without it they are not analyzed. */
  readonly structured?: StructuredAnalyzerLike | undefined;
  /** Hook calls, matched to agents. */
  readonly hooks?: HookFeedLike | undefined;
  /** The model beside the cycle, when there is one. */
  readonly lane?: ModelLane | undefined;
}

/** What one cycle shares across its agents. */
export interface CycleWork {
  /** When the cycle started (epoch ms): the "now" of every agent in it. */
  readonly now: number;
  /** Aborted when `stop()` gives up waiting: agents not started yet are skipped. */
  readonly signal: AbortSignal;
  /** Stores and commits running behind the slots. */
  readonly tail: CycleTail;
  lines: number;
  failures: number;
  /** Generator calls given new lines (the model-call count when the generator keeps no stats). */
  callsWithLines: number;
}

/** What the parts of an agent's step share: the deps, and how a state change is reported. */
export interface ProcessorContext {
  readonly d: ProcessorDeps;
  /** Reports a state change of `record`, unless it is what was reported last. */
  readonly report: (
    record: AgentRecord,
    activity: ActivityState | null,
    onTrack: OnTrackStatus | null,
    trigger: StateChangeEvent["trigger"],
  ) => void;
}
