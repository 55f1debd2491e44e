import { type IncomingMessage, type Server, createServer } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Clock, Logger } from "@agentwatch/models";
import { WebSocketServer } from "ws";
import { hostHeaderName, isLoopbackAddress } from "./auth.js";
import { ClientHub } from "./client-hub.js";
import { ConnectionGuard } from "./connection-guard.js";
import { DashboardFiles } from "./dashboard-files.js";
import { ServerStateError, TokenRequiredError, listenFailure } from "./errors.js";
import { bridgeEvents } from "./event-bridge.js";
import { refuseUpgrade, sendFailure } from "./http-util.js";
import { resolveListenAddress, tokenRequired } from "./listen-address.js";
import { type ServerMessage, encodeMessage } from "./messages.js";
import {
  type HostLookup,
  type ServerLimits,
  type ServerOptions,
  resolveLimits,
  resolveOrigins,
} from "./options.js";
import {
  OtlpCounters,
  type OtlpContext,
  type ResolvedOtlpReceiver,
  resolveOtlpReceiver,
} from "./otlp-receiver.js";
import { loggedUrl } from "./redact.js";
import { RemoteAgents } from "./remote-agents.js";
import type { GuardSettings } from "./request-guard.js";
import { type RouteContext, routeRequest } from "./request-router.js";
import { ServerStats } from "./server-stats.js";
import { buildSnapshot } from "./snapshot.js";
import { checkUpgrade } from "./upgrade-guard.js";
import { WsCounters } from "./ws-counters.js";

/** Where a listening server can be reached. */
export interface ServerAddress {
  /** `http://host:port`, IPv6 hosts in brackets. */
  readonly url: string;
  /** The configured host. */
  readonly host: string;
  /** The bound port (the one picked by the system when configured as 0). */
  readonly port: number;
}

type ResolvedOptions = ServerOptions & {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly lookup: HostLookup;
};

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * The agentwatch server built by `createServer`: `listen()`, `close()`, `address`.
 */
export class AgentwatchServer {
  readonly #options: ResolvedOptions;
  readonly #limits: ServerLimits;
  readonly #origins: ReadonlySet<string>;
  readonly #guard: GuardSettings;
  readonly #stats = new ServerStats();
  readonly #ws = new WsCounters();
  readonly #connections: ConnectionGuard;
  readonly #hub: ClientHub;
  readonly #files: DashboardFiles;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  #state: "new" | "starting" | "listening" | "closing" | "closed" = "new";
  #starting: Promise<ServerAddress> | undefined;
  #address: ServerAddress | null = null;
  #unsubscribe: Array<() => void> = [];
  #heartbeat: NodeJS.Timeout | undefined;
  #closed: Promise<void> | undefined;
  readonly #otlp: OtlpContext | undefined;
  #sweep: NodeJS.Timeout | undefined;

