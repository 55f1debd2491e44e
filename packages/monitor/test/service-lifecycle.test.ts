import { describe, expect, it } from "vitest";
import { PositionTracker } from "@agentwatch/position-store";
import {
  type CycleStats,
  InvalidOptionError,
  MonitoringService,
  ServiceAlreadyStartedError,
  ServiceStoppedError,
} from "../src/index.js";
import {
  type Harness,
  TEST_SETTINGS,
  type Workspace,
  harness,
  useWorkspace,
} from "./helpers/workspace.js";

let ws: Workspace;
let h: Harness | undefined;

useWorkspace((created) => (ws = created));

/** Starts the loop and resolves with the first `count` cycle stats, then stops it. */
async function runCycles(harnessed: Harness, count: number, each?: (n: number) => void) {
  const seen: CycleStats[] = [];
  const enough = new Promise<void>((resolve) => {
    harnessed.service.on("cycle", (stats) => {
      seen.push(stats);
      each?.(seen.length);
      if (seen.length === count) resolve();
    });
  });
  harnessed.service.start();
  await enough;
  await harnessed.service.stop();
  return seen.slice(0, count);
}

describe("MonitoringService lifecycle", () => {
  it("starts cycles on a fixed schedule from the start time, whatever each cycle takes", async () => {
    ws.addAgent("a");
    h = await harness(ws);
    const t0 = h.clock.now;
    let n = 0;
    h.generator.during = () => h!.clock.advance(5_000); // each summary takes 5 s
    const cycles = await runCycles(h, 6, () => ws.append("a", `line ${n++}`));

    expect(cycles.map((c) => Date.parse(c.started_at) - t0)).toEqual(
      [0, 1, 2, 3, 4, 5].map((k) => k * 12_000),
    );
    expect(cycles.slice(1).every((c) => c.duration_ms === 5_000)).toBe(true);
    expect(cycles.every((c) => c.skipped_slots === 0)).toBe(true);
  });

  it("skips, not stacks, the slots a long cycle ran past, and counts them", async () => {
    ws.addAgent("a");
    ws.append("a", "slow");
    h = await harness(ws);
    const t0 = h.clock.now;
    h.generator.during = () => h!.clock.advance(30_000); // the first cycle takes 30 s

    const cycles = await runCycles(h, 3);

    expect(cycles.map((c) => [Date.parse(c.started_at) - t0, c.skipped_slots])).toEqual([
      [0, 2], // ran past the slots at 12 s and 24 s
      [36_000, 0],
      [48_000, 0],
    ]);
  });

  it("throws a typed error when started twice, and refuses runOnce while running", async () => {
    h = await harness(ws);
    h.service.start();
    expect(h.service.running).toBe(true);

    expect(() => h!.service.start()).toThrow(ServiceAlreadyStartedError);
    await expect(h.service.runOnce()).rejects.toBeInstanceOf(ServiceAlreadyStartedError);
    await h.service.stop();
    expect(h.service.running).toBe(false);
    expect(() => h!.service.start()).toThrow(ServiceStoppedError);
    await expect(h.service.runOnce()).rejects.toMatchObject({ code: "SERVICE_STOPPED" });
  });

  it("stop finishes the cycle in flight, starts no new one and flushes positions", async () => {
    ws.addAgent("a");
    ws.append("a", "in flight");
    h = await harness(ws);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    h.generator.during = async () => {
      entered();
      await held;
    };
    h.service.start();
    await inside;

    const stopping = h.service.stop({ timeoutMs: 10_000 });
    release();
    const result = await stopping;

    expect(result).toEqual({ timedOut: false });
    expect(h.of("cycle")).toHaveLength(1);
    expect(await h.store.getLatest("a")).toBeDefined();
    const reopened = await PositionTracker.open(ws.stateDir);
    expect(reopened.getPosition("a", "tmux_output")?.last_line_number).toBe(1);
    await reopened.close();
    expect(() => h!.tracker.getAllPositions()).toThrow(/closed/); // stop() closed the tracker
  });

  it("stop gives up on a cycle that outlasts the timeout, without committing its lines", async () => {
    ws.addAgent("stuck");
    ws.append("stuck", "never summarized");
    h = await harness(ws);
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    h.generator.during = () => {
      entered();
      return new Promise<void>(() => {}); // the model never answers
    };
    h.service.start();
    await inside;

    const result = await h.service.stop({ timeoutMs: 50 });

    expect(result).toEqual({ timedOut: true });
    const reopened = await PositionTracker.open(ws.stateDir);
    expect(reopened.getPosition("stuck", "tmux_output")).toBeUndefined();
    await reopened.close();
  });

  it("keeps running when a listener throws or rejects", async () => {
    ws.addAgent("a");
    ws.append("a", "first");
    const logged: string[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: () => {},
      error: (_fields: unknown, message?: string) => logged.push(String(message)),
    };
    h = await harness(ws, {}, { logger });
    h.service.on("summary", () => {
      throw new Error("listener bug");
    });
    h.service.on("state_change", () => Promise.reject(new Error("async listener bug")));

    await h.service.runOnce();
    h.clock.advance(12_000);
    ws.append("a", "second");
    await h.service.runOnce();
    await new Promise((resolve) => setImmediate(resolve));

    expect(h.of("summary")).toHaveLength(2);
    expect(logged.filter((m) => m.includes("summary listener threw"))).toHaveLength(2);
    expect(logged.some((m) => m.includes("state_change listener threw"))).toBe(true);
  });

  it("stops delivering to a listener once it unsubscribes", async () => {
    ws.addAgent("a");
    h = await harness(ws);
    const seen: number[] = [];
    const off = h.service.on("cycle", (stats) => seen.push(stats.agents));
    await h.service.runOnce();
    off();
    await h.service.runOnce();
    expect(seen).toEqual([1]);
  });

  it.each([
    [{ poll_interval_seconds: 0 }, "poll_interval_seconds"],
    [{ poll_interval_seconds: 2_147_484 }, "poll_interval_seconds"], // past what a timer can wait
    [{ error_backoff_seconds: -1 }, "error_backoff_seconds"],
    [{ agent_concurrency: 1.5 }, "agent_concurrency"],
    [{ exited_grace_seconds: Number.NaN }, "exited_grace_seconds"],
  ])("rejects the setting %j naming it", async (change, name) => {
    h = await harness(ws);
    const parts = { reader: { read: () => Promise.reject(new Error("unused")) } };
    expect(
      () =>
        new MonitoringService(
          { ...TEST_SETTINGS, ...change },
          {
            ...parts,
            tracker: h!.tracker,
            generator: h!.generator,
            store: h!.store,
            source: { name: "none", list: () => Promise.resolve([]) },
            analyze: () => ({ state: "unknown" }),
          },
        ),
    ).toThrow(new RegExp(`invalid ${name}`));
    try {
      new MonitoringService(
        { ...TEST_SETTINGS, ...change },
        {
          ...parts,
          tracker: h.tracker,
          generator: h.generator,
          store: h.store,
          source: { name: "none", list: () => Promise.resolve([]) },
          analyze: () => ({ state: "unknown" }),
        },
      );
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as InvalidOptionError).option).toBe(name);
    }
  });

  it("rejects a part without the methods the service calls", async () => {
    h = await harness(ws);
    expect(
      () =>
        new MonitoringService(TEST_SETTINGS, {
          reader: { read: () => Promise.reject(new Error("unused")) },
          tracker: h!.tracker,
          generator: {} as never,
          store: h!.store,
          source: { name: "none", list: () => Promise.resolve([]) },
          analyze: () => ({ state: "unknown" }),
        }),
    ).toThrow(InvalidOptionError);
  });
});
