import type { AgentSummary } from "@agentwatch/models";
import { type Colors, displayWidth, fitWidth, padWidth } from "@agentwatch/term-ui";

/** A summary as the CLI shows it (the monitor adds `activity_state`). */
export type ShownSummary = AgentSummary & { activity_state?: string | undefined };

const WAITING = new Set(["waiting_permission", "waiting_input", "rate_limited"]);

/** Agents that need a person first (waiting, blocked), then by name. */
export function sortForAttention(summaries: readonly ShownSummary[]): ShownSummary[] {
  const rank = (s: ShownSummary) =>
    WAITING.has(s.activity_state ?? "") ? 0 : s.on_track_status === "blocked" ? 1 : 2;
  return [...summaries].sort(
    (a, b) => rank(a) - rank(b) || a.instance_name.localeCompare(b.instance_name),
  );
}

function statusColor(status: string, c: Colors): (text: string) => string {
  switch (status) {
    case "on_track":
      return c.green;
    case "drifting":
      return c.yellow;
    case "off_track":
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

/** The agents table: status (coloured), confidence, state, idle time, last tool and activity. */
export function renderSummaryTable(
  summaries: readonly ShownSummary[],
  options: { columns: number; colors: Colors; now?: number },
): string {
  const c = options.colors;
  const rows = sortForAttention(summaries);
  const nameWidth = Math.min(20, Math.max(5, ...rows.map((s) => displayWidth(s.instance_name))));
  const widths = [nameWidth, 9, 4, 18, 7, 10];
  const activityWidth = Math.max(12, options.columns - widths.reduce((a, b) => a + b + 2, 0));
  const header = ["AGENT", "STATUS", "CONF", "STATE", "IDLE", "LAST TOOL", "ACTIVITY"];
  const same = (text: string) => text;
  const line = (cells: string[], styles: ((text: string) => string)[] = []) =>
    cells
      .map((cell, i) => {
        const text = i < widths.length ? padWidth(cell, widths[i]!) : fitWidth(cell, activityWidth);
        return (styles[i] ?? same)(text);
      })
      .join("  ")
      .trimEnd();
  const out = [c.bold(line(header))];
  const indent = " ".repeat(nameWidth + 2);
  for (const s of rows) {
    const cells = [
      s.instance_name,
      s.on_track_status,
      s.confidence_score.toFixed(2),
      s.activity_state ?? "",
      formatIdle(idleNow(s, options.now ?? Date.now())),
      s.last_tool_used ?? "",
      s.current_activity,
    ];
    out.push(line(cells, [same, statusColor(s.on_track_status, c)]));
    if (s.on_track_status !== "on_track" && s.recommended_action !== null) {
      const width = Math.max(20, options.columns - indent.length - 2);
      out.push(c.dim(`${indent}→ ${fitWidth(s.recommended_action, width)}`));
    }
  }
  const counts = new Map<string, number>();
  for (const s of rows) counts.set(s.on_track_status, (counts.get(s.on_track_status) ?? 0) + 1);
  out.push("");
  out.push(
    `${rows.length} agents: ` +
      ["on_track", "drifting", "off_track", "blocked", "unknown"]
        .filter((status) => counts.has(status))
        .map((status) => `${counts.get(status)} ${status}`)
        .join(", "),
  );
  return out.join("\n");
}

/** One plain line per summary, for pipes and logs. */
export function summaryLine(s: ShownSummary): string {
  const state = s.activity_state === undefined ? "" : ` ${s.activity_state}`;
  const tool = s.last_tool_used === null ? "" : `, last tool ${s.last_tool_used}`;
  return (
    `${s.timestamp} ${s.instance_name} ${s.on_track_status} ${s.confidence_score.toFixed(2)}${state}: ` +
    `${s.current_activity} (idle ${formatIdle(s.idle_duration_seconds)}${tool})`
  );
}
