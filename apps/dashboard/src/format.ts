import { cleanLine } from "./clean-text.js";
import type { ActivityState } from "./protocol.js";
import type { Attention, CardStatus } from "./view.js";

/** A duration in seconds as `42s`, `5m 03s`, `2h 10m` or `3d 4h`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** A confidence from 0 to 1 as a percentage. */
export function formatConfidence(confidence: number | null): string {
  return confidence === null ? "" : `${Math.round(confidence * 100)}%`;
}

const STATUS_LABELS: Record<CardStatus, string> = {
  on_track: "On track",
  drifting: "Drifting",
  off_track: "Off track",
  blocked: "Blocked",
  unknown: "Unknown",
  exited: "Exited",
};

/** The label of an on-track status, or of `exited`. */
export function statusLabel(status: CardStatus): string {
  return STATUS_LABELS[status];
}

const ACTIVITY_LABELS: Record<ActivityState, string> = {
  working: "working",
  waiting_permission: "waiting for permission",
  waiting_input: "waiting for input",
  idle: "idle",
  rate_limited: "rate limited",
  errored: "errored",
  exited: "exited",
  unknown: "unknown",
};

/** The label of an activity state. */
export function activityLabel(state: ActivityState | null): string {
  return state === null ? "" : ACTIVITY_LABELS[state];
}

const ATTENTION_LABELS: Record<Attention, string> = {
  waiting_permission: "Waiting for permission",
  waiting_input: "Waiting for input",
  blocked: "Blocked",
};

/** The badge of a card that needs attention. */
export function attentionLabel(attention: Attention): string {
  return ATTENTION_LABELS[attention];
}

/**
 * An ISO time as the local `HH:MM:SS` (with the date when it is not today at `nowMs`); a text
 * that is no time as it is, cleaned.
 */
export function formatTime(iso: string, nowMs: number): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return cleanLine(iso);
  const time = date.toLocaleTimeString(undefined, { hour12: false });
  const today = new Date(nowMs).toDateString() === date.toDateString();
  return today ? time : `${date.toLocaleDateString()} ${time}`;
}

/** US dollars as people read them: `$0.42`, `$12.30`, `$1,204`. */
export function formatCost(usd: number): string {
  if (usd >= 1000) return `$${Math.round(usd).toLocaleString("en-US")}`;
  return `$${usd.toFixed(2)}`;
}
