import {
  type ActivityState,
  type AgentSummary,
  type OnTrackStatus,
  isActivityState,
  isOnTrackStatus,
  parseAgentSummary,
} from "@agentwatch/models";
import { OtelAttributes as A, OtelNames } from "../semantic.js";
import type { OtlpAnyValue, OtlpKeyValue, OtlpLogRecord, OtlpLogsRequest } from "./decode.js";

/** Who sent a record: its resource's `host.name` and `service.instance.id`. */
export interface RecordOrigin {
  /** `host.name`, else `service.instance.id`, else `unknown`. */
  readonly host: string;
  readonly serviceInstanceId: string | null;
}

/** An agent state as a state change carries it. */
export interface ReceivedAgentState {
  readonly activity_state: ActivityState | null;
  readonly on_track_status: OnTrackStatus | null;
}

/** One agentwatch record, rebuilt. */
export type ReceivedItem = RecordOrigin &
  (
    | { readonly kind: "summary"; readonly summary: AgentSummary }
    | {
        readonly kind: "state_change";
        readonly instance_id: string;
        readonly previous: ReceivedAgentState;
        readonly current: ReceivedAgentState;
        readonly trigger: "read" | "summary" | "exit";
        readonly at: string;
      }
    | { readonly kind: "agent_removed"; readonly instance_id: string; readonly at: string }
    | { readonly kind: "cycle"; readonly started_at: string }
  );

/** An agentwatch record that could not be rebuilt, and why. */
export interface RejectedRecord extends RecordOrigin {
  readonly eventName: string;
  readonly reason: string;
}

/** What a logs request held for agentwatch. */
export interface AgentwatchRecords {
  /** The records rebuilt, in request order. */
  readonly items: ReceivedItem[];
  /** agentwatch's records that did not validate. */
  readonly rejected: RejectedRecord[];
  /** Records that are not agentwatch's (other event names, other evaluations), skipped. */
  readonly ignored: number;
}

/** The value of an attribute as a string, number or boolean, or undefined. */
export function attributeValue(
  attributes: readonly OtlpKeyValue[] | undefined,
  key: string,
): string | number | boolean | undefined {
  const value = attributes?.find((kv) => kv.key === key)?.value;
  return value === undefined ? undefined : scalar(value);
}

function scalar(value: OtlpAnyValue): string | number | boolean | undefined {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  return undefined;
}

function text(attributes: readonly OtlpKeyValue[] | undefined, key: string): string | null {
  const value = attributeValue(attributes, key);
  return typeof value === "string" && value !== "" ? value : null;
}

/** The event name of a record: its `event_name` field, else an `event.name` attribute (older SDKs). */
export function eventNameOf(record: OtlpLogRecord): string | null {
  if (record.eventName !== undefined && record.eventName !== "") return record.eventName;
  return text(record.attributes, "event.name");
}

class Invalid extends Error {}

