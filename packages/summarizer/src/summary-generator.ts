import {
  type ActivityAnalysis,
  analyzeActivity,
  cleanTerminalOutput,
  DEFAULT_STALL_SECONDS,
} from "@agentwatch/activity";
import {
  type AgentSummary,
  type Clock,
  type CommonOptions,
  type Logger,
  silentLogger,
  systemClock,
} from "@agentwatch/models";
import {
  type AgentContext,
  identityOf,
  type MonitoredSummary,
  readLastOutputAt,
  readPreviousSummary,
} from "./agent-context.js";
import { completeActivity } from "./complete-activity.js";
import { composeSummary, MODEL_UNAVAILABLE } from "./compose-summary.js";
import { describeActivity } from "./describe-activity.js";
import { InvalidArgumentError } from "./errors.js";
import { heuristicJudgement, HeuristicProvider } from "./heuristic-provider.js";
import { parseJudgement } from "./judgement.js";
import { MAX_PROMPT_LINES } from "./model-prompt.js";
import type { JudgeInput, Judgement, ProviderUsage, SummaryProvider } from "./provider.js";
import { truncate } from "./text.js";
import { buildDigest } from "./digest.js";
import { enforceHardRules } from "./hard-rules.js";
import { checkNumber } from "./options.js";

/** Options of `SummaryGenerator`. */
export interface SummaryGeneratorOptions extends CommonOptions {
  /** Where verdicts come from; `new HeuristicProvider()` (offline) by default. */
  provider?: SummaryProvider | undefined;
  /**
   * Seconds an agent may be busy (`working`) without output before it is `blocked` as stalled:
   * 300 by default. Applies to the analyses this generator makes and to summaries carried
   * forward without new lines.
   */
  stallSeconds?: number | undefined;
}

/** Cumulative counters of a generator since it was made. */
export interface GeneratorStats {
  /** Requests sent to a model, retries and failed attempts included (0 with the heuristic). */
  readonly modelCalls: number;
  /** Input tokens billed. */
  readonly inputTokens: number;
  /** Output tokens billed. */
  readonly outputTokens: number;
  /** Cost in US dollars, from the provider's price table. */
  readonly costUsd: number;
  /** Summaries that fell back to the heuristic verdict because the provider failed. */
  readonly fallbacks: number;
}

function checkCall(instanceId: unknown, lines: unknown): asserts lines is readonly string[] {
  if (typeof instanceId !== "string" || instanceId === "")
    throw new InvalidArgumentError(
      `generateSummary: instanceId must be a non-empty string (got ${typeof instanceId === "string" ? '""' : typeof instanceId})`,
      "instanceId",
    );
  if (!Array.isArray(lines))
    throw new InvalidArgumentError(
      `generateSummary: newLogLines must be an array of strings (got ${typeof lines})`,
      "newLogLines",
    );
  const bad = lines.findIndex((line) => typeof line !== "string");
  if (bad >= 0)
    throw new InvalidArgumentError(
      `generateSummary: newLogLines[${bad}] must be a string (got ${typeof lines[bad]})`,
      `newLogLines[${bad}]`,
    );
}

function idleSeconds(
  now: Date,
  lastOutputAt: Date | null,
  previous: AgentSummary | null,
  hadLines: boolean,
): number {
  if (lastOutputAt !== null) return Math.max(0, now.getTime() - lastOutputAt.getTime()) / 1000;
  if (hadLines || previous === null) return 0;
  const then = Date.parse(previous.timestamp);
  const elapsed = Number.isFinite(then) ? Math.max(0, now.getTime() - then) / 1000 : 0;
  return previous.idle_duration_seconds + elapsed;
}

function isUsage(value: unknown): value is ProviderUsage {
  if (typeof value !== "object" || value === null) return false;
  const usage = value as Record<string, unknown>;
  return ["requests", "inputTokens", "outputTokens", "costUsd"].every(
    (key) => typeof usage[key] === "number" && Number.isFinite(usage[key]) && usage[key] >= 0,
  );
}

/**
 * Turns an agent's new output into a `MonitoredSummary`: the facts measured by
 * `@agentwatch/activity`, a verdict from the provider, `blocked` by rule, smoothed statuses.
 *
 * With no new lines no provider is asked: the previous summary is carried forward with a fresh
 * timestamp and idle time (an `unknown` summary with confidence 0 when there is none). A provider
 * failure never rejects: the heuristic verdict is used, `model unavailable: …` is added to
 * `drift_reasons`, a warning is logged and `stats.fallbacks` counts it.
 *
 * @example
 * const generator = new SummaryGenerator({ provider: new AnthropicProvider(), logger });
 * const summary = await generator.generateSummary("agent-123", lines, {
 *   instance_name: "backend-dev",
 *   role: "backend_developer",
 *   assigned_task: "Implement JWT authentication",
 *   previous_summary: await store.getLatest("agent-123"),
 *   last_output_at: mtime,
 * });
 */
export class SummaryGenerator {
  /** The provider asked for verdicts. */
  readonly provider: SummaryProvider;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #stats = { modelCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, fallbacks: 0 };
  readonly #stallSeconds: number;

