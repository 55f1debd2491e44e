import type { Logger, OnTrackStatus } from "@agentwatch/models";
import type { AgentInfo } from "./agent-source.js";
import type { ActivityState } from "@agentwatch/activity";
import type { MonitoredSummary } from "./parts.js";

/** What is known of an agent's state: null where nothing is known yet. */
export interface AgentStateSnapshot {
  readonly activity_state: ActivityState | null;
  readonly on_track_status: OnTrackStatus | null;
}

/** `summary`: a summary was stored. */
export interface SummaryEvent {
  readonly summary: MonitoredSummary;
}

/** `state_change`: an agent's activity state or on-track status changed. */
export interface StateChangeEvent {
  readonly instance_id: string;
  readonly previous: AgentStateSnapshot;
  readonly current: AgentStateSnapshot;
  /** What noticed it: the analysis of a read, a new summary, or the agent's exit. */
  readonly trigger: "read" | "summary" | "exit";
  /** When, ISO 8601. */
  readonly at: string;
}

/** `agent_added` and `agent_removed`: an agent appeared, or was forgotten after its grace period. */
export interface AgentEvent {
  readonly instance_id: string;
  readonly agent: AgentInfo;
  /** When, ISO 8601. */
  readonly at: string;
}

/** `error`: something failed; the service goes on. */
export interface ErrorEvent {
  /** The agent concerned, when the error is about one. */
  readonly instance_id?: string | undefined;
  readonly error: Error;
  /** When, ISO 8601. */
  readonly at: string;
}

/** `cycle`: a poll cycle ended (also what `runOnce()` resolves with). */
export interface CycleStats {
  /** When the cycle started, ISO 8601. */
  readonly started_at: string;
  /** How long it took, by the service's clock. */
  readonly duration_ms: number;
  /** Agents known in this cycle (exited ones within their grace period included). */
  readonly agents: number;
  /** New lines read. */
  readonly lines: number;
  /** Model calls the generator made. */
  readonly model_calls: number;
  /** Agents whose processing failed. */
  readonly failures: number;
  /** Scheduled cycle starts missed because this cycle ran past them. */
  readonly skipped_slots: number;
  /**
   * Agents with output still unread at the end of this cycle: they write faster than their read
   * budget per cycle allows (`getAgents()` gives each one's lag).
   */
  readonly behind: number;
  /**
   * The model beside the cycle, when there is one: its calls since the last cycle event (started,
   * finished, failed, and skipped: not sent while the model was unavailable, or replaced by a
   * newer request), and since when it is unavailable (its breaker open), ISO 8601, or null.
   */
  readonly model?:
    | {
        readonly started: number;
        readonly finished: number;
        readonly failed: number;
        readonly skipped: number;
        readonly unavailable_since: string | null;
        readonly last_error: string | null;
      }
    | undefined;
}

/** Every event of `MonitoringService` and its payload. */
export interface MonitorEvents {
  summary: SummaryEvent;
  state_change: StateChangeEvent;
  agent_added: AgentEvent;
  agent_removed: AgentEvent;
  error: ErrorEvent;
  cycle: CycleStats;
}

/** The name of a `MonitoringService` event. */
export type MonitorEventName = keyof MonitorEvents;

/** A listener of one event; a listener that throws or rejects is logged and otherwise ignored. */
export type MonitorListener<E extends MonitorEventName> = (payload: MonitorEvents[E]) => unknown;

type AnyListener = (payload: unknown) => unknown;

/** A minimal typed event emitter whose listeners can never break the emitter's caller. */
export class MonitorEmitter {
  readonly #listeners = new Map<MonitorEventName, Set<AnyListener>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Adds a listener; returns a function that removes it. */
  on<E extends MonitorEventName>(event: E, listener: MonitorListener<E>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    const entry = listener as AnyListener;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Calls every listener of `event` in the order they were added, catching what they throw. */
  emit<E extends MonitorEventName>(event: E, payload: MonitorEvents[E]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        const result = listener(payload);
        if (result instanceof Promise) {
          result.catch((error: unknown) => this.#failed(event, error));
        }
      } catch (error) {
        this.#failed(event, error);
      }
    }
  }

  /** How many listeners `event` has. */
  listenerCount(event: MonitorEventName): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  #failed(event: MonitorEventName, error: unknown): void {
    this.#logger.error({ err: error, event }, `a ${event} listener threw; the service goes on`);
  }
}
