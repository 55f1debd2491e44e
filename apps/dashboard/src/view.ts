import type { OnTrackStatus } from "@agentwatch/models";
import { summaryText } from "./card-text.js";
import { cleanLine } from "./clean-text.js";
import { type ActivityState, STATUSES } from "./protocol.js";
import type { AgentEntry, DashboardState, StatusPoint } from "./state.js";

/**
 * What a card is counted and filtered as: its on-track status while the agent runs, `exited`
 * once it exited (whatever its last status was).
 */
export type CardStatus = OnTrackStatus | "exited";

/** Every card status, in the header's order. */
export const CARD_STATUSES: readonly CardStatus[] = [...STATUSES, "exited"];

/** Why a card stands out at the top: the agent waits for someone. */
export type Attention = "waiting_permission" | "waiting_input" | "blocked";

/** Which cards to show: a status, those needing attention, or all; and a name search. */
export interface Filter {
  readonly status: CardStatus | "attention" | "all";
  readonly query: string;
}

/** What one card shows; every text from the server is clean (see clean-text.ts). */
export interface CardView {
  readonly id: string;
  readonly name: string;
  /** The host of an agent of another machine (received over OTLP), or null for a local one. */
  readonly host: string | null;
  /** Its host stopped sending: what it shows may be out of date. */
  readonly stale: boolean;
  readonly role: string | null;
  readonly task: string | null;
  readonly status: CardStatus;
  readonly activityState: ActivityState | null;
  readonly confidence: number | null;
  /** What the agent does, one line; null before its first summary. */
  readonly currentActivity: string | null;
  /** The prompt a waiting agent shows, its lines kept, shown once (see card-text.ts); or null. */
  readonly prompt: string | null;
  readonly lastTool: string | null;
  readonly recentTools: readonly string[];
  /** Seconds since the agent's last output, now; null when unknown or exited. */
  readonly idleSeconds: number | null;
  readonly driftReasons: readonly string[];
  readonly recommendedAction: string | null;
  readonly statuses: readonly StatusPoint[];
  readonly attention: Attention | null;
  readonly exited: boolean;
  /** When the summary was made, ISO 8601, or null. */
  readonly updatedAt: string | null;
  /** What its session cost so far in US dollars, when a transcript says; else null. */
  readonly costUsd: number | null;
}

/** Counts shown in the header. */
export type Counts = Record<CardStatus | "attention" | "all", number>;

const ATTENTION_ORDER: readonly Attention[] = ["waiting_permission", "waiting_input", "blocked"];

/** Whether and why an agent needs someone. */
export function attentionOf(entry: AgentEntry): Attention | null {
  if (entry.activity_state === "waiting_permission") return "waiting_permission";
  if (entry.activity_state === "waiting_input") return "waiting_input";
  if (entry.activity_state === "exited") return null;
  if ((entry.on_track_status ?? entry.summary?.on_track_status) === "blocked") return "blocked";
  return null;
}

function statusOf(entry: AgentEntry): CardStatus {
  if (entry.activity_state === "exited") return "exited";
  return entry.on_track_status ?? entry.summary?.on_track_status ?? "unknown";
}

const optionalLine = (text: string | null | undefined): string | null =>
  text === null || text === undefined ? null : cleanLine(text);

/**
 * Seconds since the agent last wrote output, at local time `nowMs`: the summary's measure plus
 * the time since the summary was made (by the server's clock, corrected by `offsetMs`).
 */
export function idleSeconds(entry: AgentEntry, nowMs: number, offsetMs: number): number | null {
  const summary = entry.summary;
  if (summary === null || entry.activity_state === "exited") return null;
  const madeAt = Date.parse(summary.timestamp);
  if (Number.isNaN(madeAt)) return summary.idle_duration_seconds;
  return summary.idle_duration_seconds + Math.max(0, (nowMs + offsetMs - madeAt) / 1000);
}

/** The card of one agent at `nowMs`. */
export function cardOf(entry: AgentEntry, nowMs: number, offsetMs: number): CardView {
  const s = entry.summary;
  const text = s === null ? null : summaryText(s);
  return {
    id: entry.id,
    name: cleanLine(entry.info?.instance_name ?? s?.instance_name ?? entry.id),
    host: optionalLine(entry.info?.host ?? s?.host),
    stale: entry.info?.stale === true,
    role: optionalLine(entry.info?.role ?? s?.role),
    task: optionalLine(entry.info?.assigned_task ?? s?.assigned_task),
    status: statusOf(entry),
    activityState: entry.activity_state,
    confidence: s?.confidence_score ?? null,
    currentActivity: text?.activity ?? null,
    prompt: text?.prompt ?? null,
    lastTool: optionalLine(s?.last_tool_used),
    recentTools: (s?.recent_tools ?? []).map(cleanLine),
    idleSeconds: idleSeconds(entry, nowMs, offsetMs),
    driftReasons: text?.driftReasons ?? [],
    recommendedAction: text?.action ?? null,
    statuses: entry.statuses,
    attention: attentionOf(entry),
    exited: entry.activity_state === "exited",
    updatedAt: s?.timestamp ?? null,
    costUsd: typeof s?.cost_usd === "number" ? s.cost_usd : null,
  };
}

/**
 * What the sessions active today (their latest summary made today, local time) cost so far, and
 * how many there are; null when none has a cost.
 */
export function costToday(
  state: DashboardState,
  nowMs: number,
): { usd: number; sessions: number } | null {
  const today = new Date(nowMs).toDateString();
  let usd = 0;
  let sessions = 0;
  for (const entry of state.agents.values()) {
    const s = entry.summary;
    if (typeof s?.cost_usd !== "number" || new Date(s.timestamp).toDateString() !== today) continue;
    usd += s.cost_usd;
    sessions++;
  }
  return sessions === 0 ? null : { usd, sessions };
}

function matches(card: CardView, filter: Filter): boolean {
  if (filter.status === "attention" && card.attention === null) return false;
  if (filter.status !== "all" && filter.status !== "attention" && card.status !== filter.status) {
    return false;
  }
  const query = filter.query.trim().toLowerCase();
  if (query === "") return true;
  return [card.name, card.id, card.role ?? ""].some((text) => text.toLowerCase().includes(query));
}

/** Orders cards: those needing attention first (permission, input, blocked), then by name. */
export function compareCards(a: CardView, b: CardView): number {
  const rank = (card: CardView) =>
    card.attention === null ? ATTENTION_ORDER.length : ATTENTION_ORDER.indexOf(card.attention);
  return (
    rank(a) - rank(b) ||
    a.name.localeCompare(b.name, undefined, { sensitivity: "base", numeric: true }) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** The cards to show, filtered and ordered. */
export function selectCards(state: DashboardState, filter: Filter, nowMs: number): CardView[] {
  return [...state.agents.values()]
    .map((entry) => cardOf(entry, nowMs, state.serverOffsetMs))
    .filter((card) => matches(card, filter))
    .sort(compareCards);
}

/**
 * How many agents have each status (exited agents as exited), need attention, and in all (the
 * search does not apply).
 */
export function countCards(state: DashboardState): Counts {
  const counts = Object.fromEntries(
    [...CARD_STATUSES, "attention", "all"].map((k) => [k, 0]),
  ) as Counts;
  for (const entry of state.agents.values()) {
    counts.all++;
    counts[statusOf(entry)]++;
    if (attentionOf(entry) !== null) counts.attention++;
  }
  return counts;
}
