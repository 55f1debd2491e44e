import type { AgentSummary } from "@agentwatch/models";
import type { AgentStatus } from "@agentwatch/monitor";
import {
  type Colors,
  displayWidth,
  fitWidth,
  formatBytes,
  oneLine,
  padWidth,
} from "@agentwatch/term-ui";

/** A summary as the CLI shows it (the monitor adds `activity_state`). */
export type ShownSummary = AgentSummary & { activity_state?: string | undefined };

/** One row of the agents table: an agent with its newest summary, if it has one. */
export interface AgentRow {
  readonly id: string;
  readonly name: string;
  readonly summary: ShownSummary | null;
  /** Why it could not be read or summarized lately (one line, naming what to do), or null. */
  readonly problem: string | null;
  /** Unread output left after the last cycle, and since when it has been behind; or null. */
  readonly lag: { readonly bytes: number; readonly since: string } | null;
}

/** A row from a stored summary alone (`status`). */
export function rowFromSummary(summary: ShownSummary): AgentRow {
  return {
    id: summary.instance_id,
    name: summary.instance_name,
    summary,
    problem: null,
    lag: null,
  };
}

/** A row from what the running service knows of an agent (`watch`, `demo`). */
export function rowFromStatus(status: AgentStatus): AgentRow {
  return {
    id: status.agent.instance_id,
    name: status.latest_summary?.instance_name ?? status.agent.instance_name,
    summary: status.latest_summary,
    problem: status.last_error,
    lag: status.lag,
  };
}

const WAITING = new Set(["waiting_permission", "waiting_input", "rate_limited"]);

/** The status a row is counted and coloured by: `exited` is its own, whatever the verdict was. */
export function rowStatus(row: AgentRow): string {
  if (row.summary === null) return row.problem === null ? "new" : "error";
  return row.summary.activity_state === "exited" ? "exited" : row.summary.on_track_status;
}

function rank(row: AgentRow): number {
  const state = row.summary?.activity_state ?? "";
  if (WAITING.has(state)) return 0;
  const status = rowStatus(row);
  if (status === "blocked" || status === "error" || row.problem !== null) return 1;
  if (status === "exited") return 3;
  return 2;
}

/** Agents that need a person first (waiting, blocked, failing), exited ones last, then by name. */
export function sortForAttention<T extends AgentRow>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

function statusColor(status: string, c: Colors): (text: string) => string {
  switch (status) {
    case "on_track":
      return c.green;
    case "drifting":
      return c.yellow;
    case "off_track":
    case "error":
      return c.red;
    case "blocked":
      return c.magenta;
    default:
      return c.dim;
  }
}

/** Seconds as people read them: `42s`, `3m 05s`, `2h 10m`. */
export function formatIdle(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * Idle seconds as of `now`: the summary's measured idle time plus the time since it was made (an
 * agent with no new output gets no new summary, so its stored idle time stops growing).
 */
export function idleNow(summary: ShownSummary, now: number): number {
  const made = Date.parse(summary.timestamp);
  return summary.idle_duration_seconds + (Number.isNaN(made) ? 0 : Math.max(0, now - made) / 1000);
}

/** What the ACTIVITY column says: the problem, how far behind, then the summary's activity. */
function activityOf(row: AgentRow, now: number): string {
  const parts: string[] = [];
  if (row.problem !== null) parts.push(`⚠ ${row.problem}`);
  if (row.lag !== null) {
    const since = Date.parse(row.lag.since);
    const seconds = Number.isNaN(since) ? 0 : Math.max(0, now - since) / 1000;
    parts.push(`behind ${formatBytes(row.lag.bytes)} (${formatIdle(seconds)})`);
  }
  if (row.summary !== null) parts.push(row.summary.current_activity);
  else if (row.problem === null) parts.push("no output read yet");
  return oneLine(parts.join(" · "));
}

interface Column {
  readonly header: string;
  width: number;
  /** Columns given up, in this order, when the terminal is too narrow: 1 first. */
  readonly dropOrder?: number;
}

const GAP = 2;
const MIN_ACTIVITY = 16;

/**
 * The widths of the table's columns for a terminal `columns` wide: the activity column takes what
 * is left; when too little is left, LAST TOOL, then CONF are given up, then the names are cut.
 */
function layout(nameWidth: number, columns: number, withCost: boolean): Column[] {
  const all: Column[] = [
    { header: "AGENT", width: nameWidth },
    { header: "STATUS", width: 9 },
    { header: "CONF", width: 4, dropOrder: 3 },
    { header: "STATE", width: 18 },
    { header: "IDLE", width: 7 },
    { header: "LAST TOOL", width: 10, dropOrder: 2 },
    ...(withCost ? [{ header: "COST", width: 7, dropOrder: 1 }] : []),
    { header: "ACTIVITY", width: 0 },
  ];
  const room = (cols: Column[]) =>
    columns - cols.slice(0, -1).reduce((sum, col) => sum + col.width + GAP, 0);
  let shown = all;
  for (const order of [1, 2, 3]) {
    if (room(shown) >= MIN_ACTIVITY) break;
    shown = shown.filter((col) => col.dropOrder !== order);
  }
  if (room(shown) < MIN_ACTIVITY) {
    shown[0]!.width = Math.max(8, shown[0]!.width - (MIN_ACTIVITY - room(shown)));
  }
  shown.at(-1)!.width = Math.max(0, room(shown));
  return shown;
}

/**
 * The agents table, every row one line no wider than `columns`: status (coloured), confidence,
 * state, idle time as of now, last tool, the session's cost (when a transcript says) and activity;
 * under an agent that needs a person, what to do. Text from agents and stored summaries is shown without control characters or line breaks.
 */
