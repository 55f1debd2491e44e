import type { OnTrackStatus } from "@agentwatch/models";
import type { ActivityState, AgentInfo, CycleStats, ServerMessage, Summary } from "./protocol.js";

/** How many recent statuses a card's strip keeps. */
export const STRIP_LENGTH = 24;

/** One point of an agent's status strip. */
export interface StatusPoint {
  readonly timestamp: string;
  readonly status: OnTrackStatus;
}

/** Everything the dashboard knows about one agent. */
export interface AgentEntry {
  readonly id: string;
  readonly info: AgentInfo | null;
  readonly summary: Summary | null;
  /** The live state: the latest of `state_change` and summaries. */
  readonly activity_state: ActivityState | null;
  readonly on_track_status: OnTrackStatus | null;
  readonly exited_at: string | null;
  /** Recent statuses, oldest first, one per summary timestamp. */
  readonly statuses: readonly StatusPoint[];
}

/** The last cycle and when it arrived. */
export interface CycleInfo extends CycleStats {
  /** Local epoch ms when it arrived. */
  readonly received_at: number;
}

/** The dashboard's state: every agent, the last cycle, the server's clock offset. */
export interface DashboardState {
  readonly agents: ReadonlyMap<string, AgentEntry>;
  readonly lastCycle: CycleInfo | null;
  /** Server time minus local time, in ms, from the last snapshot or pong. */
  readonly serverOffsetMs: number;
  /** Whether a snapshot was received (on this or an earlier connection). */
  readonly loaded: boolean;
}

/** What changes the state. */
export type Action =
  | { readonly type: "message"; readonly message: ServerMessage; readonly receivedAt: number }
  | { readonly type: "history"; readonly id: string; readonly summaries: readonly Summary[] };

/** The state before anything arrived. */
export const initialState: DashboardState = {
  agents: new Map(),
  lastCycle: null,
  serverOffsetMs: 0,
  loaded: false,
};

function emptyEntry(id: string): AgentEntry {
  return {
    id,
    info: null,
    summary: null,
    activity_state: null,
    on_track_status: null,
    exited_at: null,
    statuses: [],
  };
}

/** `points` plus the statuses of `summaries`, oldest first, one per timestamp, the last STRIP_LENGTH. */
export function mergeStatuses(
  points: readonly StatusPoint[],
  summaries: readonly Summary[],
): readonly StatusPoint[] {
  const byTime = new Map(points.map((p) => [p.timestamp, p]));
  for (const s of summaries)
    byTime.set(s.timestamp, { timestamp: s.timestamp, status: s.on_track_status });
  return [...byTime.values()]
    .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp))
    .slice(-STRIP_LENGTH);
}

function isNewer(candidate: Summary, current: Summary | null): boolean {
  return current === null || Date.parse(candidate.timestamp) >= Date.parse(current.timestamp);
}

/** An entry with `summary` applied: it replaces the card's summary only when it is as new or newer. */
function withSummary(entry: AgentEntry, summary: Summary): AgentEntry {
  const statuses = mergeStatuses(entry.statuses, [summary]);
  if (!isNewer(summary, entry.summary)) return { ...entry, statuses };
  return {
    ...entry,
    summary,
    activity_state: summary.activity_state ?? entry.activity_state,
    on_track_status: summary.on_track_status,
    exited_at:
      summary.activity_state === "exited"
        ? (entry.exited_at ?? summary.timestamp)
        : entry.exited_at,
    statuses,
  };
}

function applySnapshot(
  state: DashboardState,
  message: Extract<ServerMessage, { type: "snapshot" }>,
  receivedAt: number,
): DashboardState {
  const agents = new Map<string, AgentEntry>();
  const base = (id: string): AgentEntry => {
    const known = agents.get(id);
    if (known !== undefined) return known;
    const previous = state.agents.get(id);
    // A reconnect keeps the strip seen so far; everything else comes from the snapshot.
    return { ...emptyEntry(id), statuses: previous?.statuses ?? [] };
  };
  for (const agent of message.agents) {
    const entry = base(agent.instance_id);
    const { activity_state, on_track_status, exited_at, ...info } = agent;
    agents.set(agent.instance_id, { ...entry, info, activity_state, on_track_status, exited_at });
  }
  for (const summary of message.summaries) {
    const entry = base(summary.instance_id);
    const applied = withSummary({ ...entry, summary: null }, summary);
    // The monitor's live state, when the snapshot lists it, is newer than the summary's.
    agents.set(summary.instance_id, {
      ...applied,
      activity_state: entry.activity_state ?? applied.activity_state,
      on_track_status: entry.on_track_status ?? applied.on_track_status,
      exited_at: entry.exited_at ?? applied.exited_at,
    });
  }
  const serverMs = Date.parse(message.at);
  const offset = Number.isNaN(serverMs) ? state.serverOffsetMs : serverMs - receivedAt;
  const cycle = message.last_cycle;
  return {
    ...state,
    agents,
    loaded: true,
    // When the last cycle ended, by the server's clock, in local time.
    lastCycle:
      cycle === null || cycle === undefined
        ? state.lastCycle
        : { ...cycle, received_at: Date.parse(cycle.started_at) + cycle.duration_ms - offset },
    serverOffsetMs: offset,
  };
}

/** The state after `action`. Pure: the input state is never changed. */
export function reduce(state: DashboardState, action: Action): DashboardState {
  if (action.type === "history") {
    const entry = state.agents.get(action.id);
    if (entry === undefined) return state;
    const agents = new Map(state.agents);
    agents.set(action.id, { ...entry, statuses: mergeStatuses(entry.statuses, action.summaries) });
    return { ...state, agents };
  }
  const { message, receivedAt } = action;
  const update = (id: string, change: (entry: AgentEntry) => AgentEntry | null): DashboardState => {
    const agents = new Map(state.agents);
    const next = change(agents.get(id) ?? emptyEntry(id));
    if (next === null) agents.delete(id);
    else agents.set(id, next);
    return { ...state, agents };
  };
  switch (message.type) {
    case "snapshot":
      return applySnapshot(state, message, receivedAt);
    case "summary_update":
      return update(message.summary.instance_id, (entry) => withSummary(entry, message.summary));
    case "state_change":
      return update(message.instance_id, (entry) => ({
        ...entry,
        activity_state: message.current.activity_state,
        on_track_status: message.current.on_track_status ?? entry.on_track_status,
        exited_at:
          message.current.activity_state === "exited"
            ? (entry.exited_at ?? message.at)
            : message.current.activity_state === null
              ? entry.exited_at
              : null,
      }));
    case "agent_added":
      return update(message.instance_id, (entry) => ({ ...entry, info: message.agent }));
    case "agent_removed":
      return update(message.instance_id, () => null);
    case "agent_stale":
      return update(message.instance_id, (entry) =>
        entry.info === null ? entry : { ...entry, info: { ...entry.info, stale: message.stale } },
      );
    case "cycle": {
      const { v: _v, type: _type, ...stats } = message;
      return { ...state, lastCycle: { ...stats, received_at: receivedAt } };
    }
    case "pong": {
      const serverMs = Date.parse(message.at);
      return Number.isNaN(serverMs) ? state : { ...state, serverOffsetMs: serverMs - receivedAt };
    }
    case "error":
      return state;
  }
}
