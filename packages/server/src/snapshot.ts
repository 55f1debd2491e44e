import type { AgentSummary, Logger } from "@agentwatch/models";
import type { CycleStats, MonitoredSummary } from "@agentwatch/monitor";
import { PROTOCOL_VERSION, type SnapshotMessage, wireAgent } from "./messages.js";
import type { SummaryReader, SummarySource } from "./options.js";

function newer(a: MonitoredSummary, b: MonitoredSummary): MonitoredSummary {
  const ta = Date.parse(a.timestamp);
  const tb = Date.parse(b.timestamp);
  return tb >= ta ? b : a;
}

/**
 * The latest summary of every agent: the stored ones, replaced by the monitor's in-memory ones
 * where those are as new or newer (they carry `activity_state` and exist before a restart's
 * first cycle has loaded the store). Ordered by instance id.
 */
export async function latestSummaries(
  store: SummaryReader,
  service: SummarySource | undefined,
  logger: Logger,
): Promise<MonitoredSummary[]> {
  let stored: AgentSummary[] = [];
  try {
    stored = await store.getAllLatest();
  } catch (error) {
    logger.warn({ err: error }, "cannot read the stored summaries; using the monitor's only");
  }
  const byId = new Map<string, MonitoredSummary>();
  for (const summary of stored) byId.set(summary.instance_id, summary);
  for (const status of service?.getAgents() ?? []) {
    const summary = status.latest_summary;
    if (summary === null) continue;
    const known = byId.get(summary.instance_id);
    byId.set(summary.instance_id, known === undefined ? summary : newer(known, summary));
  }
  return [...byId.values()].sort((a, b) =>
    a.instance_id < b.instance_id ? -1 : a.instance_id > b.instance_id ? 1 : 0,
  );
}

/** The `snapshot` message a new client gets first. */
export async function buildSnapshot(
  store: SummaryReader,
  service: SummarySource | undefined,
  logger: Logger,
  now: () => string,
  lastCycle: () => CycleStats | null,
): Promise<SnapshotMessage> {
  const summaries = await latestSummaries(store, service, logger);
  return {
    v: PROTOCOL_VERSION,
    type: "snapshot",
    at: now(),
    summaries,
    agents: (service?.getAgents() ?? []).map(wireAgent),
    last_cycle: lastCycle(),
  };
}
