import type { AgentSummary } from "@agentwatch/models";
import type { MonitoredSummary } from "@agentwatch/monitor";
import type { ReceivedItem } from "@agentwatch/otel/receive";
import {
  PROTOCOL_VERSION,
  type ServerMessage,
  type WireAgent,
  type WireAgentInfo,
} from "./messages.js";

/** A summary of an agent on another host: its id is `<host>/<instance id>`, and it names its host. */
export type RemoteSummary = MonitoredSummary & { readonly host: string };

/** How long remote agents are kept, and how many. */
export interface RemoteAgentsLimits {
  readonly staleAfterMs: number;
  readonly removeAfterMs: number;
  readonly maxAgents: number;
  /** Summaries kept per remote agent for `/api/summaries/<id>/history`. */
  readonly historyLength: number;
}

interface RemoteAgent {
  readonly id: string;
  readonly host: string;
  latest: RemoteSummary;
  /** Newest last, at most `historyLength`. */
  history: RemoteSummary[];
  activity_state: WireAgent["activity_state"];
  on_track_status: WireAgent["on_track_status"];
}

interface RemoteHost {
  lastSeenMs: number;
  stale: boolean;
  readonly agents: Set<string>;
}

/** What `accept` did with a request's records. */
export interface AcceptResult {
  readonly messages: ServerMessage[];
  /** Summaries already seen (a retried request, two collectors): not sent again. */
  readonly duplicates: number;
  /** New agents refused because `maxAgents` remote agents are known. */
  readonly overflow: number;
}

/** The id a remote agent has here: `<host>/<instance id>` (local ids never contain `/`). */
export function remoteId(host: string, instanceId: string): string {
  return `${host}/${instanceId}`;
}

/**
 * The agents other hosts' agentwatch report over OTLP: their latest summaries and states, each
 * host's liveness, and the messages that tell WebSocket clients about them.
 */
export class RemoteAgents {
  readonly #limits: RemoteAgentsLimits;
  readonly #agents = new Map<string, RemoteAgent>();
  readonly #hosts = new Map<string, RemoteHost>();

  constructor(limits: RemoteAgentsLimits) {
    this.#limits = limits;
  }

  /** Remote agents known now. */
  get size(): number {
    return this.#agents.size;
  }

