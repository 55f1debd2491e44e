import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type ConnectionState, LiveConnection, type SocketLike } from "./connection.js";
import type { ServerMessage } from "./protocol.js";

class FakeSocket implements SocketLike {
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  readonly sent: string[] = [];
  closedWith: number | undefined;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(code?: number): void {
    this.closedWith = code;
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006, reason = ""): void {
    this.onclose?.({ code, reason });
  }
}

describe("LiveConnection", () => {
  let sockets: FakeSocket[];
  let states: ConnectionState[];
  let messages: ServerMessage[];
  let connection: LiveConnection;

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    states = [];
    messages = [];
    connection = new LiveConnection({
      url: "ws://h/ws/agent_summaries?token=t",
      create: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      onMessage: (message) => messages.push(message),
      onState: (state) => states.push(state),
      now: () => Date.now(),
      random: () => 1,
      pingIntervalMs: 1000,
      silenceMs: 2500,
    });
  });
  afterEach(() => {
    connection.stop();
    vi.useRealTimers();
  });

  it("is connecting, then live on the snapshot, and passes messages on", () => {
    connection.start();
    expect(states.at(-1)).toEqual({ phase: "connecting" });
    expect(sockets[0]?.url).toBe("ws://h/ws/agent_summaries?token=t");
    sockets[0]!.receive({
      v: 1,
      type: "snapshot",
      at: "2026-01-15T10:00:00Z",
      summaries: [],
      agents: [],
    });
    expect(states.at(-1)).toEqual({ phase: "live" });
    sockets[0]!.receive({ v: 2, type: "snapshot" }); // another version: ignored
    sockets[0]!.receive({ v: 1, type: "pong", at: "2026-01-15T10:00:00Z" });
    expect(messages.map((m) => m.type)).toEqual(["snapshot", "pong"]);
  });

  it("reconnects with doubling delays, and starts over after a snapshot", () => {
    connection.start();
    sockets[0]!.drop(1013, "server full: 2 clients");
    expect(states.at(-1)).toMatchObject({
      phase: "reconnecting",
      attempt: 1,
      reason: "server full: 2 clients",
    });
    vi.advanceTimersByTime(499);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop();
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    sockets[2]!.receive({
      v: 1,
      type: "snapshot",
      at: "2026-01-15T10:00:00Z",
      summaries: [],
      agents: [],
    });
    sockets[2]!.drop();
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(4);
  });

  it("pings, and reopens a connection that stays silent", () => {
    connection.start();
    vi.advanceTimersByTime(1000);
    expect(sockets[0]!.sent).toEqual(['{"v":1,"type":"ping"}']);
    vi.advanceTimersByTime(2000); // silent for 3 s > 2.5 s
    expect(sockets[0]!.closedWith).toBe(4000);
    expect(states.at(-1)).toMatchObject({
      phase: "reconnecting",
      reason: "no answer from the server",
    });
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
  });

  it("stops reconnecting after stop()", () => {
    connection.start();
    connection.stop();
    expect(sockets[0]!.closedWith).toBe(1000);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });
});
