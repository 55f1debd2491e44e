import { CODEX_WORKING, waitFor } from "@agentwatch/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CaptureReceiver, type ReceiverMode } from "../test/capture-receiver.js";
import { MonitorFixture } from "../test/monitor-fixture.js";
import { createOtelExporter } from "./index.js";

let monitor: MonitorFixture;
let receiver: CaptureReceiver | undefined;

beforeEach(async () => {
  monitor = await MonitorFixture.create();
});

afterEach(async () => {
  await monitor.remove();
  await receiver?.close();
  receiver = undefined;
});

const AGENTS = 12;
const CYCLES = 8;
const MAX_QUEUE = 16;

/** Runs cycles with new output for every agent; resolves with each cycle's summaries. */
async function busyCycles(): Promise<number[]> {
  const perCycle: number[] = [];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    for (let agent = 0; agent < AGENTS; agent++) {
      await monitor.write(`agent-${agent}`, [...CODEX_WORKING, `• Ran step ${cycle}`]);
    }
    let summaries = 0;
    const off = monitor.service.on("summary", () => void summaries++);
    const stats = await monitor.service.runOnce();
    off();
    expect(stats.failures).toBe(0);
    perCycle.push(summaries);
  }
  return perCycle;
}

describe.each<[ReceiverMode, string]>([
  ["unavailable", "answers 503"],
  ["hang", "never answers"],
])("a receiver that %s", (mode, what) => {
  it(`(${what}) leaves every cycle completing, the queue bounded and the losses counted`, async () => {
    receiver = await CaptureReceiver.start(mode);
    const exporter = createOtelExporter({
      endpoint: receiver.url,
      maxQueueSize: MAX_QUEUE,
      maxExportBatchSize: 4,
      scheduledDelayMs: 20,
      // Long enough that a hanging request is still in flight when the test ends.
      timeoutMs: mode === "hang" ? 120_000 : 300,
    });
    exporter.attach(monitor.service);
    const queued: number[] = [];
    monitor.service.on("cycle", () => void queued.push(exporter.stats.logs.queued));

    const summaries = await busyCycles();

    // Every cycle summarized every agent, as it would without an exporter.
    expect(summaries).toEqual(Array.from({ length: CYCLES }, () => AGENTS));
    // The queue never held more than maxQueueSize records.
    expect(Math.max(...queued)).toBeLessThanOrEqual(MAX_QUEUE);
    const capture = receiver;
    await waitFor(() => capture.to("/v1/logs").length > 0, { what: "a request to the receiver" });
    const emitted = CYCLES * (AGENTS + 1); // a summary per agent and a cycle record, at least
    if (mode === "hang") {
      // One batch is stuck in flight; the rest beyond the queue is dropped and counted.
      expect(exporter.stats.logs.dropped).toBeGreaterThanOrEqual(emitted - MAX_QUEUE - 4);
      expect(exporter.stats.logs.exported).toBe(0);
    } else {
      const stats = await waitFor(
        () => (exporter.stats.logs.failed > 0 ? exporter.stats : undefined),
        { what: "a failed export counted" },
      );
      expect(stats.logs.failedBatches).toBeGreaterThan(0);
      expect(stats.lastError).not.toBeNull();
      expect(stats.logs.exported).toBe(0);
      expect(stats.logs.dropped + stats.logs.failed + stats.logs.queued).toBeGreaterThan(0);
    }
    // Shutdown keeps its deadline whatever the receiver does.
    const result = await exporter.shutdown({ timeoutMs: 300 });
    if (mode === "hang") expect(result.timedOut).toBe(true);
    expect(exporter.stats.logs.queued).toBe(0);
    const { exported, failed, dropped, inFlight } = exporter.stats.logs;
    expect(exported + failed + dropped + inFlight).toBeGreaterThanOrEqual(emitted);
  });
});