  /** Hosts known now, and how many of them are stale. */
  hostCounts(): { hosts: number; stale: number } {
    let stale = 0;
    for (const host of this.#hosts.values()) if (host.stale) stale++;
    return { hosts: this.#hosts.size, stale };
  }

  /** Applies received records at `nowMs`; returns the messages to broadcast, in order. */
  accept(items: readonly ReceivedItem[], nowMs: number): AcceptResult {
    const messages: ServerMessage[] = [];
    let duplicates = 0;
    let overflow = 0;
    const at = new Date(nowMs).toISOString();
    for (const item of items) {
      const host = this.#touch(item.host, nowMs, messages, at);
      switch (item.kind) {
        case "summary": {
          const id = remoteId(item.host, item.summary.instance_id);
          const summary: RemoteSummary = { ...item.summary, instance_id: id, host: item.host };
          let agent = this.#agents.get(id);
          if (agent === undefined) {
            if (this.#agents.size >= this.#limits.maxAgents) {
              overflow++;
              continue;
            }
            agent = {
              id,
              host: item.host,
              latest: summary,
              history: [],
              activity_state: summary.activity_state ?? null,
              on_track_status: summary.on_track_status,
            };
            this.#agents.set(id, agent);
            host.agents.add(id);
            messages.push({
              v: PROTOCOL_VERSION,
              type: "agent_added",
              instance_id: id,
              agent: this.#info(agent),
              at,
            });
          } else if (agent.history.some((s) => s.timestamp === summary.timestamp)) {
            duplicates++;
            continue;
          }
          this.#record(agent, summary);
          messages.push({ v: PROTOCOL_VERSION, type: "summary_update", summary });
          break;
        }
        case "state_change": {
          const id = remoteId(item.host, item.instance_id);
          const agent = this.#agents.get(id);
          if (agent !== undefined) {
            agent.activity_state = item.current.activity_state;
            agent.on_track_status = item.current.on_track_status ?? agent.on_track_status;
          }
          messages.push({
            v: PROTOCOL_VERSION,
            type: "state_change",
            instance_id: id,
            previous: item.previous,
            current: item.current,
            trigger: item.trigger,
            at: item.at,
          });
          break;
        }
        case "agent_removed": {
          const id = remoteId(item.host, item.instance_id);
          const agent = this.#agents.get(id);
          if (agent !== undefined) messages.push(this.#remove(agent, at));
          break;
        }
        case "cycle":
          break;
      }
    }
    return { messages, duplicates, overflow };
  }

  /**
   * Marks the agents of hosts silent for `staleAfterMs` stale, and forgets those silent for
   * `removeAfterMs`; returns the messages to broadcast.
   */
  sweep(nowMs: number): ServerMessage[] {
    const messages: ServerMessage[] = [];
    const at = new Date(nowMs).toISOString();
    for (const [name, host] of this.#hosts) {
      const silence = nowMs - host.lastSeenMs;
      if (silence >= this.#limits.removeAfterMs) {
        for (const id of host.agents) {
          const agent = this.#agents.get(id);
          if (agent !== undefined) messages.push(this.#remove(agent, at));
        }
        this.#hosts.delete(name);
      } else if (silence >= this.#limits.staleAfterMs && !host.stale) {
        host.stale = true;
        this.#staleness(name, host, messages, at);
      }
    }
    return messages;
  }

  /** The latest summary of every remote agent. */
  summaries(): RemoteSummary[] {
    return [...this.#agents.values()].map((agent) => agent.latest);
  }

  /** Every remote agent as a snapshot lists it. */
  agents(): WireAgent[] {
    return [...this.#agents.values()].map((agent) => ({
      ...this.#info(agent),
      activity_state: agent.activity_state,
      on_track_status: agent.on_track_status,
      exited_at: agent.latest.activity_state === "exited" ? agent.latest.timestamp : null,
    }));
  }

  /** Counts by on-track status and by activity state, for `/metrics`. */
  counts(): { byStatus: Map<string, number>; byActivity: Map<string, number> } {
    const byStatus = new Map<string, number>();
    const byActivity = new Map<string, number>();
    for (const agent of this.#agents.values()) {
      const status = agent.on_track_status ?? "unknown";
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      const state = agent.activity_state ?? "unknown";
      byActivity.set(state, (byActivity.get(state) ?? 0) + 1);
    }
    return { byStatus, byActivity };
  }

  /** The latest summary of a remote agent, or undefined. */
  latest(id: string): RemoteSummary | undefined {
    return this.#agents.get(id)?.latest;
  }

  /** A remote agent's kept summaries, newest first, or undefined for an unknown id. */
  history(id: string): AgentSummary[] | undefined {
    const agent = this.#agents.get(id);
    return agent === undefined ? undefined : [...agent.history].reverse();
  }

  #touch(name: string, nowMs: number, messages: ServerMessage[], at: string): RemoteHost {
    let host = this.#hosts.get(name);
    if (host === undefined) {
      host = { lastSeenMs: nowMs, stale: false, agents: new Set() };
      this.#hosts.set(name, host);
    }
    host.lastSeenMs = Math.max(host.lastSeenMs, nowMs);
    if (host.stale) {
      host.stale = false;
      this.#staleness(name, host, messages, at);
    }
    return host;
  }

  #staleness(name: string, host: RemoteHost, messages: ServerMessage[], at: string): void {
    for (const id of host.agents) {
      messages.push({
        v: PROTOCOL_VERSION,
        type: "agent_stale",
        instance_id: id,
        host: name,
        stale: host.stale,
        last_seen_at: new Date(host.lastSeenMs).toISOString(),
        at,
      });
    }
  }

  #record(agent: RemoteAgent, summary: RemoteSummary): void {
    agent.history.push(summary);
    agent.history.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
    if (agent.history.length > this.#limits.historyLength) agent.history.shift();
    if (Date.parse(summary.timestamp) >= Date.parse(agent.latest.timestamp)) {
      agent.latest = summary;
      agent.activity_state = summary.activity_state ?? agent.activity_state;
      agent.on_track_status = summary.on_track_status;
    }
  }

  #remove(agent: RemoteAgent, at: string): ServerMessage {
    this.#agents.delete(agent.id);
    this.#hosts.get(agent.host)?.agents.delete(agent.id);
    return {
      v: PROTOCOL_VERSION,
      type: "agent_removed",
      instance_id: agent.id,
      agent: this.#info(agent),
      at,
    };
  }

  #info(agent: RemoteAgent): WireAgentInfo {
    const s = agent.latest;
    return {
      instance_id: agent.id,
      instance_name: s.instance_name,
      role: s.role,
      assigned_task: s.assigned_task,
      parent_instance_id:
        s.parent_instance_id === null ? null : remoteId(agent.host, s.parent_instance_id),
      created_at: null,
      log_type: "remote",
      host: agent.host,
      stale: this.#hosts.get(agent.host)?.stale ?? false,
    };
  }
}
