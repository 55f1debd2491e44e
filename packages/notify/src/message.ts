import type { ActivityState, OnTrackStatus } from "@agentwatch/models";
import {
  type AgentTransition,
  DEFAULT_ACTION,
  type NotifyReason,
  REASON_TEXT,
  summaryMatches,
} from "./transition.js";

/** One agent a notification is about. */
export interface NotifiedAgent {
  readonly instance_id: string;
  readonly instance_name: string;
  /** Its tmux pane or log file, when the caller said. */
  readonly where: string | null;
  readonly reason: NotifyReason;
  readonly activity_state: ActivityState | null;
  readonly on_track_status: OnTrackStatus | null;
  /** The prompt, or the drift or block reasons, when known. */
  readonly detail: string | null;
  /** What a person should do. */
  readonly recommended_action: string;
  /** When it changed, ISO 8601. */
  readonly at: string;
}

/**
 * What every target is given: one agent (`type: "agent"`), or the agents the fleet-wide rate limit
 * folded into one message (`type: "digest"`). Every string is one line of plain text, with no
 * control character (`text` has line breaks between its lines).
 */
export interface Notification {
  readonly type: "agent" | "digest";
  /** When it was made, ISO 8601. */
  readonly at: string;
  /** A short title: `agentwatch: db-migrator is waiting for permission`. */
  readonly title: string;
  /** The whole message as plain text, title first. */
  readonly text: string;
  /** Whether it asks for a person now (a prompt waits, or a digest of agents that need one). */
  readonly urgent: boolean;
  readonly agents: readonly NotifiedAgent[];
}

/** Longest prompt or reason quoted. */
const DETAIL_MAX = 300;
/** Agents named one by one in a digest; the rest are counted. */
const DIGEST_NAMED = 20;

// C0 and C1 controls, DEL, and the bidirectional overrides and isolates.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g;

/** `text` as one line of plain text: controls and bidi overrides become spaces, cut to `max`. */
export function plainLine(text: string, max = DETAIL_MAX): string {
  const line = text.replace(UNSAFE, " ").replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}

/** Escapes `&`, `<` and `>`, as Slack's `text` and notification bodies with markup need. */
export function escapeMarkup(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The agent a transition is about, with the reason, detail and action filled in. */
export function notifiedAgent(
  transition: AgentTransition,
  reason: NotifyReason,
  at: string,
): NotifiedAgent {
  const { summary, current } = transition;
  const matches = summaryMatches(reason, current, summary);
  let detail: string | null = null;
  if (transition.prompt !== undefined && transition.prompt !== null && transition.prompt !== "") {
    detail = transition.prompt;
  } else if (matches) {
    detail =
      reason === "blocked" || reason === "off_track"
        ? summary.drift_reasons.join("; ") || summary.current_activity
        : summary.current_activity;
  }
  const action = matches ? summary.recommended_action : null;
  const name = transition.instance_name ?? summary?.instance_name ?? transition.instance_id;
  return {
    instance_id: plainLine(transition.instance_id, 200),
    instance_name: plainLine(name === "" ? transition.instance_id : name, 200),
    where: transition.where ? plainLine(transition.where, 500) : null,
    reason,
    activity_state: current.activity_state,
    on_track_status: current.on_track_status,
    detail: detail === null || plainLine(detail) === "" ? null : plainLine(detail),
    recommended_action: plainLine(action ?? DEFAULT_ACTION[reason]),
    at,
  };
}

function who(agent: NotifiedAgent): string {
  return agent.instance_name === agent.instance_id
    ? agent.instance_name
    : `${agent.instance_name} (${agent.instance_id})`;
}

/** A notification about one agent. */
export function agentNotification(agent: NotifiedAgent, at: string): Notification {
  const title = `agentwatch: ${agent.instance_name} ${REASON_TEXT[agent.reason]}`;
  const lines = [
    title,
    `agent: ${who(agent)}`,
    ...(agent.where === null ? [] : [`where: ${agent.where}`]),
    `reason: ${agent.reason}${agent.detail === null ? "" : `: ${agent.detail}`}`,
    `action: ${agent.recommended_action}`,
  ];
  return {
    type: "agent",
    at,
    title,
    text: lines.join("\n"),
    urgent: agent.reason === "waiting_permission" || agent.reason === "waiting_input",
    agents: [agent],
  };
}

/**
 * One notification for the agents the rate limit held back, after the messages that filled it:
 * `and 37 more agents need you: a (waiting_permission), b (blocked), …`, then one line per agent
 * (the first twenty).
 */
export function digestNotification(agents: readonly NotifiedAgent[], at: string): Notification {
  const headline = `and ${agents.length} more ${agents.length === 1 ? "agent needs" : "agents need"} you`;
  const named = agents.slice(0, DIGEST_NAMED);
  const rest = agents.length - named.length;
  const list = named.map((agent) => `${agent.instance_name} (${agent.reason})`).join(", ");
  const title = `agentwatch: ${headline}`;
  const lines = [
    `${title}: ${list}${rest > 0 ? `, and ${rest} others` : ""}`,
    ...named.map(
      (agent) =>
        `- ${who(agent)} ${REASON_TEXT[agent.reason]}` +
        (agent.where === null ? "" : ` (${agent.where})`) +
        `: ${agent.recommended_action}`,
    ),
  ];
  return { type: "digest", at, title, text: lines.join("\n"), urgent: true, agents };
}
