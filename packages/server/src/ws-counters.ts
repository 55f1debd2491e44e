/** Why a WebSocket client was cut by the server. */
export type DropReason = "slow" | "heartbeat";

/** Why a WebSocket upgrade or connection was refused. */
export type RejectReason = "unauthorized" | "origin" | "host" | "full" | "not_found" | "too_long";

/** The WebSocket counters `/metrics` reports. */
export class WsCounters {
  /** Messages handed to sockets. */
  messagesSent = 0;
  /** Clients cut, by reason. */
  readonly dropped: Record<DropReason, number> = { slow: 0, heartbeat: 0 };
  /** Connections refused, by reason. */
  readonly rejected: Record<RejectReason, number> = {
    unauthorized: 0,
    origin: 0,
    host: 0,
    full: 0,
    not_found: 0,
    too_long: 0,
  };
}
