import { setTimeout as realTimeout } from "node:timers/promises";
import { type Clock, type Logger, silentLogger, systemClock } from "@agentwatch/models";
import { AgentProcessor, type CycleWork } from "./agent-processor.js";
import { AgentRegistry, type AgentStatus } from "./agent-registry.js";
import type { AgentSource } from "./agent-source.js";
import { CycleTail } from "./cycle-tail.js";
import { ServiceAlreadyStartedError, ServiceStoppedError } from "./errors.js";
import {
  type CycleStats,
  MonitorEmitter,
  type MonitorEventName,
  type MonitorListener,
} from "./events.js";
import { inStoreTurn } from "./agent-record.js";
import { HookFeed } from "./hook-feed.js";
import { transcriptsAnalyzer } from "./transcripts-analyzer.js";
import { type ModelJudgeLike, ModelLane, type ModelStatus } from "./model-lane.js";
import type { WatchFunction } from "./source-watcher.js";
import { WakeUps } from "./wake-ups.js";
import { mapLimit } from "./map-limit.js";
import type {
  ActivityAnalyzer,
  LogReaderLike,
  PositionTrackerLike,
  StructuredAnalyzerLike,
  SummaryGeneratorLike,
  SummaryStoreLike,
  Timer,
} from "./parts.js";
import { nextSlot, systemTimer } from "./schedule.js";
import {
  type CheckedSettings,
  type MonitorSettings,
  checkParts,
  checkSettings,
} from "./settings.js";

/** Summaries stored at once behind the agents' slots. */
const STORE_CONCURRENCY = 32;
/** Positions committed together: one write of the position file per batch. */
const COMMIT_BATCH = 64;
/** Pages of one agent read in one cycle at most, by default. */
const DEFAULT_MAX_READS = 50;

/** The parts a `MonitoringService` is built from; tests replace any of them. */
export interface MonitoringServiceParts {
  /** Reads new lines (`IncrementalLogReader`). */
  readonly reader: LogReaderLike;
  /** The position store the reader commits to (`PositionTracker`); closed by `stop()`. */
  readonly tracker: PositionTrackerLike;
  /** Makes summaries (`SummaryGenerator`). */
  readonly generator: SummaryGeneratorLike;
  /** Stores summaries (`SummaryStore`). */
  readonly store: SummaryStoreLike;
  /** Lists the agents every cycle (`layoutSource`, `globSource`, `agentsFileSource`, `combineSources`). */
  readonly source: AgentSource;
  /** Measures activity from lines (`analyzeActivity`). */
  readonly analyze: ActivityAnalyzer;
  /**
   * Reads structured streams: Claude Code transcripts, Codex rollouts, the hooks JSONL
   * (`@agentwatch/transcripts`, `transcriptsAnalyzer`, by default).
   */
  readonly structured?: StructuredAnalyzerLike | undefined;
  /**
   * The hooks JSONL `agentwatch hook` appends Claude Code's hook calls to: read at the start of
   * every cycle and handed to the agents the calls are about (by session, transcript or process).
   */
  readonly hooksFile?: string | undefined;
  /**
   * Watch the agents' files (and the hooks file) while the loop runs, and take a quick look at an
   * agent the moment one of its files is written: its state changes (waiting, errored, exited,
   * back to working) are reported within a second, outside the cycle; its summary keeps the cycle.
   * Where a directory cannot be watched, its agents wait for the cycle (said once). Off by default.
   */
  readonly wakeOnWrite?: boolean | undefined;
  /**
   * A model beside the cycle (a `SummaryGenerator` with a `GuardedProvider`, and the provider's
   * name and breaker status): the cycle's `generator` gives each summary its offline verdict at
   * once, and the model's verdict replaces it when it comes (`judged_by`), never holding a cycle.
   */
  readonly modelJudge?: ModelJudgeLike | undefined;
  /** Model calls in flight at once beside the cycle; 2 by default. */
  readonly modelConcurrency?: number | undefined;
  /** How `wakeOnWrite` watches a directory; `fs.watch` by default. */
  readonly watch?: WatchFunction | undefined;
  /** Epoch milliseconds; `Date.now` by default. */
  readonly clock?: Clock | undefined;
  /** How the loop waits between cycles; real timers by default. */
  readonly timer?: Timer | undefined;
  /** A pino-compatible logger; silent by default. */
  readonly logger?: Logger | undefined;
  /**
   * Pages (of `max_log_lines_per_read` lines) read of one agent in one cycle while it has more,
   * summarized together; 50 by default.
   */
  readonly maxReadsPerCycle?: number | undefined;
  /**
   * Real milliseconds one agent may spend reading pages in one cycle; half the poll interval, at
   * most 5,000, by default. An agent still behind after it is read on next cycle, and
   * `getAgents()` reports its lag.
   */
  readonly readBudgetMs?: number | undefined;
}

