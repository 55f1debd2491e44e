import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { gunzipSync } from "node:zlib";

/** One request the receiver got. */
export interface CapturedRequest {
  readonly path: string;
  readonly contentType: string;
  readonly headers: IncomingMessage["headers"];
  /** The body, decompressed when it was gzip. */
  readonly body: Buffer;
}

/** How the receiver answers: 200 with an empty body, 503, or never. */
export type ReceiverMode = "ok" | "unavailable" | "hang";

/** A local OTLP/HTTP receiver (node:http) that keeps every request it gets. */
export class CaptureReceiver {
  readonly requests: CapturedRequest[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #hanging = new Set<ServerResponse>();
  #mode: ReceiverMode;

  private constructor(mode: ReceiverMode) {
    this.#mode = mode;
    this.#server = createServer((request, response) => this.#handle(request, response));
    this.#server.on("connection", (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  /** Starts one on a free loopback port. */
  static async start(mode: ReceiverMode = "ok"): Promise<CaptureReceiver> {
    const receiver = new CaptureReceiver(mode);
    await new Promise<void>((resolve) => receiver.#server.listen(0, "127.0.0.1", resolve));
    return receiver;
  }

  /** `http://127.0.0.1:PORT`. */
  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Requests to one path (such as `/v1/logs`). */
  to(path: string): CapturedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks);
      const gzip = request.headers["content-encoding"] === "gzip";
      this.requests.push({
        path: request.url ?? "/",
        contentType: request.headers["content-type"] ?? "",
        headers: request.headers,
        body: gzip ? gunzipSync(raw) : raw,
      });
      if (this.#mode === "hang") {
        this.#hanging.add(response);
        return;
      }
      if (this.#mode === "unavailable") {
        response.writeHead(503, { "Content-Type": "text/plain" }).end("collector unavailable");
        return;
      }
      response.writeHead(200, { "Content-Type": request.headers["content-type"] ?? "" }).end();
    });
  }
}
