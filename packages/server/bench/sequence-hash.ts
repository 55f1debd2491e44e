/**
 * A running FNV-1a hash of a message sequence, keyed by what identifies each message, so the
 * load test can check that every client saw exactly the server's sequence, in order.
 */
export class SequenceHash {
  value = 0x811c9dc5;
  count = 0;

  /** Adds one message, identified by `key`. */
  add(key: string): void {
    let h = this.value;
    for (let i = 0; i < key.length; i++) {
      h ^= key.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= 0x0a;
    this.value = Math.imul(h, 0x01000193) >>> 0;
    this.count++;
  }
}

/** The identifying key of a streamed message (or of the monitor event behind it). */
export function messageKey(message: Record<string, unknown>): string {
  const type = String(message.type);
  switch (type) {
    case "summary_update": {
      const summary = message.summary as { instance_id: string; timestamp: string };
      return `${type}|${summary.instance_id}|${summary.timestamp}`;
    }
    case "state_change": {
      const current = message.current as { activity_state: unknown; on_track_status: unknown };
      return `${type}|${String(message.instance_id)}|${String(message.at)}|${String(current.activity_state)}|${String(current.on_track_status)}`;
    }
    case "agent_added":
    case "agent_removed":
      return `${type}|${String(message.instance_id)}|${String(message.at)}`;
    case "cycle":
      return `${type}|${String(message.started_at)}`;
    default:
      return type;
  }
}
