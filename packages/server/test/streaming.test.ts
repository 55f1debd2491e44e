import { afterEach, describe, expect, it } from "vitest";
import type { MonitoredSummary } from "@agentwatch/monitor";
import type { SummaryStore } from "@agentwatch/summary-store";
import { type ServerMessage, type SummaryReader } from "../src/index.js";
import { connect, http, json, ofType } from "./helpers/clients.js";
import { FakeService, agentStatus, at, summary } from "./helpers/fake-service.js";
import { Harness, eventually } from "./helpers/harness.js";

const harness = new Harness();
afterEach(() => harness.cleanup());

/** A store whose getAllLatest waits until `release()`: the snapshot is slow on purpose. */
function gated(store: SummaryStore): SummaryReader & { release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    release,
    getLatest: (id) => store.getLatest(id),
    getHistory: (id, query) => store.getHistory(id, query),
    getAllLatest: async () => {
      await gate;
      return store.getAllLatest();
    },
  };
}

function updateTimes(messages: readonly ServerMessage[]): string[] {
  return ofType(messages, "summary_update").map((m) => m.summary.timestamp);
}

describe("WebSocket /ws/agent_summaries", () => {
  it("sends the snapshot first, then every update emitted while it was being read, in order", async () => {
    const service = new FakeService();
    let store!: ReturnType<typeof gated>;
    const {
      wsUrl,
      server,
      store: real,
    } = await harness.start({
      service,
      wrapStore: (s) => (store = gated(s)),
    });
    await real.write(summary("a", at(0)));
    const client = await connect(wsUrl);
    await eventually(() => server.clientCount === 1);
    const emitted: string[] = [];
    for (let i = 1; i <= 50; i++) {
      emitted.push(at(i));
      service.emit("summary", { summary: summary(i % 2 === 0 ? "a" : "b", at(i)) });
    }
    expect(client.messages).toEqual([]); // nothing before the snapshot
    store.release();
    await client.until((m) => m.length >= 51);
    const [first, ...rest] = client.messages;
    expect(first?.type).toBe("snapshot");
    expect(first?.v).toBe(1);
    expect(ofType([first!], "snapshot")[0]?.summaries.map((s) => s.instance_id)).toEqual(["a"]);
    expect(updateTimes(rest)).toEqual(emitted);
    service.emit("summary", { summary: summary("a", at(99)) });
    await client.until((m) => m.length >= 52);
    expect(updateTimes(client.messages).at(-1)).toBe(at(99));
  });

  it("delivers every event type to every client in emission order", async () => {
    const service = new FakeService();
    const { wsUrl, server } = await harness.start({ service });
    const clients = await Promise.all([connect(wsUrl), connect(wsUrl), connect(wsUrl)]);
    await Promise.all(clients.map((c) => c.until((m) => m.length >= 1)));
    await eventually(() => server.clientCount === 3);
    const info = agentStatus("x").agent;
    service.emit("agent_added", { instance_id: "x", agent: info, at: at(0) });
    for (let i = 1; i <= 200; i++) {
      service.emit("state_change", {
        instance_id: "x",
        previous: { activity_state: "working", on_track_status: "on_track" },
        current: { activity_state: "idle", on_track_status: "on_track" },
        trigger: "read",
        at: at(i),
      });
      service.emit("summary", { summary: summary("x", at(i)) });
    }
    service.emit("cycle", {
      started_at: at(300),
      duration_ms: 12,
      agents: 1,
      lines: 3,
      model_calls: 1,
      failures: 0,
      skipped_slots: 0,
      behind: 0,
    });
    service.emit("agent_removed", { instance_id: "x", agent: info, at: at(301) });
    for (const client of clients) {
      await client.until((m) => m.length >= 1 + 1 + 400 + 2);
      const types = client.messages.map((m) => m.type);
      expect(types[0]).toBe("snapshot");
      expect(types[1]).toBe("agent_added");
      expect(types.slice(2, 402)).toEqual(
        Array.from({ length: 200 }, () => ["state_change", "summary_update"]).flat(),
      );
      expect(types.slice(402)).toEqual(["cycle", "agent_removed"]);
      expect(updateTimes(client.messages)).toEqual(
        Array.from({ length: 200 }, (_, i) => at(i + 1)),
      );
      const added = ofType(client.messages, "agent_added")[0];
      expect(added?.agent).not.toHaveProperty("log_file_path");
      expect(added?.agent.instance_name).toBe("x-name");
      expect(ofType(client.messages, "cycle")[0]).toMatchObject({ v: 1, lines: 3, model_calls: 1 });
    }
  });

  it("snapshots the newest summary per agent, from the store or the monitor, and lists the agents", async () => {
    const service = new FakeService();
    const { wsUrl, store } = await harness.start({ service });
    await store.write(summary("a", at(10), { current_activity: "stored, newer" }));
    await store.write(summary("b", at(1), { current_activity: "stored, older" }));
    service.agents = [
      agentStatus("a", summary("a", at(5), { current_activity: "memory, older" })),
      agentStatus("b", summary("b", at(7), { activity_state: "waiting_permission" })),
      agentStatus("c"),
    ];
    const client = await connect(wsUrl);
    await client.until((m) => m.length >= 1);
    const snapshot = ofType(client.messages, "snapshot")[0]!;
    expect(snapshot.summaries.map((s) => [s.instance_id, s.current_activity])).toEqual([
      ["a", "stored, newer"],
      ["b", `working at ${at(7)}`],
    ]);
    expect(snapshot.summaries[1]?.activity_state).toBe("waiting_permission");
    expect(snapshot.agents.map((a) => [a.instance_id, a.activity_state])).toEqual([
      ["a", null],
      ["b", "waiting_permission"],
      ["c", null],
    ]);
    expect(snapshot.agents[0]).not.toHaveProperty("log_file_path");
  });

  it("carries a stored summary's activity_state into the snapshot and the REST list after a restart", async () => {
    // A restarted server: the monitor has not seen the agent (it exited before), only the store
    // has its summary, with activity_state as the extra field the monitor wrote.
    const { url, wsUrl, store } = await harness.start({ service: new FakeService() });
    await store.write(summary("gone", at(3), { activity_state: "exited" }));
    await store.write(summary("asks", at(4), { activity_state: "waiting_input" }));
    const client = await connect(wsUrl);
    await client.until((m) => m.length >= 1);
    const snapshot = ofType(client.messages, "snapshot")[0]!;
    expect(snapshot.agents).toEqual([]);
    expect(snapshot.summaries.map((s) => [s.instance_id, s.activity_state])).toEqual([
      ["asks", "waiting_input"],
      ["gone", "exited"],
    ]);
    const list = json<{ summaries: MonitoredSummary[] }>(await http(url, "/api/summaries"));
    expect(list.summaries.map((s) => [s.instance_id, s.activity_state])).toEqual([
      ["asks", "waiting_input"],
      ["gone", "exited"],
    ]);
  });

  it("answers a client ping with pong and a malformed message with an error, staying open", async () => {
    const { wsUrl } = await harness.start({ service: new FakeService() });
    const client = await connect(wsUrl);
    await client.until((m) => m.length >= 1);
    client.ws.send(JSON.stringify({ v: 1, type: "ping" }));
    await client.until((m) => m.some((x) => x.type === "pong"));
    client.ws.send("not json");
    client.ws.send(JSON.stringify({ v: 1, type: "subscribe" }));
    client.ws.send(JSON.stringify({ v: 2, type: "ping" }));
    client.ws.send(JSON.stringify([1, 2]));
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await client.until((m) => ofType(m, "error").length >= 5);
    expect(ofType(client.messages, "error").map((e) => e.code)).toEqual([
      "INVALID_MESSAGE",
      "UNKNOWN_MESSAGE",
      "UNSUPPORTED_VERSION",
      "INVALID_MESSAGE",
      "INVALID_MESSAGE",
    ]);
    client.ws.send(JSON.stringify({ v: 1, type: "ping" }));
    await client.until((m) => ofType(m, "pong").length >= 2);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it("closes a client that sends a message over maxPayloadBytes with 1009", async () => {
    const { wsUrl, server } = await harness.start({ limits: { maxPayloadBytes: 1024 } });
    const client = await connect(wsUrl);
    const other = await connect(wsUrl);
    client.ws.send("x".repeat(2048));
    expect((await client.closed).code).toBe(1009);
    await eventually(() => server.clientCount === 1);
    other.ws.send(JSON.stringify({ v: 1, type: "ping" }));
    await other.until((m) => m.some((x) => x.type === "pong"));
  });

  it("closes clients past max_clients with 1013 and keeps the others", async () => {
    const { wsUrl, server, url } = await harness.start({ config: { max_clients: 2 } });
    const first = await connect(wsUrl);
    const second = await connect(wsUrl);
    await eventually(() => server.clientCount === 2);
    const third = await connect(wsUrl);
    const closed = await third.closed;
    expect(closed.code).toBe(1013);
    expect(closed.reason).toContain("server full");
    expect(server.clientCount).toBe(2);
    expect(first.ws.readyState).toBe(first.ws.OPEN);
    expect(second.ws.readyState).toBe(second.ws.OPEN);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('agentwatch_ws_rejected_connections_total{reason="full"} 1');
    first.ws.close();
    await eventually(() => server.clientCount === 1);
    const fourth = await connect(wsUrl);
    await fourth.until((m) => m[0]?.type === "snapshot");
  });

  it("close() closes every client with 1001, unsubscribes and frees the port", async () => {
    const service = new FakeService();
    const { wsUrl, server, url } = await harness.start({ service });
    const client = await connect(wsUrl);
    expect(service.listenerCount()).toBeGreaterThan(0);
    await server.close();
    expect((await client.closed).code).toBe(1001);
    expect(service.listenerCount()).toBe(0);
    expect(server.address).toBeNull();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await server.close(); // twice is fine
  });
});