/** Options of `stop()`. */
export interface StopOptions {
  /** How long to wait for the cycle in flight, in real milliseconds; 30,000 by default. */
  readonly timeoutMs?: number | undefined;
}

/** What `stop()` resolves with. */
export interface StopResult {
  /** True when the cycle in flight did not finish within the timeout (its remaining agents were skipped). */
  readonly timedOut: boolean;
}

/**
 * The monitoring service: every `poll_interval_seconds`, on a fixed schedule, lists the agents,
 * reads each one's new output, measures its activity, summarizes, stores the summary, commits the
 * read position, and tells listeners. At-least-once: a position is committed only after the summary
 * of its lines is stored.
 *
 * @example
 * const service = await createMonitoringService(config, { logger });
 * service.on("summary", ({ summary }) => console.log(summary.instance_id, summary.current_activity));
 * service.start();
 * // later
 * await service.stop({ timeoutMs: 10_000 });
 */
export class MonitoringService {
  readonly #settings: CheckedSettings;
  readonly #parts: MonitoringServiceParts;
  readonly #clock: Clock;
  readonly #timer: Timer;
  readonly #logger: Logger;
  readonly #emitter: MonitorEmitter;
  readonly #processor: AgentProcessor;
  readonly #registry: AgentRegistry;
  readonly #hooks: HookFeed | undefined;
  readonly #lane: ModelLane | undefined;
  #wakeUps: WakeUps | undefined;
  #hookTurn: Promise<unknown> = Promise.resolve();
  readonly #sleepAbort = new AbortController();
  readonly #cancel = new AbortController();
  #chain: Promise<unknown> = Promise.resolve();
  #loop: Promise<void> | undefined;
  #stopping: Promise<StopResult> | undefined;

