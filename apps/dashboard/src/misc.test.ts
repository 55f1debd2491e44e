import { describe, expect, it } from "vitest";
import { BACKOFF_MAX_MS, reconnectDelay } from "./backoff.js";
import { formatConfidence, formatDuration } from "./format.js";
import { mergeNewestFirst } from "./history-list.js";
import { parseServerMessage } from "./protocol.js";
import { summary } from "../test/helpers/fixtures.js";
import { endpoints } from "./urls.js";

describe("reconnectDelay", () => {
  it("doubles from 0.5 s to at most 30 s, jittered between half and all", () => {
    expect(reconnectDelay(0, 1)).toBe(500);
    expect(reconnectDelay(0, 0)).toBe(250);
    expect(reconnectDelay(3, 1)).toBe(4000);
    expect(reconnectDelay(20, 1)).toBe(BACKOFF_MAX_MS);
    expect(reconnectDelay(20, 0)).toBe(BACKOFF_MAX_MS / 2);
  });
});

describe("endpoints", () => {
  it("passes the page's token on the WebSocket URL and as a bearer header", () => {
    const e = endpoints("http://127.0.0.1:8001/?token=a%20b#x");
    expect(e.token).toBe("a b");
    expect(e.ws).toBe("ws://127.0.0.1:8001/ws/agent_summaries?token=a+b");
    expect(e.headers).toEqual({ Authorization: "Bearer a b" });
    expect(e.api("api/summaries/x/history", { limit: "5" })).toBe(
      "http://127.0.0.1:8001/api/summaries/x/history?limit=5",
    );
  });

  it("uses wss on https, keeps a path prefix, and sends no token when the page has none", () => {
    const e = endpoints("https://ops.example.com/agentwatch/");
    expect(e.ws).toBe("wss://ops.example.com/agentwatch/ws/agent_summaries");
    expect(e.headers).toEqual({});
    expect(e.api("api/summaries")).toBe("https://ops.example.com/agentwatch/api/summaries");
  });
});

describe("parseServerMessage", () => {
  it("accepts v1 messages and ignores everything else", () => {
    expect(parseServerMessage('{"v":1,"type":"pong","at":"x"}')?.type).toBe("pong");
    expect(
      parseServerMessage(JSON.stringify({ v: 1, type: "summary_update", summary: summary("a", 1) }))
        ?.type,
    ).toBe("summary_update");
    for (const text of [
      "nope",
      "[]",
      '{"v":2,"type":"pong"}',
      '{"v":1,"type":"mystery"}',
      '{"v":1,"type":"summary_update","summary":{}}',
      '{"v":1,"type":"snapshot","summaries":[{}]}',
    ]) {
      expect(parseServerMessage(text), text).toBeNull();
    }
    const snap = parseServerMessage('{"v":1,"type":"snapshot","at":"x","summaries":[]}');
    expect(snap).toMatchObject({ agents: [] });
  });
});

describe("format", () => {
  it("formats durations and confidences", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(59.9)).toBe("59s");
    expect(formatDuration(63)).toBe("1m 03s");
    expect(formatDuration(7260)).toBe("2h 01m");
    expect(formatDuration(90_000)).toBe("1d 1h");
    expect(formatConfidence(0.856)).toBe("86%");
    expect(formatConfidence(null)).toBe("");
  });
});

describe("mergeNewestFirst", () => {
  it("merges history and live summaries, one per timestamp, newest first", () => {
    const merged = mergeNewestFirst(
      [summary("a", 1), summary("a", 3)],
      [summary("a", 2), summary("a", 3)],
    );
    expect(merged.map((s) => s.current_activity)).toEqual([
      "activity at 3",
      "activity at 2",
      "activity at 1",
    ]);
  });
});