function bodyJson(record: OtlpLogRecord): Record<string, unknown> {
  const body = record.body?.stringValue;
  if (body === undefined) throw new Invalid("the body is not a string of JSON");
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new Invalid(`the body is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Invalid("the body is not a JSON object");
  }
  return parsed as Record<string, unknown>;
}

function field<T>(
  object: Record<string, unknown>,
  key: string,
  check: (value: unknown) => value is T,
  expected: string,
): T {
  const value = object[key];
  if (!check(value))
    throw new Invalid(`${key}: expected ${expected}, got ${JSON.stringify(value)}`);
  return value;
}

const isText = (value: unknown): value is string => typeof value === "string" && value !== "";
const isTime = (value: unknown): value is string =>
  typeof value === "string" && Number.isFinite(Date.parse(value));

function agentState(object: Record<string, unknown>, key: string): ReceivedAgentState {
  const value = object[key];
  if (typeof value !== "object" || value === null) {
    throw new Invalid(`${key}: expected { activity_state, on_track_status }`);
  }
  const { activity_state, on_track_status } = value as Record<string, unknown>;
  if (activity_state !== null && !isActivityState(activity_state)) {
    throw new Invalid(`${key}.activity_state: unknown state ${JSON.stringify(activity_state)}`);
  }
  if (on_track_status !== null && !isOnTrackStatus(on_track_status)) {
    throw new Invalid(`${key}.on_track_status: unknown status ${JSON.stringify(on_track_status)}`);
  }
  return { activity_state, on_track_status };
}

const TRIGGERS = new Set(["read", "summary", "exit"]);

function rebuild(
  eventName: string,
  record: OtlpLogRecord,
  origin: RecordOrigin,
): ReceivedItem | undefined {
  switch (eventName) {
    case OtelNames.EVALUATION_EVENT: {
      if (attributeValue(record.attributes, A.EVALUATION_NAME) !== OtelNames.EVALUATION_NAME) {
        return undefined; // another evaluator's result
      }
      let summary: AgentSummary;
      try {
        summary = parseAgentSummary(bodyJson(record));
      } catch (error) {
        throw new Invalid((error as Error).message);
      }
      const agentId = text(record.attributes, A.AGENT_ID);
      if (agentId !== null && agentId !== summary.instance_id) {
        throw new Invalid(
          `${A.AGENT_ID} ${JSON.stringify(agentId)} differs from the summary's instance_id ${JSON.stringify(summary.instance_id)}`,
        );
      }
      return { ...origin, kind: "summary", summary };
    }
    case OtelNames.STATE_CHANGE_EVENT: {
      const body = bodyJson(record);
      const trigger = field(
        body,
        "trigger",
        (v): v is "read" | "summary" | "exit" => typeof v === "string" && TRIGGERS.has(v),
        "read, summary or exit",
      );
      return {
        ...origin,
        kind: "state_change",
        instance_id: field(body, "instance_id", isText, "an instance id"),
        previous: agentState(body, "previous"),
        current: agentState(body, "current"),
        trigger,
        at: field(body, "at", isTime, "an ISO 8601 time"),
      };
    }
    case OtelNames.AGENT_REMOVED_EVENT: {
      const body = bodyJson(record);
      return {
        ...origin,
        kind: "agent_removed",
        instance_id: field(body, "instance_id", isText, "an instance id"),
        at: field(body, "at", isTime, "an ISO 8601 time"),
      };
    }
    case OtelNames.CYCLE_EVENT: {
      const body = bodyJson(record);
      return {
        ...origin,
        kind: "cycle",
        started_at: field(body, "started_at", isTime, "an ISO 8601 time"),
      };
    }
    default:
      return undefined;
  }
}

/**
 * The agentwatch records of a decoded logs request, rebuilt and validated: summaries (checked
 * with `parseAgentSummary`), state changes, removals and cycle heartbeats, each with the host
 * that sent it. Records of other producers are counted as ignored; agentwatch records that do
 * not validate are returned as rejected with the reason. Never throws on content.
 */
export function readAgentwatchRecords(request: OtlpLogsRequest): AgentwatchRecords {
  const items: ReceivedItem[] = [];
  const rejected: RejectedRecord[] = [];
  let ignored = 0;
  for (const resourceLogs of request.resourceLogs ?? []) {
    const attributes = resourceLogs.resource?.attributes;
    const serviceInstanceId = text(attributes, A.SERVICE_INSTANCE_ID);
    const origin: RecordOrigin = {
      host: text(attributes, A.HOST_NAME) ?? serviceInstanceId ?? "unknown",
      serviceInstanceId,
    };
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
      for (const record of scopeLogs.logRecords ?? []) {
        const eventName = eventNameOf(record);
        if (eventName === null) {
          ignored++;
          continue;
        }
        try {
          const item = rebuild(eventName, record, origin);
          if (item === undefined) ignored++;
          else items.push(item);
        } catch (error) {
          if (!(error instanceof Invalid)) throw error;
          rejected.push({ ...origin, eventName, reason: error.message });
        }
      }
    }
  }
  return { items, rejected, ignored };
}