  /**
   * Builds a service from its settings and parts; nothing runs until `start()` or `runOnce()`.
   *
   * @throws {InvalidOptionError} when a setting is out of range or a part lacks a method.
   */
  constructor(config: MonitorSettings, parts: MonitoringServiceParts) {
    this.#settings = checkSettings(config);
    checkParts(parts);
    this.#parts = parts;
    this.#clock = parts.clock ?? systemClock;
    this.#timer = parts.timer ?? systemTimer;
    this.#logger = parts.logger ?? silentLogger;
    this.#emitter = new MonitorEmitter(this.#logger);
    this.#registry = new AgentRegistry(this.#emitter, this.#logger, () => this.#now());
    const structured = parts.structured ?? transcriptsAnalyzer;
    this.#hooks =
      parts.hooksFile !== undefined
        ? new HookFeed({
            path: parts.hooksFile,
            reader: parts.reader,
            structured,
            logger: this.#logger,
          })
        : undefined;
    const judge = parts.modelJudge;
    this.#lane =
      judge === undefined
        ? undefined
        : new ModelLane({
            judge,
            store: parts.store,
            concurrency: parts.modelConcurrency ?? 2,
            inStoreTurn,
            stored: (record, summary) => this.#processor.announce(record, summary),
            logger: this.#logger,
          });
    this.#processor = new AgentProcessor({
      lane: this.#lane,
      structured,
      hooks: this.#hooks,
      reader: parts.reader,
      tracker: parts.tracker,
      generator: parts.generator,
      store: parts.store,
      analyze: parts.analyze,
      emitter: this.#emitter,
      logger: this.#logger,
      clock: this.#clock,
      errorBackoffSeconds: this.#settings.error_backoff_seconds,
      exitedGraceMs: this.#settings.exited_grace_seconds * 1000,
      stallMs: this.#settings.stall_seconds * 1000,
      catchUpBytes: this.#settings.catch_up_bytes,
      catchUpLines: this.#settings.catch_up_lines,
      maxReadsPerCycle: parts.maxReadsPerCycle ?? DEFAULT_MAX_READS,
      readBudgetMs:
        parts.readBudgetMs ?? Math.min(5_000, this.#settings.poll_interval_seconds * 500),
    });
  }

  /** Adds a listener of one event; returns a function that removes it. Listeners that throw are logged. */
  on<E extends MonitorEventName>(event: E, listener: MonitorListener<E>): () => void {
    return this.#emitter.on(event, listener);
  }

  /** Whether `start()` was called and `stop()` was not. */
  get running(): boolean {
    return this.#loop !== undefined && this.#stopping === undefined;
  }

  /**
   * Resolves once the model beside the cycle has no call running or waiting (at once without
   * one): for one look (`watch --once`) that should show the model's verdicts.
   */
  modelSettled(): Promise<void> {
    return this.#lane?.idle() ?? Promise.resolve();
  }

  /** Where the model beside the cycle stands (null without one). */
  getModelStatus(): ModelStatus | null {
    return this.#lane?.status() ?? null;
  }

  /** Every agent the service knows, ordered by instance id. */
  getAgents(): AgentStatus[] {
    return this.#registry.status();
  }

  /**
   * Starts the loop: a cycle now, then one at every `t0 + k * poll_interval_seconds`. A cycle that
   * runs past the next start is not stacked: the missed starts are skipped and counted.
   *
   * @throws {ServiceAlreadyStartedError} when called a second time.
   * @throws {ServiceStoppedError} after `stop()`.
   */
  start(): void {
    if (this.#stopping !== undefined) {
      throw new ServiceStoppedError(
        "cannot start the monitoring service: it was stopped; create a new one",
      );
    }
    if (this.#loop !== undefined) {
      throw new ServiceAlreadyStartedError(
        "cannot start the monitoring service: it is already started; call stop() before starting another",
      );
    }
    if (this.#parts.wakeOnWrite === true) {
      this.#wakeUps = new WakeUps({
        logger: this.#logger,
        watch: this.#parts.watch,
        hooksFile: this.#parts.hooksFile,
        hooks: this.#hooks,
        pollHooks: () => this.#pollHooksInTurn(),
        records: () => this.#registry.records(),
        look: (record) => this.#processor.quickLook(record, this.#clock()),
      });
    }
    this.#loop = this.#runLoop();
  }

  /**
   * Runs one full cycle now and resolves with its stats (also emitted as `cycle`). Calls made
   * while another `runOnce()` runs wait for it.
   *
   * @throws {ServiceAlreadyStartedError} while the loop started by `start()` runs.
   * @throws {ServiceStoppedError} after `stop()`.
   */
  runOnce(): Promise<CycleStats> {
    if (this.#stopping !== undefined) {
      return Promise.reject(
        new ServiceStoppedError("cannot run a cycle: the monitoring service was stopped"),
      );
    }
    if (this.#loop !== undefined) {
      return Promise.reject(
        new ServiceAlreadyStartedError(
          "cannot run a cycle with runOnce(): the service's loop is running; stop() it first",
        ),
      );
    }
    return this.#exclusive(() => this.#cycle(() => 0));
  }

  /**
   * Stops: no new cycle starts, the cycle in flight may finish within `timeoutMs` (after which its
   * remaining agents are skipped: their output is read again next time), then the tracker is
   * closed, flushing its pending writes. Safe to call twice.
   *
   * @example
   * const { timedOut } = await service.stop({ timeoutMs: 5_000 });
   */
  stop(options: StopOptions = {}): Promise<StopResult> {
    this.#stopping ??= this.#stop(options.timeoutMs ?? 30_000);
    return this.#stopping;
  }

  async #stop(timeoutMs: number): Promise<StopResult> {
    this.#sleepAbort.abort();
    this.#wakeUps?.close();
    const done = Promise.all([this.#chain, this.#loop]).then(() => true);
    const timer = new AbortController();
    const timeout = realTimeout(Math.max(0, timeoutMs), false, { signal: timer.signal }).catch(
      () => false,
    );
    const finished = await Promise.race([done, timeout]);
    timer.abort();
    if (!finished) {
      this.#cancel.abort();
      this.#logger.warn(
        { timeoutMs },
        "the cycle in flight did not finish in time; its remaining agents are skipped",
      );
    }
    await this.#lane?.close(Math.min(5_000, Math.max(0, timeoutMs)));
    try {
      await this.#parts.tracker.close?.();
    } catch (error) {
      this.#logger.error({ err: error }, "cannot close the position tracker");
      this.#emitter.emit("error", { error: error as Error, at: this.#now() });
    }
    return { timedOut: !finished };
  }

  async #runLoop(): Promise<void> {
    const intervalMs = this.#settings.poll_interval_seconds * 1000;
    const t0 = this.#clock();
    let slot = 0;
    try {
      while (this.#stopping === undefined) {
        const current = slot;
        let next = current + 1;
        await this.#exclusive(() =>
          this.#cycle((endMs) => {
            const after = nextSlot(t0, intervalMs, current, endMs);
            next = after.slot;
            return after.skipped;
          }),
        );
        slot = next;
        if (this.#stopping !== undefined) break;
        await this.#timer.sleep(t0 + slot * intervalMs - this.#clock(), this.#sleepAbort.signal);
      }
    } catch (error) {
      this.#logger.error({ err: error }, "the monitoring loop failed and stopped");
      this.#emitter.emit("error", { error: error as Error, at: this.#now() });
    }
  }

  /** {@link #pollHooks} after any poll in flight (a cycle's and a wake-up's never overlap). */
  #pollHooksInTurn(): Promise<void> {
    const polled = this.#hookTurn.then(() => this.#pollHooks());
    this.#hookTurn = polled;
    return polled;
  }

  /** Reads the hook calls recorded since the last cycle; a failure is reported, never thrown. */
  async #pollHooks(): Promise<void> {
    try {
      await this.#hooks?.poll();
    } catch (error) {
      this.#logger.warn({ err: error }, "cannot read the hooks file; going on without it");
      this.#emitter.emit("error", { error: error as Error, at: this.#now() });
    }
  }

  #exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#chain.then(run);
    this.#chain = result.catch(() => {});
    return result;
  }

  #now(): string {
    return new Date(this.#clock()).toISOString();
  }

  async #cycle(skippedSlots: (endMs: number) => number): Promise<CycleStats> {
    const startMs = this.#clock();
    const generator = this.#parts.generator;
    const callsBefore = generator.stats?.modelCalls;
    const work: CycleWork = {
      now: startMs,
      signal: this.#cancel.signal,
      tail: new CycleTail(STORE_CONCURRENCY, COMMIT_BATCH),
      lines: 0,
      failures: 0,
      callsWithLines: 0,
    };
    await this.#pollHooksInTurn();
    await this.#registry.reconcile(this.#parts.source);
    const records = this.#registry.records();
    const outcomes = await mapLimit(records, this.#settings.agent_concurrency, (record) => {
      // in the agent's turn: never beside a quick look at it
      const step = record.turn.then(() => this.#processor.process(record, work));
      record.turn = step.catch(() => {});
      return step;
    });
    await work.tail.drain();
    records.forEach((record, index) => {
      if (outcomes[index] === "removed") this.#registry.remove(record);
    });
    this.#wakeUps?.watchAgents(this.#registry.records());
    const endMs = this.#clock();
    const callsAfter = generator.stats?.modelCalls;
    const stats: CycleStats = {
      started_at: new Date(startMs).toISOString(),
      duration_ms: endMs - startMs,
      agents: records.length,
      lines: work.lines,
      model_calls:
        callsBefore !== undefined && callsAfter !== undefined
          ? callsAfter - callsBefore
          : work.callsWithLines,
      failures: work.failures,
      skipped_slots: skippedSlots(endMs),
      behind: records.filter((record) => record.lag !== null).length,
      ...(this.#lane === undefined
        ? {}
        : { model: { ...this.#lane.take(), ...this.#lane.status() } }),
    };
    this.#logger.debug({ ...stats }, "cycle done");
    this.#emitter.emit("cycle", stats);
    return stats;
  }
}
