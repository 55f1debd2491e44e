import type { IncomingMessage, ServerResponse } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/** Headers on every response: no sniffing, no referrer (tokens may be in URLs), no framing. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
});

/** The stable codes of the `{ error: { code, message } }` bodies. */
export type HttpErrorCode =
  | "NOT_FOUND"
  | "UNKNOWN_AGENT"
  | "INVALID_INSTANCE_ID"
  | "INVALID_QUERY"
  | "UNAUTHORIZED"
  | "HOST_NOT_ALLOWED"
  | "ORIGIN_NOT_ALLOWED"
  | "METHOD_NOT_ALLOWED"
  | "BODY_TOO_LARGE"
  | "URL_TOO_LONG"
  | "STREAMING_DISABLED"
  | "STORE_READ_FAILED"
  | "INVALID_OTLP"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "INTERNAL";

/** An HTTP error answer: status, code and message. */
export interface HttpFailure {
  readonly status: number;
  readonly code: HttpErrorCode;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** Sends `body` as JSON (no body for HEAD). */
export function sendJson(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
    ...headers,
  });
  response.end(request.method === "HEAD" ? undefined : text);
}

/** Sends `text` with a content type (no body for HEAD). */
export function sendText(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  contentType: string,
  text: string | Buffer,
  headers: Readonly<Record<string, string>> = {},
): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(request.method === "HEAD" ? undefined : text);
}

/** The JSON body of an error. */
export function errorBody(failure: HttpFailure): { error: { code: string; message: string } } {
  return { error: { code: failure.code, message: failure.message } };
}

/** Sends a `{ error: { code, message } }` answer. */
export function sendFailure(
  request: IncomingMessage,
  response: ServerResponse,
  failure: HttpFailure,
): void {
  sendJson(request, response, failure.status, errorBody(failure), failure.headers);
}

/** Answers a refused WebSocket upgrade on its raw socket, then closes it. */
export function refuseUpgrade(socket: Duplex, failure: HttpFailure): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(failure));
  const headers = {
    ...SECURITY_HEADERS,
    ...failure.headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(body)),
    Connection: "close",
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  const reason = STATUS_CODES[failure.status] ?? "Error";
  socket.end(`HTTP/1.1 ${failure.status} ${reason}\r\n${lines.join("\r\n")}\r\n\r\n${body}`);
}

/** A 401 for a missing or wrong token. */
export function unauthorized(where: string): HttpFailure {
  return {
    status: 401,
    code: "UNAUTHORIZED",
    message: `${where} requires the server's token: send "Authorization: Bearer <token>" or add ?token=<token>`,
    headers: { "WWW-Authenticate": 'Bearer realm="agentwatch"' },
  };
}