  /**
   * @throws {InvalidArgumentError} when `stallSeconds` is not a positive number.
   */
  constructor(options: SummaryGeneratorOptions = {}) {
    this.#stallSeconds = checkNumber(
      options.stallSeconds,
      "stallSeconds",
      DEFAULT_STALL_SECONDS,
      1,
    );
    this.provider = options.provider ?? new HeuristicProvider();
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
  }

  /** A copy of the cumulative counters: model requests, tokens, cost, fallbacks. */
  get stats(): GeneratorStats {
    return { ...this.#stats };
  }

  /**
   * Summarizes one agent from its new log lines.
   *
   * @throws {InvalidArgumentError} when `instanceId` is not a non-empty string, `newLogLines`
   *   not an array of strings, or a context field of the wrong type; never for a provider failure.
   */
  async generateSummary(
    instanceId: string,
    newLogLines: readonly string[],
    agentContext: AgentContext = {},
  ): Promise<MonitoredSummary> {
    checkCall(instanceId, newLogLines);
    const context = agentContext ?? {};
    const now = new Date(this.#clock());
    const previous = readPreviousSummary(context.previous_summary, instanceId, this.#logger);
    const lastOutputAt = readLastOutputAt(context.last_output_at, instanceId, this.#logger);
    const identity = identityOf(instanceId, context, previous.summary);
    const hadLines = newLogLines.length > 0;
    const common = {
      instanceId,
      identity,
      now,
      idleSeconds: idleSeconds(now, lastOutputAt, previous.summary, hadLines),
      previous: previous.summary,
      previousState: previous.activityState,
    };

    if (!hadLines) {
      const activity = this.#stall(
        completeActivity(context.activity),
        previous.activityState,
        common.idleSeconds,
        previous.summary?.output_preview ?? "",
      );
      const judgement: Judgement = previous.summary ?? {
        current_activity: activity ? describeActivity(activity) : "No output seen yet",
        on_track_status: "unknown",
        confidence_score: 0,
        drift_reasons: [],
        alignment_keywords: [],
        recommended_action: null,
      };
      return composeSummary({
        ...common,
        judgement,
        fresh: false,
        activity,
        fallbackReason: null,
      });
    }

    const given = completeActivity(context.activity);
    const activity =
      given === null
        ? analyzeActivity(newLogLines, {
            now,
            lastOutputAt,
            previous: context.previous_activity ?? null,
            stallSeconds: this.#stallSeconds,
          })
        : this.#stall(given, given.state, given.idle_duration_seconds, given.output_preview)!;
    const base = {
      instanceId,
      instanceName: identity.instance_name,
      role: identity.role,
      assignedTask: identity.assigned_task,
      parentInstanceId: identity.parent_instance_id,
      lines: newLogLines,
      cleanedLines: cleanTerminalOutput(newLogLines).slice(-MAX_PROMPT_LINES),
      activity,
      previousSummary: previous.summary,
      now,
    };
    const input: JudgeInput = { ...base, digest: buildDigest(base) };
    const { judgement, fallbackReason } = await this.#judge(input);
    return composeSummary({ ...common, judgement, fresh: true, activity, fallbackReason });
  }

  async #judge(
    input: JudgeInput,
  ): Promise<{ judgement: Judgement; fallbackReason: string | null }> {
    const name = this.provider.name;
    try {
      const raw = await this.provider.judge(input);
      if (isUsage(raw?.usage)) this.#addUsage(raw.usage);
      const parsed = parseJudgement(raw, name);
      const judgement = input.digest
        ? enforceHardRules(parsed, input.digest, input.assignedTask, input.activity)
        : parsed;
      return { judgement, fallbackReason: null };
    } catch (error) {
      const usage = (error as { usage?: unknown } | null)?.usage;
      if (isUsage(usage)) this.#addUsage(usage);
      this.#stats.fallbacks++;
      const message = error instanceof Error ? error.message : String(error);
      this.#logger.warn(
        {
          instanceId: input.instanceId,
          provider: name,
          code: (error as { code?: unknown } | null)?.code,
          attempts: (error as { attempts?: unknown } | null)?.attempts,
          err: error,
        },
        `agent ${input.instanceId}: ${name} gave no verdict (${message}); using the heuristic verdict`,
      );
      return {
        judgement: this.#heuristic(input),
        fallbackReason: `${MODEL_UNAVAILABLE}${truncate(message, 180)}`,
      };
    }
  }

  #heuristic(input: JudgeInput): Judgement {
    try {
      return heuristicJudgement(input);
    } catch (error) {
      this.#logger.error(
        { instanceId: input.instanceId, err: error },
        `agent ${input.instanceId}: the heuristic verdict failed too; reporting unknown`,
      );
      return {
        current_activity: "Unknown: no verdict could be made",
        on_track_status: "unknown",
        confidence_score: 0,
        drift_reasons: [],
        alignment_keywords: [],
        recommended_action: null,
      };
    }
  }

  /**
   * The activity with `stalled` set when it is busy (`working`) and has been silent for the stall
   * time; without an activity, one made from the previous state when that was `working`.
   */
  #stall(
    activity: ActivityAnalysis | null,
    state: string | undefined,
    idleSeconds: number,
    preview: string,
  ): ActivityAnalysis | null {
    const busy = (activity?.state ?? state) === "working";
    if (!busy || idleSeconds < this.#stallSeconds) return activity;
    const base = activity ?? completeActivity({ state: "working", output_preview: preview })!;
    return { ...base, stalled: true, idle_duration_seconds: idleSeconds };
  }

  #addUsage(usage: ProviderUsage): void {
    this.#stats.modelCalls += usage.requests;
    this.#stats.inputTokens += usage.inputTokens;
    this.#stats.outputTokens += usage.outputTokens;
    this.#stats.costUsd += usage.costUsd;
  }
}
