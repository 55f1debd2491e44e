import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";

/** Why a connection was closed for what its client sent (or did not send). */
export type ClientErrorReason = "malformed" | "timeout" | "too_large";

/** Why a connection was refused as soon as it was accepted. */
export type RefusedReason = "per_address";

/** The status and reason of a client error, or undefined for a socket error (a reset). */
function classify(
  code: string | undefined,
): { status: number; reason: ClientErrorReason } | undefined {
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return { status: 408, reason: "timeout" };
  if (code === "HPE_HEADER_OVERFLOW") return { status: 431, reason: "too_large" };
  if (code === "HPE_CHUNK_EXTENSIONS_OVERFLOW") return { status: 413, reason: "too_large" };
  if (code?.startsWith("HPE_") === true) return { status: 400, reason: "malformed" };
  return undefined;
}

/** Whether a response has started on `socket` (Node's `ServerResponse` in flight on it). */
function responseStarted(socket: Duplex): boolean {
  // `_httpMessage` is how node:http itself checks this before answering a client error.
  const message = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  return message?.headersSent === true;
}

/** The key connections are counted under: the address, IPv4-mapped IPv6 as plain IPv4. */
function addressKey(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith("::ffff:") && lower.includes(".") ? lower.slice("::ffff:".length) : lower;
}

/**
 * Keeps connections from exhausting the server's file descriptors: at most
 * `maxPerAddress` open connections per remote address (HTTP and WebSocket alike), and a client
 * error (malformed request, header or request timeout) ends with the socket destroyed, not
 * half-closed. Counts what it does for `/metrics`.
 */
export class ConnectionGuard {
  readonly #maxPerAddress: number;
  readonly #byAddress = new Map<string, number>();
  #open = 0;
  /** Connections closed as soon as accepted, by reason. */
  readonly refused: Record<RefusedReason, number> = { per_address: 0 };
  /** Connections closed for a client error, by reason. */
  readonly clientErrors: Record<ClientErrorReason, number> = {
    malformed: 0,
    timeout: 0,
    too_large: 0,
  };

  constructor(maxPerAddress: number) {
    this.#maxPerAddress = maxPerAddress;
  }

  /** Connections open now. */
  get open(): number {
    return this.#open;
  }

  /** Counts a newly accepted connection, or destroys it (and counts that) when its address is full. */
  admit(socket: Socket): void {
    const address = socket.remoteAddress;
    if (address === undefined) {
      socket.destroy(); // already gone
      return;
    }
    const key = addressKey(address);
    const count = this.#byAddress.get(key) ?? 0;
    if (count >= this.#maxPerAddress) {
      this.refused.per_address++;
      socket.destroy();
      return;
    }
    this.#byAddress.set(key, count + 1);
    this.#open++;
    socket.once("close", () => {
      this.#open--;
      const left = (this.#byAddress.get(key) ?? 1) - 1;
      if (left > 0) this.#byAddress.set(key, left);
      else this.#byAddress.delete(key);
    });
  }

  /**
   * Answers a client error (`clientError` of `node:http`): a 400, 408, 413 or 431 when no
   * response has started and the socket is writable, then the socket is destroyed, so a client
   * that never closes its side cannot keep the server's descriptor.
   */
  clientError(error: NodeJS.ErrnoException, socket: Duplex): void {
    const kind = classify(error.code);
    if (kind !== undefined) {
      this.clientErrors[kind.reason]++;
      if (socket.writable && !responseStarted(socket)) {
        const reason = STATUS_CODES[kind.status] ?? "Error";
        socket.write(`HTTP/1.1 ${kind.status} ${reason}\r\nConnection: close\r\n\r\n`);
      }
    }
    socket.destroy();
  }
}
