import type { AgentSummary, Logger } from "@agentwatch/models";
import type { CycleStats, MonitoredSummary } from "@agentwatch/monitor";
import { PROTOCOL_VERSION, type SnapshotMessage, wireAgent } from "./messages.js";
import type { SummaryReader, SummarySource } from "./options.js";
import type { RemoteAgents } from "./remote-agents.js";

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
  remote?: RemoteAgents,
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
  // Remote ids are `<host>/<id>`: they never meet a local one.
  for (const summary of remote?.summaries() ?? []) byId.set(summary.instance_id, summary);
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
  remote?: RemoteAgents,
): Promise<SnapshotMessage> {
  const summaries = await latestSummaries(store, service, logger, remote);
  return {
    v: PROTOCOL_VERSION,
    type: "snapshot",
    at: now(),
    summaries,
    agents: [...(service?.getAgents() ?? []).map(wireAgent), ...(remote?.agents() ?? [])],
    last_cycle: lastCycle(),
  };
}
