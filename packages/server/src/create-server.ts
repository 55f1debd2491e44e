import { lookup as dnsLookup } from "node:dns/promises";
import { silentLogger, systemClock } from "@agentwatch/models";
import { AgentwatchServer } from "./agentwatch-server.js";
import { InvalidServerOptionError } from "./errors.js";
import type { ServerOptions } from "./options.js";

function fail(option: string, expected: string, value: unknown): never {
  throw new InvalidServerOptionError(
    `invalid ${option}: expected ${expected}, got ${JSON.stringify(value) ?? String(value)}`,
    option,
  );
}

/**
 * Builds the agentwatch server: HTTP and WebSocket on one port, streaming the monitoring
 * service's events to `/ws/agent_summaries`, serving `/api/summaries…`, `/healthz`, `/metrics`
 * and the dashboard. Nothing listens until `listen()`.
 *
 * @throws {InvalidServerOptionError} when the store, a config field, a limit, an origin or `lookup` is invalid.
 * @example
 * const service = await createMonitoringService(config, { generator, logger });
 * const store = new SummaryStore(config.summary_dir, { logger });
 * const server = createServer({ service, store, config, logger });
 * const { url } = await server.listen(); // throws TokenRequiredError beyond loopback without a token
 * service.start();
 * // on shutdown
 * await server.close();
 * await service.stop();
 */
export function createServer(options: ServerOptions): AgentwatchServer {
  if (typeof options !== "object" || options === null) {
    fail("options", "an object with store and config", options);
  }
  const { store, config, service } = options;
  for (const method of ["getLatest", "getAllLatest", "getHistory"] as const) {
    if (typeof store?.[method] !== "function") {
      fail("store", `a SummaryStore (missing ${method})`, typeof store);
    }
  }
  if (
    service !== undefined &&
    (typeof service.on !== "function" || typeof service.getAgents !== "function")
  ) {
    fail("service", "a MonitoringService (with on and getAgents)", typeof service);
  }
  if (typeof config !== "object" || config === null) fail("config", "a MonitoringConfig", config);
  if (typeof config.server_host !== "string" || config.server_host.trim() === "") {
    fail("config.server_host", "a host such as 127.0.0.1", config.server_host);
  }
  const port = config.server_port;
  if (!Number.isSafeInteger(port) || port < 0 || port > 65535) {
    fail("config.server_port", "a port from 0 to 65535", port);
  }
  if (typeof config.token !== "string")
    fail("config.token", "a string (empty: none)", config.token);
  if (!Number.isSafeInteger(config.max_clients) || config.max_clients < 1) {
    fail("config.max_clients", "a positive integer", config.max_clients);
  }
  const interval = config.poll_interval_seconds;
  if (interval !== undefined && !(typeof interval === "number" && interval > 0)) {
    fail("config.poll_interval_seconds", "a positive number", interval);
  }
  if (options.lookup !== undefined && typeof options.lookup !== "function") {
    fail("lookup", "a function like dns.promises.lookup", typeof options.lookup);
  }
  return new AgentwatchServer({
    ...options,
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? systemClock,
    lookup: options.lookup ?? dnsLookup,
  });
}
