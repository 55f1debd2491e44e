import { describe, expect, it } from "vitest";
import type { AgentProcessingError, LogReaderLike } from "../src/index.js";
import { type Harness, Workspace, harness, useWorkspace } from "./helpers/workspace.js";

let ws: Workspace;
let h: Harness | undefined;

useWorkspace((created) => (ws = created));

describe("MonitoringService failure isolation", () => {
  it("retries a failing agent after a backoff that doubles, up to 300 s, and resets on success", async () => {
    ws.addAgent("bad");
    ws.append("bad", "work");
    // every retry time is a multiple of 10 s: poll every 10 s
    h = await harness(ws, { poll_interval_seconds: 10, error_backoff_seconds: 10 });
    const t0 = h.clock.now;
    let failuresLeft = 7;
    h.generator.failWhen = () => failuresLeft-- > 0;

    for (let i = 0; i < 100; i++) {
      await h.service.runOnce();
      h.clock.advance(10_000);
    }

    const tries = h.generator.callsFor("bad").map((call) => (call.at - t0) / 1000);
    // 10, 20, 40, 80, 160, 300 (capped), 300: then the 8th try succeeds
    expect(tries).toEqual([0, 10, 30, 70, 150, 310, 610, 910]);
    const errors = h.of("error").map((event) => event.error as AgentProcessingError);
    expect(errors.map((error) => error.retryInSeconds)).toEqual([10, 20, 40, 80, 160, 300, 300]);
    expect(errors.map((error) => error.failures)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(h.of("error").every((event) => event.instance_id === "bad")).toBe(true);
    expect(h.of("summary")).toHaveLength(1);

    // after the success, the next failure waits the base backoff again
    failuresLeft = 1;
    ws.append("bad", "more");
    const before = h.generator.calls.length;
    for (let i = 0; i < 4; i++) {
      await h.service.runOnce();
      h.clock.advance(10_000);
    }
    const retried = h.generator.calls.slice(before);
    expect(retried.map((call) => call.at - retried[0]!.at)).toEqual([0, 10_000]);
  });

  it("keeps processing every other agent while one fails", async () => {
    for (const id of ["a", "bad", "c"]) ws.addAgent(id);
    h = await harness(ws);
    h.generator.failWhen = (call) => call.instanceId === "bad";

    for (let round = 0; round < 5; round++) {
      for (const id of ["a", "bad", "c"]) ws.append(id, `${id} round ${round}`);
      const stats = await h.service.runOnce();
      // tried at 0 s (then waits 10 s), 12 s (waits 20 s), 36 s (waits 40 s)
      expect(stats.failures).toBe([1, 1, 0, 1, 0][round]);
      h.clock.advance(12_000);
    }

    for (const id of ["a", "c"]) {
      const history = await h.store.getHistory(id, { limit: Infinity });
      expect(history).toHaveLength(5);
      expect(h.tracker.getPosition(id, "tmux_output")?.last_line_number).toBe(5);
    }
    expect(await h.store.getLatest("bad")).toBeUndefined();
    expect(h.tracker.getPosition("bad", "tmux_output")).toBeUndefined();
    expect(h.generator.callsFor("bad").map((call) => call.lines.length)).toEqual([1, 2, 4]);
  });

  it("treats a reader error other than a missing file as a failure of that agent only", async () => {
    ws.addAgent("a");
    ws.addAgent("locked");
    ws.append("a", "hello");
    ws.append("locked", "hello");
    const wrapReader = (inner: LogReaderLike): LogReaderLike => ({
      read: async (id, path, type, options) => {
        const result = await inner.read(id, path, type, options);
        return id === "locked"
          ? {
              ...result,
              lines: [],
              error: { code: "EACCES", message: `cannot read ${path}: permission denied` },
            }
          : result;
      },
    });
    h = await harness(ws, {}, { wrapReader });

    const stats = await h.service.runOnce();

    expect(stats.failures).toBe(1);
    const [error] = h.of("error");
    expect(error?.instance_id).toBe("locked");
    expect(error?.error).toMatchObject({ stage: "read", cause: { code: "EACCES" } });
    expect(h.of("summary").map((event) => event.summary.instance_id)).toEqual(["a"]);
    expect(h.of("state_change").some((change) => change.current.activity_state === "exited")).toBe(
      false,
    );
  });

  it("processes at most agent_concurrency agents at the same time", async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `agent-${i}`);
    for (const id of ids) {
      ws.addAgent(id);
      ws.append(id, "output");
    }
    for (const concurrency of [1, 4]) {
      h = await harness(ws, { agent_concurrency: concurrency });
      let inFlight = 0;
      let peak = 0;
      let done = 0;
      const waiting: (() => void)[] = [];
      h.generator.during = async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        // hold calls until as many as allowed are in flight (or all that remain)
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (inFlight === Math.min(concurrency, ids.length - done)) {
            for (const release of waiting.splice(0)) release();
          }
        });
        inFlight--;
        done++;
      };
      const stats = await h.service.runOnce();
      expect(stats.failures).toBe(0);
      expect(h.generator.calls).toHaveLength(10);
      expect(peak).toBe(concurrency);
      await h.service.stop();
      await ws.remove();
      ws = await Workspace.create();
      for (const id of ids) {
        ws.addAgent(id);
        ws.append(id, "output");
      }
    }
  });
});
