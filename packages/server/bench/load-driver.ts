/**
 * The load test's other process: WebSocket clients counting what they receive, and the
 * simulated agents appending to their logs. Driven over stdin/stdout by load.bench.ts, so the
 * server's process holds only the server and the monitor.
 *
 * stdout: {"ready":true} once every client has its snapshot; then answers to stdin commands:
 *   start         start the agents' writers and the /metrics scrapes
 *   stop          stop them; answers {"stopped":true,"bytes":N,"buffered":[…]} (the
 *                 agentwatch_ws_buffered_bytes scraped from /metrics every second meanwhile)
 *   expect N      wait (up to 60 s) until every client has N updates; answers the per-client report
 */
import { appendFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { SCENARIOS, type SimWrite, simulateAgent } from "@agentwatch/agent-sim";
import { WebSocket } from "ws";
import { SequenceHash, messageKey } from "./sequence-hash.js";

interface DriverArgs {
  readonly url: string;
  readonly metricsUrl: string;
  readonly clients: number;
  readonly logs: readonly string[];
  readonly pauseScale: number;
}

const args = JSON.parse(process.argv[2] ?? "{}") as DriverArgs;

interface Client {
  readonly ws: WebSocket;
  readonly hash: SequenceHash;
  snapshot: boolean;
  closeCode: number | null;
}

const latencies: number[] = [];
const send = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

function openClient(): Promise<Client> {
  const ws = new WebSocket(args.url);
  const client: Client = { ws, hash: new SequenceHash(), snapshot: false, closeCode: null };
  return new Promise((resolve, reject) => {
    ws.on("message", (data: Buffer) => {
      const message = JSON.parse(data.toString("utf8")) as Record<string, unknown>;
      if (message.type === "snapshot") {
        client.snapshot = true;
        resolve(client);
        return;
      }
      if (message.type === "pong") return;
      client.hash.add(messageKey(message));
      if (message.type === "summary_update" && latencies.length < 200_000) {
        const made = Date.parse((message.summary as { timestamp: string }).timestamp);
        latencies.push(Date.now() - made);
      }
    });
    ws.on("close", (code) => {
      client.closeCode = code;
    });
    ws.on("error", reject);
  });
}

interface Writer {
  readonly path: string;
  readonly writes: Iterator<SimWrite>;
  nextAt: number;
}

let writers: Writer[] = [];
let timer: NodeJS.Timeout | undefined;
let bytes = 0;
const buffered: number[] = [];
let scraper: NodeJS.Timeout | undefined;

/** Scrapes /metrics every second, as Prometheus would, for the bytes queued for the clients. */
function startScraping(): void {
  scraper = setInterval(() => {
    void fetch(args.metricsUrl)
      .then((response) => response.text())
      .then((text) => {
        const match = /^agentwatch_ws_buffered_bytes (\d+)$/m.exec(text);
        if (match !== null) buffered.push(Number(match[1]));
      })
      .catch(() => {});
  }, 1000);
}

function startWriters(): void {
  const now = Date.now();
  writers = args.logs.map((path, i) => ({
    path,
    writes: simulateAgent({
      seed: 7000 + i,
      scenario: SCENARIOS[i % SCENARIOS.length]!,
      pauseScale: args.pauseScale,
    })[Symbol.iterator](),
    nextAt: now + (i % 10) * 10,
  }));
  let busy = false;
  timer = setInterval(() => {
    if (busy) return; // a slow disk never queues appends
    busy = true;
    const tick = Date.now();
    const appends: Array<Promise<void>> = [];
    for (const writer of writers) {
      const chunks: Uint8Array[] = [];
      while (writer.nextAt <= tick) {
        const next = writer.writes.next();
        if (next.done === true) {
          writer.nextAt = Number.POSITIVE_INFINITY;
          break;
        }
        chunks.push(next.value.bytes);
        writer.nextAt += Math.max(1, next.value.pauseMs);
      }
      if (chunks.length === 0) continue;
      const data = Buffer.concat(chunks);
      bytes += data.length;
      appends.push(appendFile(writer.path, data));
    }
    void Promise.all(appends).finally(() => (busy = false));
  }, 100);
}

const clients: Client[] = [];
for (let i = 0; i < args.clients; i++) clients.push(await openClient());
send({ ready: true });

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const [command, value] = line.trim().split(" ");
  if (command === "start") {
    startWriters();
    startScraping();
  } else if (command === "stop") {
    clearInterval(timer);
    clearInterval(scraper);
    send({ stopped: true, bytes, buffered });
  } else if (command === "expect") {
    const expected = Number(value);
    const deadline = Date.now() + 60_000;
    while (
      Date.now() < deadline &&
      clients.some((c) => c.hash.count < expected && c.closeCode === null)
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    send({
      clients: clients.map((c) => ({
        count: c.hash.count,
        hash: c.hash.value,
        closeCode: c.closeCode,
      })),
      latency: { p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? 0 },
    });
    for (const client of clients) client.ws.terminate();
    process.stdout.write("", () => process.exit(0));
    break;
  }
}
