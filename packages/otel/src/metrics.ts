import type { Meter } from "@opentelemetry/api";
import { ON_TRACK_STATUSES, ACTIVITY_STATES, type TokenUsage } from "@agentwatch/models";
import type { CycleStats, GeneratorStats, MonitoredSummary } from "@agentwatch/monitor";
import type { MonitorLike } from "./monitor-like.js";
import { OtelAttributes as A, OtelMetrics as M } from "./semantic.js";

const TOKEN_KINDS = ["input", "output", "cache_read", "cache_creation"] as const;

/**
 * agentwatch's metric instruments on one meter: gauges read from the service when the SDK
 * collects, counters and the histogram fed by the service's events.
 */
export class MonitorMetrics {
  readonly #summaries;
  readonly #stateChanges;
  readonly #modelCalls;
  readonly #agentTokens;
  readonly #agentCost;
  readonly #cycleDuration;
  /** Each agent's last cumulative tokens and cost, to count only what was added since. */
  readonly #lastUsage = new Map<string, { tokens?: TokenUsage; cost?: number }>();
  #service: MonitorLike | undefined;

  constructor(meter: Meter, generatorStats: (() => GeneratorStats | undefined) | undefined) {
    this.#summaries = meter.createCounter(M.SUMMARIES, {
      description: "Summaries stored.",
      unit: "{summary}",
    });
    this.#stateChanges = meter.createCounter(M.STATE_CHANGES, {
      description: "Agent state changes.",
      unit: "{change}",
    });
    this.#modelCalls = meter.createCounter(M.MODEL_CALLS, {
      description: "Calls to the summary model.",
      unit: "{call}",
    });
    this.#agentTokens = meter.createCounter(M.AGENT_TOKENS, {
      description: "Tokens the watched agents' sessions used, by kind.",
      unit: "{token}",
    });
    this.#agentCost = meter.createCounter(M.AGENT_COST, {
      description: "What the watched agents' sessions cost.",
      unit: "USD",
    });
    this.#cycleDuration = meter.createHistogram(M.CYCLE_DURATION, {
      description: "Duration of a poll cycle.",
      unit: "s",
    });
    meter
      .createObservableGauge(M.AGENTS, {
        description: "Agents by on-track status.",
        unit: "{agent}",
      })
      .addCallback((result) => {
        const counts = new Map<string, number>(ON_TRACK_STATUSES.map((s) => [s, 0]));
        for (const agent of this.#service?.getAgents() ?? []) {
          const status =
            agent.state.on_track_status ?? agent.latest_summary?.on_track_status ?? "unknown";
          counts.set(status, (counts.get(status) ?? 0) + 1);
        }
        for (const [status, n] of counts) result.observe(n, { [A.SCORE_LABEL]: status });
      });
    meter
      .createObservableGauge(M.AGENTS_BY_ACTIVITY, {
        description: "Agents by activity state.",
        unit: "{agent}",
      })
      .addCallback((result) => {
        const counts = new Map<string, number>(ACTIVITY_STATES.map((s) => [s, 0]));
        for (const agent of this.#service?.getAgents() ?? []) {
          const state = agent.state.activity_state ?? "unknown";
          counts.set(state, (counts.get(state) ?? 0) + 1);
        }
        for (const [state, n] of counts) result.observe(n, { [A.ACTIVITY_STATE]: state });
      });
    meter
      .createObservableGauge(M.READ_LAG, {
        description: "Bytes of each agent's log still unread after the last cycle.",
        unit: "By",
      })
      .addCallback((result) => {
        for (const agent of this.#service?.getAgents() ?? []) {
          result.observe(agent.lag?.bytes ?? 0, { [A.AGENT_ID]: agent.agent.instance_id });
        }
      });
    if (generatorStats !== undefined) {
      meter
        .createObservableCounter(M.MODEL_TOKENS, {
          description: "Tokens the summary model billed, by direction.",
          unit: "{token}",
        })
        .addCallback((result) => {
          const stats = generatorStats();
          if (stats?.inputTokens !== undefined) {
            result.observe(stats.inputTokens, { "agentwatch.token.type": "input" });
          }
          if (stats?.outputTokens !== undefined) {
            result.observe(stats.outputTokens, { "agentwatch.token.type": "output" });
          }
        });
      meter
        .createObservableCounter(M.MODEL_COST, {
          description: "What the summary model cost.",
          unit: "USD",
        })
        .addCallback((result) => {
          const cost = generatorStats()?.costUsd;
          if (cost !== undefined) result.observe(cost);
        });
    }
  }

  /** Reads the gauges from this service from now on. */
  watch(service: MonitorLike | undefined): void {
    this.#service = service;
  }

  /** Counts a stored summary, and the tokens and cost its session added since the last one. */
  summary(summary: MonitoredSummary): void {
    this.#summaries.add(
      1,
      summary.activity_state ? { [A.ACTIVITY_STATE]: summary.activity_state } : {},
    );
    const last = this.#lastUsage.get(summary.instance_id) ?? {};
    const agent = { [A.AGENT_ID]: summary.instance_id };
    if (summary.tokens !== undefined) {
      for (const kind of TOKEN_KINDS) {
        const now = summary.tokens[kind];
        const before = last.tokens?.[kind] ?? 0;
        // Cumulative per session: a drop means a new session, counted from zero.
        const added = now >= before ? now - before : now;
        if (added > 0) this.#agentTokens.add(added, { ...agent, "agentwatch.token.type": kind });
      }
      last.tokens = summary.tokens;
    }
    if (summary.cost_usd !== undefined) {
      const before = last.cost ?? 0;
      const added = summary.cost_usd >= before ? summary.cost_usd - before : summary.cost_usd;
      if (added > 0) this.#agentCost.add(added, agent);
      last.cost = summary.cost_usd;
    }
    this.#lastUsage.set(summary.instance_id, last);
  }

  /** Counts a state change. */
  stateChange(): void {
    this.#stateChanges.add(1);
  }

  /** Forgets a removed agent's usage. */
  removed(instanceId: string): void {
    this.#lastUsage.delete(instanceId);
  }

  /** Records a finished cycle: its duration and model calls. */
  cycle(stats: CycleStats): void {
    this.#cycleDuration.record(stats.duration_ms / 1000);
    if (stats.model_calls > 0) this.#modelCalls.add(stats.model_calls);
  }
}
