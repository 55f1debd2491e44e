import { reconnectDelay } from "./backoff.js";
import { PROTOCOL_VERSION, type ServerMessage, parseServerMessage } from "./protocol.js";

/** The connection state shown in the header. */
export type ConnectionState =
  | { readonly phase: "connecting" }
  | { readonly phase: "live" }
  | {
      readonly phase: "reconnecting";
      /** Attempts made since the connection was last live. */
      readonly attempt: number;
      /** Local epoch ms of the next attempt. */
      readonly retryAt: number;
      /** Why the last connection ended. */
      readonly reason: string;
    };

/** An event handler property (checked bivariantly, like the DOM's own `on…` properties). */
type Handler<E> = { bivariant(event: E): void }["bivariant"];

/** The part of the browser's `WebSocket` the connection uses. */
export interface SocketLike {
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Options of `LiveConnection`. */
export interface LiveConnectionOptions {
  readonly url: string;
  /** Opens a socket: `(url) => new WebSocket(url)` in a browser. */
  readonly create: (url: string) => SocketLike;
  readonly onMessage: (message: ServerMessage, receivedAt: number) => void;
  readonly onState: (state: ConnectionState) => void;
  readonly now?: () => number;
  readonly random?: () => number;
  /** How often to send an application ping; 20 s by default. */
  readonly pingIntervalMs?: number;
  /** A connection silent for this long is closed and reopened; 45 s by default. */
  readonly silenceMs?: number;
}

function describeClose(code: number, reason: string): string {
  if (code === 1013) return reason !== "" ? reason : "server full";
  if (code === 4008) return "dropped: too slow";
  if (code === 1001) return "server restarting";
  if (code === 1006) return "connection lost";
  return reason !== "" ? `${reason} (${code})` : `closed (${code})`;
}

/**
 * The live connection to `/ws/agent_summaries`: reconnects with backoff (0.5 s doubling to 30 s,
 * jittered) until `stop()`, pings every 20 s, and reopens a connection silent for 45 s. The
 * attempts start over once a snapshot arrives.
 */
export class LiveConnection {
  readonly #options: LiveConnectionOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  #socket: SocketLike | null = null;
  #attempt = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #ping: ReturnType<typeof setInterval> | undefined;
  #lastHeard = 0;
  #stopped = true;

  constructor(options: LiveConnectionOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  /** Connects (and keeps reconnecting until `stop()`). */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#options.onState({ phase: "connecting" });
    this.#open();
  }

  /** Closes the connection and stops reconnecting. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
    this.#detach()?.close(1000, "dashboard closed");
  }

  #open(): void {
    if (this.#stopped) return;
    const socket = this.#options.create(this.#options.url);
    this.#socket = socket;
    this.#lastHeard = this.#now();
    socket.onmessage = (event) => {
      const receivedAt = this.#now();
      this.#lastHeard = receivedAt;
      if (typeof event.data !== "string") return;
      const message = parseServerMessage(event.data);
      if (message === null) return;
      if (message.type === "snapshot") {
        this.#attempt = 0;
        this.#options.onState({ phase: "live" });
      }
      this.#options.onMessage(message, receivedAt);
    };
    socket.onclose = (event) => this.#lost(describeClose(event.code, event.reason));
    socket.onerror = () => {}; // a close event follows
    const pingMs = this.#options.pingIntervalMs ?? 20_000;
    const silenceMs = this.#options.silenceMs ?? 45_000;
    clearInterval(this.#ping);
    this.#ping = setInterval(() => {
      if (this.#now() - this.#lastHeard > silenceMs) {
        this.#detach()?.close(4000, "silent");
        this.#lost("no answer from the server");
        return;
      }
      try {
        socket.send(JSON.stringify({ v: PROTOCOL_VERSION, type: "ping" }));
      } catch {
        // not open yet; the silence check covers a socket that never opens
      }
    }, pingMs);
  }

  #detach(): SocketLike | null {
    clearInterval(this.#ping);
    const socket = this.#socket;
    this.#socket = null;
    if (socket !== null) {
      socket.onmessage = null;
      socket.onclose = null;
      socket.onerror = null;
      socket.onopen = null;
    }
    return socket;
  }

  #lost(reason: string): void {
    this.#detach();
    if (this.#stopped) return;
    const delay = reconnectDelay(this.#attempt, this.#random());
    this.#attempt++;
    this.#options.onState({
      phase: "reconnecting",
      attempt: this.#attempt,
      retryAt: this.#now() + delay,
      reason,
    });
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.#open(), delay);
  }
}
