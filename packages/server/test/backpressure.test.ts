import { afterEach, describe, expect, it } from "vitest";
import type { Socket } from "node:net";
import { connect, ofType } from "./helpers/clients.js";
import { FakeService, at, summary } from "./helpers/fake-service.js";
import { Harness, eventually, sleep } from "./helpers/harness.js";

const harness = new Harness();
afterEach(() => harness.cleanup());

async function metric(url: string, line: string): Promise<boolean> {
  return (await (await fetch(`${url}/metrics`)).text()).split("\n").includes(line);
}

describe("slow and dead clients", () => {
  it("drops a client that stops reading once its buffer passes the limit; the others get everything", async () => {
    const service = new FakeService();
    const { wsUrl, server, url } = await harness.start({
      service,
      limits: { maxBufferedBytes: 1024 * 1024, closeTimeoutMs: 200 },
    });
    const fast = [await connect(wsUrl), await connect(wsUrl)];
    const slow = await connect(wsUrl);
    await Promise.all([...fast, slow].map((c) => c.until((m) => m.length >= 1)));
    // The slow client stops reading: the kernel buffers fill, then the server's.
    const slowSocket = (slow.ws as unknown as { _socket: Socket })._socket;
    slowSocket.pause();
    const big = "x".repeat(64 * 1024);
    let sent = 0;
    const emit = () => {
      sent++;
      service.emit("summary", { summary: summary("a", at(sent), { output_preview: big }) });
    };
    // Paced by the fast clients (at most 2 messages ahead of them), up to 2,000 messages (128 MB).
    while (server.clientCount === 3 && sent < 2000) {
      emit();
      await Promise.all(fast.map((c) => c.until((m) => m.length >= 1 + sent - 2)));
    }
    expect(server.clientCount).toBe(2);
    expect(sent).toBeLessThan(2000);
    for (let i = 0; i < 20; i++) emit();
    for (const client of fast) {
      await client.until((m) => m.length >= 1 + sent);
      expect(ofType(client.messages, "summary_update").map((m) => m.summary.timestamp)).toEqual(
        Array.from({ length: sent }, (_, i) => at(i + 1)),
      );
      expect(client.ws.readyState).toBe(client.ws.OPEN);
    }
    expect(await metric(url, 'agentwatch_ws_dropped_clients_total{reason="slow"} 1')).toBe(true);
    slowSocket.resume();
    await slow.closed; // the server cut it (after closeTimeoutMs at the latest)
    expect(ofType(slow.messages, "summary_update").length).toBeLessThan(sent);
  });

  it("drops a client whose queue passes the limit while its snapshot is still being read", async () => {
    const service = new FakeService();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { wsUrl, server } = await harness.start({
      service,
      limits: { maxBufferedBytes: 100 * 1024 },
      wrapStore: (store) => ({
        getLatest: (id) => store.getLatest(id),
        getHistory: (id, q) => store.getHistory(id, q),
        getAllLatest: async () => {
          await gate;
          return store.getAllLatest();
        },
      }),
    });
    const client = await connect(wsUrl);
    await eventually(() => server.clientCount === 1);
    for (let i = 1; i <= 10; i++) {
      service.emit("summary", {
        summary: summary("a", at(i), { output_preview: "y".repeat(20_000) }),
      });
    }
    expect(server.clientCount).toBe(0);
    release();
    expect((await client.closed).code).toBe(4008);
  });

  it("cuts a client that stops answering pings and keeps one that answers", async () => {
    const { wsUrl, server, url } = await harness.start({ limits: { heartbeatIntervalMs: 200 } });
    const alive = await connect(wsUrl);
    const dead = await connect(wsUrl, { autoPong: false });
    const closed = await dead.closed;
    expect(closed.code).toBe(1006); // terminated: no closing handshake
    await sleep(700); // several more heartbeats
    expect(alive.ws.readyState).toBe(alive.ws.OPEN);
    expect(server.clientCount).toBe(1);
    expect(await metric(url, 'agentwatch_ws_dropped_clients_total{reason="heartbeat"} 1')).toBe(
      true,
    );
  });
});
