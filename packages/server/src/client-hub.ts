import type { Logger } from "@agentwatch/models";
import { WebSocket } from "ws";
import { CloseCode, encodeMessage } from "./messages.js";
import type { DropReason, WsCounters } from "./ws-counters.js";
import { clientReply } from "./client-message.js";

/** What the hub needs to know. */
export interface ClientHubOptions {
  readonly maxClients: number;
  readonly maxBufferedBytes: number;
  readonly closeTimeoutMs: number;
  readonly counters: WsCounters;
  readonly logger: Logger;
  /** Now, ISO 8601 (the `at` of pongs). */
  readonly now: () => string;
}

/** One connected client. */
interface Client {
  readonly ws: WebSocket;
  readonly id: number;
  /** False until its snapshot is sent; messages meanwhile wait in `pending`. */
  ready: boolean;
  pending: Buffer[];
  pendingBytes: number;
  /** Whether it answered the last ping. */
  alive: boolean;
}

/**
 * The connected WebSocket clients: sends each message to all of them, in order, without ever
 * buffering more than `maxBufferedBytes` (plus one message) for any one client.
 *
 * A new client is registered before its snapshot is read, and what is broadcast meanwhile waits
 * in its queue; the snapshot goes first, then the queue, then live messages. So every message
 * broadcast after `add()` reaches the client, after its snapshot, in broadcast order.
 */
export class ClientHub {
  readonly #options: ClientHubOptions;
  readonly #clients = new Set<Client>();
  #nextId = 1;
  #closing = false;

  constructor(options: ClientHubOptions) {
    this.#options = options;
  }

  /** Clients connected now (waiting for their snapshot included). */
  get size(): number {
    return this.#clients.size;
  }

  /** Bytes waiting to be sent to all clients: their socket buffers plus pre-snapshot queues. */
  bufferedBytes(): number {
    let total = 0;
    for (const client of this.#clients) total += client.ws.bufferedAmount + client.pendingBytes;
    return total;
  }

  /**
   * Takes a new connection: closes it with 1013 when `maxClients` are connected, else registers
   * it, sends `snapshot()` once it resolves, then the messages queued meanwhile.
   */
  add(ws: WebSocket, snapshot: () => Promise<Buffer>): void {
    const { counters, logger } = this.#options;
    if (this.#closing) {
      ws.close(CloseCode.GOING_AWAY, "server shutting down");
      return;
    }
    if (this.#clients.size >= this.#options.maxClients) {
      counters.rejected.full++;
      logger.warn(
        { clients: this.#clients.size },
        `refused a WebSocket client: max_clients (${this.#options.maxClients}) are connected`,
      );
      ws.close(CloseCode.TRY_AGAIN_LATER, `server full: ${this.#options.maxClients} clients`);
      return;
    }
    const client: Client = {
      ws,
      id: this.#nextId++,
      ready: false,
      pending: [],
      pendingBytes: 0,
      alive: true,
    };
    this.#clients.add(client);
    ws.on("pong", () => {
      client.alive = true;
    });
    ws.on("message", (data, isBinary) => {
      const reply = clientReply(data, isBinary, this.#options.now);
      if (reply !== undefined) this.#deliver(client, encodeMessage(reply));
    });
    ws.on("error", (error) => {
      logger.debug({ err: error, client: client.id }, "WebSocket client error");
    });
    ws.on("close", () => {
      this.#clients.delete(client);
    });
    snapshot().then(
      (buffer) => {
        if (!this.#clients.has(client)) return;
        this.#send(client, buffer);
        const queued = client.pending;
        client.pending = [];
        client.pendingBytes = 0;
        client.ready = true;
        for (const message of queued) {
          if (!this.#clients.has(client)) return;
          this.#send(client, message);
        }
      },
      (error: unknown) => {
        logger.error({ err: error, client: client.id }, "cannot build a snapshot; closing client");
        this.#clients.delete(client);
        ws.close(CloseCode.INTERNAL_ERROR, "cannot build the snapshot");
      },
    );
  }

  /** Sends one encoded message to every client (queued for those still waiting for their snapshot). */
  broadcast(message: Buffer): void {
    for (const client of [...this.#clients]) this.#deliver(client, message);
  }

  /**
   * A heartbeat: cuts every client that did not answer the previous ping, pings the others.
   */
  heartbeat(): void {
    for (const client of [...this.#clients]) {
      if (!client.alive) {
        this.#drop(client, "heartbeat");
        continue;
      }
      client.alive = false;
      try {
        client.ws.ping();
      } catch {
        this.#drop(client, "heartbeat");
      }
    }
  }

  /** Closes every client with 1001 and waits for them to go (at most `closeTimeoutMs`, then cut). */
  async closeAll(): Promise<void> {
    this.#closing = true;
    const sockets = [...this.#clients].map((client) => client.ws);
    this.#clients.clear();
    await Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) {
              resolve();
              return;
            }
            const timer = setTimeout(() => {
              ws.terminate();
              resolve();
            }, this.#options.closeTimeoutMs);
            ws.once("close", () => {
              clearTimeout(timer);
              resolve();
            });
            ws.close(CloseCode.GOING_AWAY, "server shutting down");
          }),
      ),
    );
  }

  #deliver(client: Client, message: Buffer): void {
    if (client.ready) {
      this.#send(client, message);
      return;
    }
    client.pending.push(message);
    client.pendingBytes += message.length;
    if (client.pendingBytes > this.#options.maxBufferedBytes) this.#drop(client, "slow");
  }

  #send(client: Client, message: Buffer): void {
    const { ws } = client;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > this.#options.maxBufferedBytes) {
      this.#drop(client, "slow");
      return;
    }
    ws.send(message, { binary: false });
    this.#options.counters.messagesSent++;
  }

  #drop(client: Client, reason: DropReason): void {
    if (!this.#clients.delete(client)) return;
    const { counters, logger, maxBufferedBytes } = this.#options;
    counters.dropped[reason]++;
    client.pending = [];
    if (reason === "heartbeat") {
      logger.info({ client: client.id }, "cut a WebSocket client that missed its heartbeat");
      client.ws.terminate();
      return;
    }
    logger.warn(
      { client: client.id, bufferedBytes: client.ws.bufferedAmount },
      `dropped a slow WebSocket client: more than ${maxBufferedBytes} bytes waiting to be sent`,
    );
    client.ws.close(CloseCode.SLOW_CLIENT, "too slow: send buffer limit exceeded");
  }
}
