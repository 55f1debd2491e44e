import type { ActivityState, Logger, OnTrackStatus } from "@agentwatch/models";
import type { AgentTransition } from "../src/index.js";

/** A logger that keeps what it is told, by level. */
export function recordingLogger(): Logger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at =
    (level: string) =>
    (fieldsOrMessage: unknown, message?: string): void => {
      lines.push({
        level,
        message: typeof fieldsOrMessage === "string" ? fieldsOrMessage : (message ?? ""),
      });
    };
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** An agent state as [activity, on-track status]. */
export type State = readonly [ActivityState | null, OnTrackStatus | null];

export const WORKING: State = ["working", "on_track"];
export const PERMISSION: State = ["waiting_permission", "blocked"];

/** A transition of agent `id` from one state to another. */
export function change(
  id: string,
  from: State,
  to: State,
  extra: Partial<AgentTransition> = {},
): AgentTransition {
  return {
    instance_id: id,
    previous: { activity_state: from[0], on_track_status: from[1] },
    current: { activity_state: to[0], on_track_status: to[1] },
    ...extra,
  };
}
