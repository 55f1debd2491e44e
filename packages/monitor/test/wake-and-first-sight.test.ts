import { type FSWatcher, writeFileSync } from "node:fs";
import { open, stat, utimes } from "node:fs/promises";
import { analyzeActivity } from "@agentwatch/activity";
import { SummaryGenerator } from "@agentwatch/summarizer";
import { waitFor } from "@agentwatch/test-kit";
import { describe, expect, it } from "vitest";
import type { MonitoredSummary, Timer, WatchFunction } from "../src/index.js";
import { FakeClock } from "./helpers/fake-clock.js";
import { warningLogger } from "./helpers/recording-logger.js";
import { type Harness, type Workspace, harness, useWorkspace } from "./helpers/workspace.js";

let ws: Workspace;
useWorkspace((created) => (ws = created));

/** A timer whose sleeps end only when the service stops: no second cycle ever starts by itself. */
const neverTimer: Timer = {
  sleep: (_ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener("abort", () => resolve(), { once: true });
    }),
};

async function firstCycle(h: Harness): Promise<void> {
  await waitFor(() => h.of("cycle").length >= 1, { what: "the first cycle" });
}

describe("wake-up on write", () => {
  it("a prompt written to a watched log is reported before the next cycle", async () => {
    ws.addAgent("a");
    ws.append("a", "building", "still building");
    const h = await harness(ws, {}, { wakeOnWrite: true, timer: neverTimer });
    h.service.start();
    await firstCycle(h);
    expect(h.of("state_change").at(-1)?.current.activity_state).toBe("working");

    ws.append("a", "Do you want to proceed? [state:waiting_permission]");
    const change = await waitFor(
      () =>
        h.of("state_change").find((event) => event.current.activity_state === "waiting_permission"),
      { what: "the state change to waiting_permission" },
    );
    expect(change.trigger).toBe("read");
    // The fake timer never let a second cycle start: the quick look found it.
    expect(h.of("cycle")).toHaveLength(1);
    // The quick look committed nothing: the cycle reads the lines again and summarizes them.
    expect(h.tracker.getPosition("a", "tmux_output")?.last_line_number).toBe(2);
    await h.service.stop();
    const stats = await harnessAgain(h);
    expect(stats).toBe(3);
  });

  it("a burst of writes gives one state change, and a quick look never commits", async () => {
    ws.addAgent("b");
    ws.append("b", "starting");
    const h = await harness(ws, {}, { wakeOnWrite: true, timer: neverTimer });
    h.service.start();
    await firstCycle(h);
    for (let i = 0; i < 50; i++) ws.append("b", `line ${i}`);
    ws.append("b", "[state:errored] Error: boom");
    await waitFor(
      () => h.of("state_change").find((event) => event.current.activity_state === "errored"),
      { what: "the state change to errored" },
    );
    const toErrored = h
      .of("state_change")
      .filter((event) => event.current.activity_state === "errored");
    expect(toErrored).toHaveLength(1);
    expect(h.tracker.getPosition("b", "tmux_output")?.last_line_number).toBe(1);
  });

  it("where a directory cannot be watched, says so once and leaves its agents to the cycle", async () => {
    ws.addAgent("c");
    ws.append("c", "hello");
    const logger = warningLogger();
    const { warnings } = logger;
    const failing: WatchFunction = () => {
      throw Object.assign(new Error("inotify watch limit reached"), { code: "ENOSPC" });
    };
    const clock = new FakeClock();
    const h = await harness(ws, {}, { wakeOnWrite: true, watch: failing, logger, clock });
    h.service.start();
    await waitFor(() => h.of("cycle").length >= 3, { what: "three cycles" });
    await h.service.stop();
    const said = warnings.filter((message) => message.includes("cannot watch"));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/read every poll cycle/);
    expect(said[0]).toMatch(/max_user_watches/);
    expect(h.of("summary").length).toBeGreaterThanOrEqual(1);
  });

  it("an unused watcher is closed when the service stops", async () => {
    ws.addAgent("d");
    ws.append("d", "hello");
    const closed: string[] = [];
    const watch: WatchFunction = (path) => {
      const fake = {
        on: () => fake,
        close: () => closed.push(path),
      };
      return fake as unknown as FSWatcher;
    };
    const h = await harness(ws, {}, { wakeOnWrite: true, watch, timer: neverTimer });
    h.service.start();
    await firstCycle(h);
    await h.service.stop();
    expect(closed).toEqual([ws.agentDir("d")]);
  });
});

