import { type IncomingHttpHeaders, request as httpRequest } from "node:http";
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
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
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