  /** Use `createServer()`, which checks the options. */
  constructor(options: ResolvedOptions) {
    this.#options = options;
    const { config } = options;
    this.#limits = resolveLimits(options.limits, config.poll_interval_seconds ?? 12);
    this.#origins = resolveOrigins(options.allowedOrigins);
    const configuredHost = hostHeaderName(urlHost(config.server_host));
    this.#guard = {
      token: config.token,
      maxUrlBytes: this.#limits.maxUrlBytes,
      hostNames: new Set(configuredHost === undefined ? [] : [configuredHost]),
    };
    this.#connections = new ConnectionGuard(this.#limits.maxConnectionsPerAddress);
    this.#hub = new ClientHub({
      maxClients: config.max_clients,
      maxBufferedBytes: this.#limits.maxBufferedBytes,
      closeTimeoutMs: this.#limits.closeTimeoutMs,
      counters: this.#ws,
      logger: options.logger,
      now: () => this.#now(),
    });
    this.#files = new DashboardFiles(options.dashboardDir);
    // closeTimeout is supported by ws 8.23 but missing from @types/ws 8.18.
    const wsOptions = {
      noServer: true,
      clientTracking: false,
      maxPayload: this.#limits.maxPayloadBytes,
      perMessageDeflate: false,
      closeTimeout: this.#limits.closeTimeoutMs,
    };
    this.#wss = new WebSocketServer(wsOptions);
    if (options.otlpReceiver !== undefined) {
      const receiver: ResolvedOtlpReceiver = resolveOtlpReceiver(options.otlpReceiver);
      this.#otlp = {
        options: receiver,
        remote: new RemoteAgents({
          staleAfterMs: receiver.staleAfterMs,
          removeAfterMs: receiver.removeAfterMs,
          maxAgents: receiver.maxAgents,
          historyLength: 50,
        }),
        counters: new OtlpCounters(),
        guard: this.#guard,
        clock: options.clock,
        logger: options.logger,
        broadcast: (message) => this.#broadcast(message),
      };
    }
    const context: RouteContext = {
      service: options.service,
      store: options.store,
      logger: options.logger,
      clock: options.clock,
      guard: this.#guard,
      maxBodyBytes: this.#limits.maxBodyBytes,
      staleAfterMs: this.#limits.staleAfterMs,
      stats: this.#stats,
      ws: this.#ws,
      hub: this.#hub,
      files: this.#files,
      generatorStats: options.generatorStats,
      positions: options.positions,
      connections: this.#connections,
      otlp: this.#otlp,
      exportStats: options.exportStats,
      notifyStats: options.notifyStats,
    };
    const { headersTimeoutMs, requestTimeoutMs } = this.#limits;
    const httpOptions = {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // How often both timeouts are checked (30 s in node:http, too coarse for short timeouts).
      connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs),
    };
    this.#http = createServer(httpOptions, (request, response) => {
      routeRequest(request, response, context).catch((error: unknown) => {
        options.logger.error(
          { err: error, url: loggedUrl(request.url, config.token) },
          "request failed",
        );
        if (!response.headersSent) {
          sendFailure(request, response, {
            status: 500,
            code: "INTERNAL",
            message: "internal error",
          });
        } else response.destroy();
      });
    });
    this.#http.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.#upgrade(request, socket, head);
    });
    this.#http.keepAliveTimeout = this.#limits.keepAliveTimeoutMs;
    this.#http.on("connection", (socket: Socket) => this.#connections.admit(socket));
    this.#http.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
      this.#connections.clientError(error, socket);
    });
  }

  /** Where the server listens, or null before `listen()` and after `close()`. */
  get address(): ServerAddress | null {
    return this.#address;
  }

  /** WebSocket clients connected now. */
  get clientCount(): number {
    return this.#hub.size;
  }

  /**
   * Resolves `config.server_host` (through the `lookup` option), binds the first address it
   * resolves to on `config.server_port`, and starts streaming the service's events.
   *
   * @throws {TokenRequiredError} when `config.token` is empty and the host resolves to (or was
   *   bound to) an address beyond loopback; nothing is bound then.
   * @throws {ListenError} when the host does not resolve or the port cannot be bound (in use, not permitted).
   * @throws {ServerStateError} when already listening, or after `close()`.
   */
  async listen(): Promise<ServerAddress> {
    if (this.#state !== "new") {
      const now = this.#state === "starting" || this.#state === "listening";
      throw new ServerStateError(
        `cannot listen: the server is ${now ? "already listening" : "closed"}; create a new one with createServer()`,
      );
    }
    this.#state = "starting";
    this.#starting = this.#start();
    try {
      return await this.#starting;
    } finally {
      this.#starting = undefined;
    }
  }

  async #start(): Promise<ServerAddress> {
    const { server_host: host, server_port: port, token } = this.#options.config;
    let address: string;
    try {
      address = await resolveListenAddress(host, port, token, this.#options.lookup);
    } catch (error) {
      this.#state = error instanceof TokenRequiredError ? "new" : "closed";
      throw error;
    }
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        this.#http.once("error", onError);
        this.#http.listen({ host: address, port }, () => {
          this.#http.off("error", onError);
          resolve();
        });
      });
    } catch (error) {
      this.#state = "closed";
      throw listenFailure(error, host, port);
    }
    const bound = this.#http.address();
    if (token === "" && typeof bound === "object" && bound !== null) {
      // Decided on the resolved addresses already; checked again on what was actually bound.
      if (!isLoopbackAddress(bound.address)) {
        await new Promise<void>((resolve) => this.#http.close(() => resolve()));
        this.#state = "closed";
        throw tokenRequired(host, port, [bound.address], "was bound to");
      }
    }
    const boundPort = typeof bound === "object" && bound !== null ? bound.port : port;
    this.#state = "listening";
    this.#address = { url: `http://${urlHost(host)}:${boundPort}`, host, port: boundPort };
    this.#stats.startedAtMs = this.#options.clock();
    if (this.#options.service !== undefined) {
      this.#unsubscribe = bridgeEvents(
        this.#options.service,
        this.#stats,
        this.#options.clock,
        (message) => this.#broadcast(message),
      );
    }
    this.#heartbeat = setInterval(() => this.#hub.heartbeat(), this.#limits.heartbeatIntervalMs);
    this.#heartbeat.unref();
    const otlp = this.#otlp;
    if (otlp !== undefined) {
      const every = Math.max(50, Math.min(1_000, Math.floor(otlp.options.staleAfterMs / 4)));
      this.#sweep = setInterval(() => {
        for (const message of otlp.remote.sweep(this.#options.clock())) this.#broadcast(message);
      }, every);
      this.#sweep.unref();
    }
    this.#options.logger.info({ url: this.#address.url }, `listening on ${this.#address.url}`);
    return this.#address;
  }

  /**
   * Stops: unsubscribes from the service, stops heartbeats, closes every WebSocket with 1001
   * (cut after `closeTimeoutMs`), stops accepting requests and waits for the port to be free.
   * Safe to call twice.
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    const wasListening = this.#state === "listening";
    this.#state = "closing";
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    clearInterval(this.#heartbeat);
    clearInterval(this.#sweep);
    await this.#hub.closeAll();
    if (wasListening) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(
          () => this.#http.closeAllConnections(),
          this.#limits.closeTimeoutMs,
        );
        this.#http.close(() => {
          clearTimeout(timer);
          resolve();
        });
        this.#http.closeIdleConnections();
      });
    }
    this.#wss.close();
    this.#address = null;
    this.#state = "closed";
  }

  #now(): string {
    return new Date(this.#options.clock()).toISOString();
  }

  #broadcast(message: ServerMessage): void {
    if (!this.#options.config.enable_streaming || this.#hub.size === 0) return;
    this.#hub.broadcast(encodeMessage(message));
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    if (this.#state !== "listening") {
      refuseUpgrade(socket, { status: 503, code: "INTERNAL", message: "the server is closing" });
      return;
    }
    const refusal = checkUpgrade(request, {
      guard: this.#guard,
      streaming: this.#options.config.enable_streaming,
      origins: this.#origins,
    });
    if (refusal !== undefined) {
      this.#ws.rejected[refusal.reason]++;
      this.#options.logger.info(
        {
          reason: refusal.reason,
          url: loggedUrl(request.url, this.#options.config.token),
          origin: request.headers.origin,
        },
        `refused a WebSocket upgrade: ${refusal.failure.message}`,
      );
      refuseUpgrade(socket, refusal.failure);
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      const { store, service, logger } = this.#options;
      const now = () => this.#now();
      this.#hub.add(ws, async () =>
        encodeMessage(
          await buildSnapshot(
            store,
            service,
            logger,
            now,
            () => this.#stats.lastCycle,
            this.#otlp?.remote,
          ),
        ),
      );
    });
  }
}
