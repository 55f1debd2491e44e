import type { Logger } from "@agentwatch/models";
import { type AgentRecord, summaryActivityState } from "./agent-record.js";
import type { PositionTrackerLike, SummaryStoreLike } from "./parts.js";

/**
 * Restores what a previous run left about an agent seen for the first time: its saved position
 * (its log existed; when it last moved) and its stored summary (the state already reported, an
 * exit already recorded). A summary that cannot be loaded is logged and ignored.
 */
export async function restoreRecord(
  record: AgentRecord,
  tracker: PositionTrackerLike,
  store: SummaryStoreLike,
  logger: Logger,
): Promise<void> {
  const { instance_id: id, log_type } = record.info;
  const position = tracker.getPosition(id, log_type);
  if (position !== undefined) {
    record.logSeen = true;
    const at = Date.parse(position.last_read_timestamp);
    if (!Number.isNaN(at)) record.lastOutputAt = new Date(at);
  }
  if (store.getLatest !== undefined) {
    try {
      const latest = await store.getLatest(id);
      if (latest !== undefined) {
        const state = summaryActivityState(latest);
        record.lastSummary = latest;
        // Session files read on from a saved position: what they used before counts too.
        const resumed = (record.info.streams ?? []).some(
          (stream) => tracker.getPosition(id, stream.log_type) !== undefined,
        );
        const structuredLog = (record.info.format ?? "terminal") !== "terminal";
        if (latest.tokens !== undefined && (resumed || (structuredLog && position !== undefined))) {
          record.usageBase = { tokens: latest.tokens, cost_usd: latest.cost_usd ?? null };
        }
        record.reported = { activity_state: state, on_track_status: latest.on_track_status };
        if (state === "exited") record.exitedAt = Date.parse(latest.timestamp) || null;
      }
    } catch (error) {
      logger.warn(
        { err: error, instanceId: id },
        `cannot load the latest summary of ${id}; starting without it`,
      );
    }
  }
  record.loaded = true;
}
