import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the fake API received. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  /** The parsed JSON body. */
  readonly body: MessagesBody;
}

/** The parts of a Messages API request body the tests look at. */
export interface MessagesBody {
  model: string;
  max_tokens: number;
  system: string;
  messages: { role: string; content: string }[];
  tools: { name: string; input_schema: { required: string[]; properties: object } }[];
  tool_choice: { type: string; name: string };
}

/** Answers one request. */
export type Responder = (res: ServerResponse, request: RecordedRequest) => void;

const usage = { input_tokens: 1200, output_tokens: 80 };

function message(model: string, content: object[], tokens = usage): object {
  return {
    id: "msg_test",
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: tokens,
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** Scripted answers. */
export const reply = {
  /** A tool_use reply calling `report_agent_status` with `input`. */
  tool:
    (input: unknown, tokens = usage): Responder =>
    (res, request) =>
      json(
        res,
        200,
        message(
          request.body.model,
          [{ type: "tool_use", id: "toolu_1", name: "report_agent_status", input }],
          tokens,
        ),
      ),
  /** A text reply (no tool call). */
  text:
    (text: string): Responder =>
    (res, request) =>
      json(res, 200, message(request.body.model, [{ type: "text", text }])),
  /** An API error with a status, an error type and headers. */
  error:
    (status: number, type: string, headers: Record<string, string> = {}): Responder =>
    (res) =>
      json(res, status, { type: "error", error: { type, message: `fake ${type}` } }, headers),
  /** A body sent as is. */
  raw:
    (body: string, contentType = "application/json"): Responder =>
    (res) => {
      res.writeHead(200, { "content-type": contentType });
      res.end(body);
    },
  /** Never answers (the client's timeout must fire). */
  hang: (): Responder => () => {},
};

/** A local stand-in for the Anthropic API on 127.0.0.1, answering from a script. */
export class FakeAnthropic {
  readonly requests: RecordedRequest[] = [];
  readonly #script: Responder[] = [];
  readonly #server: Server;
  #baseURL = "";

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const request: RecordedRequest = {
          method: req.method ?? "",
          url: req.url ?? "",
          headers: req.headers,
          body: (text ? JSON.parse(text) : {}) as MessagesBody,
        };
        this.requests.push(request);
        const next = this.#script.shift();
        if (next === undefined) json(res, 418, { type: "error", error: { type: "unscripted" } });
        else next(res, request);
      });
    });
  }

  /** Starts a server on an ephemeral port. */
  static async start(): Promise<FakeAnthropic> {
    const fake = new FakeAnthropic();
    await new Promise<void>((resolve) => fake.#server.listen(0, "127.0.0.1", resolve));
    const { port } = fake.#server.address() as AddressInfo;
    fake.#baseURL = `http://127.0.0.1:${port}`;
    return fake;
  }

  /** The URL to pass as `baseURL`. */
  get baseURL(): string {
    return this.#baseURL;
  }

  /** Queues answers for the next requests, in order. */
  script(...responders: Responder[]): void {
    this.#script.push(...responders);
  }

  /** The user message of request `index`. */
  userMessage(index: number): string {
    return this.requests[index]?.body.messages[0]?.content ?? "";
  }

  /** Stops the server, dropping hanging connections. */
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