export function renderAgentTable(
  input: readonly AgentRow[],
  options: { columns: number; colors: Colors; now?: number },
): string {
  const c = options.colors;
  const now = options.now ?? Date.now();
  const columns = Math.max(20, options.columns);
  const rows = sortForAttention(input);
  const names = rows.map((row) => oneLine(row.name));
  const nameWidth = Math.min(20, Math.max(5, ...names.map((name) => displayWidth(name))));
  const shown = layout(
    nameWidth,
    columns,
    rows.some((row) => row.summary?.cost_usd !== undefined),
  );
  const line = (
    cells: Record<string, string>,
    styles: Record<string, (t: string) => string> = {},
  ) => {
    const fitted = shown.map((col, i) => {
      const text = cells[col.header] ?? "";
      return i < shown.length - 1 ? padWidth(text, col.width) : fitWidth(text, col.width);
    });
    const plain = fitted.join(" ".repeat(GAP)).trimEnd();
    // Too narrow for even the kept columns: the row is cut, never wrapped.
    if (displayWidth(plain) > columns) return fitWidth(plain, columns);
    return fitted
      .map((text, i) => (styles[shown[i]!.header] ?? ((t: string) => t))(text))
      .join(" ".repeat(GAP))
      .trimEnd();
  };
  const out = [c.bold(line(Object.fromEntries(shown.map((col) => [col.header, col.header]))))];
  const indent = " ".repeat(Math.min(shown[0]!.width + GAP, 8));
  rows.forEach((row, index) => {
    const s = row.summary;
    const status = rowStatus(row);
    out.push(
      line(
        {
          AGENT: names[index]!,
          STATUS: status,
          CONF: s === null ? "" : s.confidence_score.toFixed(2),
          STATE: oneLine(s?.activity_state ?? ""),
          IDLE: s === null ? "" : formatIdle(idleNow(s, now)),
          "LAST TOOL": oneLine(s?.last_tool_used ?? ""),
          COST: s?.cost_usd === undefined ? "" : formatCost(s.cost_usd),
          ACTIVITY: activityOf(row, now),
        },
        { STATUS: statusColor(status, c) },
      ),
    );
    if (s !== null && status !== "on_track" && status !== "exited" && s.recommended_action) {
      const action = fitWidth(`→ ${oneLine(s.recommended_action)}`, columns - indent.length);
      out.push(c.dim(`${indent}${action}`));
    }
  });
  out.push("");
  out.push(fitWidth(countLine(rows, now), columns));
  return out.join("\n");
}

const COUNTED = [
  "on_track",
  "drifting",
  "off_track",
  "blocked",
  "unknown",
  "error",
  "new",
  "exited",
];

/** US dollars as people read them: `$0.42`, `$12.30`, `$1,204`. */
export function formatCost(usd: number): string {
  if (usd >= 1000) return `$${Math.round(usd).toLocaleString("en-US")}`;
  return `$${usd.toFixed(2)}`;
}

/** Whether `timestamp` falls on the same local day as `now`. */
function sameDay(timestamp: string, now: number): boolean {
  const at = new Date(timestamp);
  return !Number.isNaN(at.getTime()) && at.toDateString() === new Date(now).toDateString();
}

/**
 * What the sessions active today (their latest summary made today, local time) cost so far, and
 * the number of them with a cost; null when none has one.
 */
export function costToday(
  rows: readonly AgentRow[],
  now: number,
): { usd: number; sessions: number } | null {
  let usd = 0;
  let sessions = 0;
  for (const row of rows) {
    const s = row.summary;
    if (s?.cost_usd === undefined || !sameDay(s.timestamp, now)) continue;
    usd += s.cost_usd;
    sessions++;
  }
  return sessions === 0 ? null : { usd, sessions };
}

/**
 * `3 agents: 1 on_track, 1 blocked, 1 exited` (one agent is "1 agent"), and what the sessions
 * active today cost, when transcripts say.
 */
export function countLine(rows: readonly AgentRow[], now: number = Date.now()): string {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const status = rowStatus(row);
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  const behind = rows.filter((row) => row.lag !== null).length;
  const parts = COUNTED.filter((status) => counts.has(status)).map(
    (status) => `${counts.get(status)} ${status}`,
  );
  if (behind > 0) parts.push(`${behind} behind`);
  const cost = costToday(rows, now);
  const spent =
    cost === null
      ? ""
      : ` · ${formatCost(cost.usd)} for the ${cost.sessions === 1 ? "session" : `${cost.sessions} sessions`} active today`;
  return `${agentCount(rows.length)}${parts.length > 0 ? `: ${parts.join(", ")}` : ""}${spent}`;
}

/** `1 agent`, `3 agents`. */
export function agentCount(n: number): string {
  return `${n} agent${n === 1 ? "" : "s"}`;
}

/** One plain line per summary, for pipes and logs; no control characters, no line breaks. */
export function summaryLine(s: ShownSummary): string {
  const state = s.activity_state === undefined ? "" : ` ${s.activity_state}`;
  const tool = s.last_tool_used === null ? "" : `, last tool ${s.last_tool_used}`;
  const cost = s.cost_usd === undefined ? "" : `, ${formatCost(s.cost_usd)}`;
  const status = s.activity_state === "exited" ? "exited" : s.on_track_status;
  return oneLine(
    `${s.timestamp} ${s.instance_name} ${status} ${s.confidence_score.toFixed(2)}${state}: ` +
      `${s.current_activity} (idle ${formatIdle(s.idle_duration_seconds)}${tool}${cost})`,
  );
}
