import type { Logger } from "@agentwatch/models";
import { type AgentRecord, newRecord } from "./agent-record.js";
import type { AgentInfo, AgentSource, SourceContext } from "./agent-source.js";
import type { MonitorEmitter } from "./events.js";
import { logExists } from "./log-exists.js";
import { mapLimit } from "./map-limit.js";
import { sourceFailure } from "./sources/combine-sources.js";

/** One agent as the service sees it now. */
export interface AgentStatus {
  readonly agent: AgentInfo;
  readonly state: AgentRecord["reported"];
  readonly latest_summary: AgentRecord["lastSummary"];
  /** When it was marked exited, ISO 8601, or null. */
  readonly exited_at: string | null;
  /** Consecutive failures (0 when its last processing succeeded). */
  readonly failures: number;
  /** When it is tried again after failing, ISO 8601, or null. */
  readonly retry_at: string | null;
  /** Why its last processing failed (a one-line message naming what to do), or null. */
  readonly last_error: string | null;
  /**
   * Unread output it still has after the last cycle (it writes faster than its read budget per
   * cycle allows): bytes behind, and since when (ISO 8601) it has been behind; null when caught up.
   */
  readonly lag: { readonly bytes: number; readonly since: string } | null;
}

/** The agents the service knows, kept in line with what the source lists each cycle. */
export class AgentRegistry {
  readonly #records = new Map<string, AgentRecord>();
  /**
   * Agents removed after their grace period whose source still lists them: `log` ones come back
   * when their log exists again; `terminated` ones (their orchestrator reported them terminated,
   * and their log may well stay) only once their source stopped listing them.
   */
  readonly #tombstones = new Map<string, "log" | "terminated">();
  readonly #emitter: MonitorEmitter;
  readonly #logger: Logger;
  readonly #now: () => string;
  #lastListing: AgentInfo[] = [];

  constructor(emitter: MonitorEmitter, logger: Logger, now: () => string) {
    this.#emitter = emitter;
    this.#logger = logger;
    this.#now = now;
  }

  /** Every record, in the order agents were first seen. */
  records(): AgentRecord[] {
    return [...this.#records.values()];
  }

  /**
   * Lists the agents and brings the records in line: new ones added (`agent_added`), listed ones
   * updated, the others flagged as no longer listed. A source that throws keeps its last listing.
   */
  async reconcile(source: AgentSource): Promise<void> {
    const context: SourceContext = {
      logger: this.#logger,
      report: (error) => this.#emitter.emit("error", { error, at: this.#now() }),
    };
    let listing: AgentInfo[];
    try {
      listing = await source.list(context);
      this.#lastListing = listing;
    } catch (error) {
      const failure = sourceFailure(source, error);
      this.#logger.warn({ err: error, source: source.name }, failure.message);
      context.report(failure);
      listing = this.#lastListing;
    }
    const listed = new Set<string>();
    const returning: AgentInfo[] = [];
    for (const info of listing) {
      listed.add(info.instance_id);
      const record = this.#records.get(info.instance_id);
      if (record !== undefined) {
        record.info = info;
        record.listed = true;
      } else if (this.#tombstones.has(info.instance_id)) {
        if (this.#tombstones.get(info.instance_id) === "log") returning.push(info);
      } else {
        this.#add(info);
      }
    }
    for (const record of this.#records.values()) {
      if (!listed.has(record.info.instance_id)) record.listed = false;
    }
    for (const id of this.#tombstones.keys()) if (!listed.has(id)) this.#tombstones.delete(id);
    const back = await mapLimit(returning, 16, (info) => logExists(info.log_file_path));
    returning.forEach((info, index) => {
      if (!back[index]) return;
      this.#tombstones.delete(info.instance_id);
      this.#add(info);
    });
  }

  /** Forgets an agent after its grace period (`agent_removed`). */
  remove(record: AgentRecord): void {
    const id = record.info.instance_id;
    this.#records.delete(id);
    if (record.listed) {
      const terminated = record.info.orchestrator_state === "terminated";
      this.#tombstones.set(id, terminated ? "terminated" : "log");
    }
    this.#emitter.emit("agent_removed", { instance_id: id, agent: record.info, at: this.#now() });
  }

  /** A snapshot of every agent, ordered by instance id. */
  status(): AgentStatus[] {
    const iso = (ms: number | null): string | null =>
      ms === null ? null : new Date(ms).toISOString();
    return [...this.#records.values()]
      .sort((a, b) => (a.info.instance_id < b.info.instance_id ? -1 : 1))
      .map((record) => ({
        agent: record.info,
        state: record.reported,
        latest_summary: record.lastSummary,
        exited_at: iso(record.exitedAt),
        failures: record.failures,
        retry_at: record.retryAt > 0 ? iso(record.retryAt) : null,
        last_error: record.lastError,
        lag:
          record.lag === null ? null : { bytes: record.lag.bytes, since: iso(record.lag.since)! },
      }));
  }

  #add(info: AgentInfo): void {
    this.#records.set(info.instance_id, newRecord(info));
    this.#emitter.emit("agent_added", {
      instance_id: info.instance_id,
      agent: info,
      at: this.#now(),
    });
  }
}
