import type { Logger } from "@agentwatch/models";
import type { AgentRecord } from "./agent-record.js";
import type {
  AgentContext,
  MonitoredSummary,
  SummaryGeneratorLike,
  SummaryStoreLike,
} from "./parts.js";

/** The prefix `SummaryGenerator` gives a drift reason when its provider gave no verdict. */
const FALLBACK_REASON = "model unavailable: ";

/** Where a model beside the cycle stands, for views. */
export interface ModelStatus {
  /** When the model became unavailable (ISO 8601), while it is; else null. */
  readonly unavailable_since: string | null;
  /** Why, while it is unavailable. */
  readonly last_error: string | null;
}

/**
 * The model part beside the cycle: a generator whose provider is a model (a `SummaryGenerator`
 * with a `GuardedProvider`), and, when it can tell, where its breaker stands.
 */
export interface ModelJudgeLike extends SummaryGeneratorLike {
  /** The provider's name, for `judged_by`. */
  readonly name: string;
  /** Whether the model is unavailable now (its breaker open), and since when. */
  status?(): {
    readonly unavailableSince: number | null;
    readonly lastError: string | null;
  };
  /**
   * The provider's own counts of calls so far (`GuardedProvider.stats`): exact where the lane can
   * only tell a verdict from a fallback. Without it the lane counts each request by its outcome.
   */
  calls?(): ModelCallCounts;
}

/** Model calls counted since the last `take()`. */
export interface ModelCallCounts {
  readonly started: number;
  readonly finished: number;
  readonly failed: number;
  /** Asked for while the model was unavailable (not sent), or replaced by a newer request. */
  readonly skipped: number;
}

interface Job {
  readonly record: AgentRecord;
  readonly lines: string[];
  readonly context: AgentContext;
  /** The summary (with the offline verdict) the model verdict replaces. */
  readonly base: MonitoredSummary;
}

/** What a {@link ModelLane} needs. */
export interface ModelLaneOptions {
  readonly judge: ModelJudgeLike;
  readonly store: SummaryStoreLike;
  /** Calls in flight at once. */
  readonly concurrency: number;
  /** Runs `write` in the agent's store turn (one store of an agent at a time). */
  readonly inStoreTurn: (record: AgentRecord, write: () => Promise<void>) => Promise<void>;
  /** Tells listeners of the stored summary (and the status change it makes). */
  readonly stored: (record: AgentRecord, summary: MonitoredSummary) => void;
  readonly logger: Logger;
}

/** Lines given to the model per request at most (the newest). */
const MAX_MODEL_LINES = 400;

/**
 * Model verdicts beside the cycle: the cycle stores each summary with the offline verdict at once,
 * and asks here for the model's; when it comes, it replaces the offline one (marked `judged_by`)
 * unless a newer summary was stored meanwhile. At most `concurrency` calls run at once; an agent
 * has at most one request waiting (a newer one replaces it). A model call never holds a cycle.
 */
export class ModelLane {
  readonly #o: ModelLaneOptions;
  readonly #queue = new Map<AgentRecord, Job>();
  #running = 0;
  /** Requests dropped for newer ones, and (without `calls()`) each request by its outcome. */
  #counts = { started: 0, finished: 0, failed: 0, skipped: 0 };
  #lastCalls: ModelCallCounts = { started: 0, finished: 0, failed: 0, skipped: 0 };
  readonly #idle = new Set<() => void>();
  #closed = false;

  constructor(options: ModelLaneOptions) {
    this.#o = options;
  }

  /** Asks for the model's verdict on `lines`, to replace `base` when it comes. */
  submit(
    record: AgentRecord,
    lines: readonly string[],
    context: AgentContext,
    base: MonitoredSummary,
  ): void {
    if (this.#closed || lines.length === 0) return;
    if (this.#queue.has(record)) this.#counts.skipped++;
    this.#queue.set(record, { record, lines: lines.slice(-MAX_MODEL_LINES), context, base });
    this.#pump();
  }

  /**
   * The counts since the last call, and resets them: the provider's own (`calls()`) when it keeps
   * them, plus the requests the lane dropped for newer ones.
   */
  take(): ModelCallCounts {
    const own = this.#counts;
    this.#counts = { started: 0, finished: 0, failed: 0, skipped: 0 };
    const calls = this.#o.judge.calls?.();
    if (calls === undefined) return own;
    const last = this.#lastCalls;
    this.#lastCalls = calls;
    return {
      started: calls.started - last.started,
      finished: calls.finished - last.finished,
      failed: calls.failed - last.failed,
      skipped: calls.skipped - last.skipped + own.skipped,
    };
  }

  /** Where the model stands. */
  status(): ModelStatus {
    const status = this.#o.judge.status?.();
    const since = status?.unavailableSince ?? null;
    return {
      unavailable_since: since === null ? null : new Date(since).toISOString(),
      last_error: since === null ? null : (status?.lastError ?? null),
    };
  }

  /** Resolves once no call runs and none waits. */
  idle(): Promise<void> {
    if (this.#running === 0 && this.#queue.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        if (this.#queue.size > 0) return; // the next one starts: keep waiting
        this.#idle.delete(done);
        resolve();
      };
      this.#idle.add(done);
    });
  }

  /** Takes no more requests and waits up to `timeoutMs` for the calls in flight. */
  async close(timeoutMs: number): Promise<void> {
    this.#closed = true;
    this.#counts.skipped += this.#queue.size;
    this.#queue.clear();
    if (this.#running === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  #pump(): void {
    while (this.#running < this.#o.concurrency && this.#queue.size > 0) {
      const [record, job] = this.#queue.entries().next().value as [AgentRecord, Job];
      this.#queue.delete(record);
      this.#running++;
      void this.#run(job).finally(() => {
        this.#running--;
        this.#pump();
        if (this.#running === 0) for (const done of [...this.#idle]) done();
      });
    }
  }

  async #run(job: Job): Promise<void> {
    const { record } = job;
    const id = record.info.instance_id;
    this.#counts.started++;
    let summary: MonitoredSummary;
    try {
      summary = await this.#o.judge.generateSummary(id, job.lines, job.context);
    } catch (error) {
      this.#counts.failed++;
      this.#o.logger.debug({ err: error, instanceId: id }, `no model verdict for ${id}`);
      return;
    }
    if (summary.drift_reasons.some((reason) => reason.startsWith(FALLBACK_REASON))) {
      // the model gave no verdict: the offline one stands (the view says the model is unavailable)
      this.#counts.failed++;
      return;
    }
    this.#counts.finished++;
    await this.#o.inStoreTurn(record, async () => {
      if (record.lastSummary !== job.base || this.#closed) return; // a newer summary stands
      const judged: MonitoredSummary = {
        ...job.base,
        current_activity: summary.current_activity,
        on_track_status: summary.on_track_status,
        confidence_score: summary.confidence_score,
        drift_reasons: summary.drift_reasons,
        alignment_keywords: summary.alignment_keywords,
        recommended_action: summary.recommended_action,
        judged_by: this.#o.judge.name,
      };
      await this.#o.store.write(judged);
      this.#o.stored(record, judged);
    });
  }
}