/** Lines summarized after the service that quick-looked is stopped and its positions kept. */
async function harnessAgain(previous: Harness): Promise<number | undefined> {
  const h = await harness(ws, {}, { clock: previous.clock });
  await h.service.runOnce();
  return h.tracker.getPosition("a", "tmux_output")?.last_line_number;
}

describe("first sight of a log", () => {
  it("a log with a long backlog is read from its tail, its first summary made in the first cycle", async () => {
    ws.addAgent("big");
    const line = `${"x".repeat(99)}\n`;
    const handle = await open(ws.logPath("big"), "a");
    const block = line.repeat(10_000); // 1 MB
    for (let i = 0; i < 50; i++) await handle.write(block);
    await handle.write("the last line [state:waiting_input]\n");
    await handle.close();
    const h = await harness(ws, { catch_up_bytes: 262_144, catch_up_lines: 30 });
    const stats = await h.service.runOnce();
    expect(stats.lines).toBe(30);
    expect(stats.behind).toBe(0);
    const summary = (await h.store.getLatest("big")) as MonitoredSummary;
    expect(summary.skipped_lines).toBe(500_001 - 30);
    expect(summary.activity_state).toBe("waiting_input");
    // the next cycle reads on from the end: nothing more was skipped
    ws.append("big", "more");
    await h.service.runOnce();
    expect(h.tracker.getPosition("big", "tmux_output")?.last_line_number).toBe(500_002);
  });

  it("a log under catch_up_bytes, and any log with catch_up_bytes Infinity, is read from its start", async () => {
    ws.addAgent("small");
    writeFileSync(ws.logPath("small"), "a\nb\nc\n");
    ws.addAgent("whole");
    writeFileSync(ws.logPath("whole"), "x\n".repeat(5_000));
    const h = await harness(
      ws,
      { catch_up_bytes: Number.POSITIVE_INFINITY },
      { maxLinesPerRead: 1_000, maxReadsPerCycle: 100 },
    );
    await h.service.runOnce();
    expect(h.tracker.getPosition("whole", "tmux_output")?.last_line_number).toBe(5_000);
    expect(((await h.store.getLatest("whole")) as MonitoredSummary).skipped_lines).toBeUndefined();
    expect(h.tracker.getPosition("small", "tmux_output")?.last_line_number).toBe(3);
  });

  it("idle time starts at the file's last write when the log is first met, not when it is read", async () => {
    ws.addAgent("old");
    ws.append("old", "did something long ago");
    const clock = new FakeClock(Date.now());
    const twoHoursAgo = new Date(clock.now - 2 * 3600_000);
    await utimes(ws.logPath("old"), twoHoursAgo, twoHoursAgo);
    expect((await stat(ws.logPath("old"))).mtimeMs).toBeLessThan(clock.now);
    const generator = new SummaryGenerator({ clock: clock.clock });
    const h = await harness(ws, {}, { clock, analyze: analyzeActivity, generator });
    await h.service.runOnce();
    const summary = (await h.store.getLatest("old")) as MonitoredSummary;
    expect(summary.idle_duration_seconds).toBeGreaterThanOrEqual(2 * 3600 - 1);
  });
});

describe("a silent agent", () => {
  it("busy on screen and silent for stall_seconds is summarized again, stalled and blocked", async () => {
    ws.addAgent("s", { assigned_task: "Migrate the billing tables" });
    ws.append("s", "⏺ Bash(npm run migrate)", "✻ Migrating… (12s · esc to interrupt)");
    const clock = new FakeClock();
    const generator = new SummaryGenerator({ clock: clock.clock, stallSeconds: 300 });
    const h = await harness(
      ws,
      { stall_seconds: 300 },
      { clock, analyze: analyzeActivity, generator },
    );
    await h.service.runOnce();
    const first = (await h.store.getLatest("s")) as MonitoredSummary;
    expect(first.activity_state).toBe("working");
    expect(first.on_track_status).not.toBe("blocked");
    clock.advance(120_000);
    await h.service.runOnce(); // quiet, not yet stalled: nothing new stored
    expect(h.of("summary")).toHaveLength(1);
    clock.advance(200_000);
    await h.service.runOnce();
    const stalled = (await h.store.getLatest("s")) as MonitoredSummary;
    expect(stalled.on_track_status).toBe("blocked");
    expect(stalled.drift_reasons.join(" ")).toMatch(/stalled/);
    clock.advance(12_000);
    await h.service.runOnce(); // told once
    expect(h.of("summary")).toHaveLength(2);
  });
});
