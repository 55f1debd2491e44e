import { type IncomingHttpHeaders, request as httpRequest } from "node:http";
import { type Socket, connect as netConnect } from "node:net";
import { WebSocket, type ClientOptions } from "ws";
import type { ServerMessage } from "../../src/index.js";

/** An HTTP answer. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A raw HTTP request (node:http, so Host and odd paths go out exactly as given). */
export function http(
  base: string,
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    /** The local address to connect from, such as `127.0.0.2` (another client address on Linux). */
    localAddress?: string;
  } = {},
): Promise<HttpAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: options.method ?? "GET",
        headers: options.headers,
        localAddress: options.localAddress,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** The JSON body of an answer. */
export function json<T = Record<string, unknown>>(answer: HttpAnswer): T {
  return JSON.parse(answer.body) as T;
}

/** A WebSocket test client that records every message. */
export interface TestClient {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves once `predicate` holds for the messages received (checked on every message). */
  until(predicate: (messages: ServerMessage[]) => boolean, what?: string): Promise<void>;
}

/** Opens a WebSocket to `url` and resolves once it is open. */
export async function connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, options);
  const messages: ServerMessage[] = [];
  const waiters = new Set<() => void>();
  ws.on("message", (data: Buffer) => {
    messages.push(JSON.parse(data.toString("utf8")) as ServerMessage);
    for (const check of [...waiters]) check();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on("close", (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const check of [...waiters]) check();
    });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) =>
      reject(new Error(`unexpected response ${res.statusCode}`)),
    );
  });
  ws.on("error", () => {});
  return {
    ws,
    messages,
    closed,
    until(predicate, what = "the expected messages") {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (predicate(messages)) {
            waiters.delete(check);
            resolve();
          } else if (ws.readyState === WebSocket.CLOSED) {
            waiters.delete(check);
            reject(new Error(`connection closed before ${what}: got ${messages.length} messages`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Tries a WebSocket upgrade expected to be refused; resolves to the HTTP status and body. */
export function refusedUpgrade(
  url: string,
  options: ClientOptions = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.on("open", () => {
      ws.terminate();
      reject(new Error(`the upgrade to ${url} was accepted`));
    });
    ws.on("unexpected-response", (_req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
        ws.terminate();
      });
    });
    ws.on("error", () => {});
  });
}

/** The messages of one type. */
export function ofType<T extends ServerMessage["type"]>(
  messages: readonly ServerMessage[],
  type: T,
): Array<Extract<ServerMessage, { type: T }>> {
  return messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
}

/** A raw TCP client: what it received, and promises of the server's FIN and of the full close. */
export interface RawClient {
  readonly socket: Socket;
  /** Everything received so far, as latin1 text. */
  received(): string;
  /** Resolves when the server has ended its side (FIN). */
  readonly ended: Promise<void>;
  /** Resolves when the socket is fully closed. */
  readonly closed: Promise<void>;
}

/**
 * Opens a raw TCP connection to the host and port of `base` and resolves once connected.
 * `allowHalfOpen` keeps the client's side open after the server's FIN, as a client that never
 * closes would.
 */
export async function rawConnect(
  base: string,
  options: { allowHalfOpen?: boolean; localAddress?: string } = {},
): Promise<RawClient> {
  const url = new URL(base);
  const socket = netConnect({
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: Number(url.port),
    allowHalfOpen: options.allowHalfOpen ?? false,
    localAddress: options.localAddress,
  });
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.on("error", () => {}); // a reset is one way for the server to close; 'close' follows
  const ended = new Promise<void>((resolve) => socket.once("end", resolve));
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return { socket, received: () => Buffer.concat(chunks).toString("latin1"), ended, closed };
}

/** The value of one sample of a Prometheus text exposition (`name` or `name{labels}`), or undefined. */
export function metricValue(text: string, sample: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}
