/**
 * A child process for the resume-after-kill test: runs the monitoring service (this package's
 * built code) with the real reader, tracker, store, layout source and activity analysis, and the
 * real SummaryGenerator (heuristic) wrapped to record every batch of lines it summarizes (appended
 * and fsynced), then say "recorded <id>" and wait for a "go" line on stdin before it returns: the
 * window between summarizing and storing, held open until the parent lets it close, so that a
 * SIGKILL lands in it however slow the machine. Cycles run back to back until SIGTERM, which stops
 * the service gracefully.
 *
 * Usage: node run-service.js <logDir> <stateDir> <summaryDir> <recordFile>  (compiled by
 * test/global-setup.ts)
 */
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { analyzeActivity } from "@agentwatch/activity";
import { IncrementalLogReader } from "@agentwatch/log-reader";
import { PositionTracker } from "@agentwatch/position-store";
import { SummaryGenerator } from "@agentwatch/summarizer";
import { SummaryStore } from "@agentwatch/summary-store";
import {
  type LogReaderLike,
  MonitoringService,
  type SummaryGeneratorLike,
  layoutSource,
} from "@agentwatch/monitor";

const [logDir, stateDir, summaryDir, recordFile] = process.argv.slice(2);
if (logDir === undefined || stateDir === undefined || summaryDir === undefined || !recordFile) {
  console.error("usage: run-service.js <logDir> <stateDir> <summaryDir> <recordFile>");
  process.exit(2);
}

const tracker = await PositionTracker.open(stateDir);
const inner = new IncrementalLogReader({ positionTracker: tracker, maxLinesPerRead: 40 });
/** The first line number of the last read of each agent, for the record. */
const startOf = new Map<string, number>();
const reader: LogReaderLike = {
  async read(id, path, type, options) {
    const read = await inner.read(id, path, type, options);
    // A read that continues a chain adds to the lines of the chain's first read.
    if (options?.after === undefined) startOf.set(id, read.totalLines - read.lines.length);
    return read;
  },
};

/** Each "go" line from the parent lets one recorded batch go on to be stored and committed. */
const waiting: (() => void)[] = [];
let credit = 0;
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() !== "go") return;
  const next = waiting.shift();
  if (next !== undefined) next();
  else credit++;
});
function parentSaysGo(): Promise<void> {
  if (credit > 0) {
    credit--;
    return Promise.resolve();
  }
  return new Promise((resolve) => waiting.push(resolve));
}

const record = openSync(recordFile, "a");
const real = new SummaryGenerator();
const generator: SummaryGeneratorLike = {
  async generateSummary(instanceId, lines, context) {
    const summary = await real.generateSummary(instanceId, lines, context);
    if (lines.length > 0) {
      const entry = { id: instanceId, start: startOf.get(instanceId), lines };
      writeSync(record, `${JSON.stringify(entry)}\n`);
      fsyncSync(record);
      process.stdout.write(`recorded ${instanceId}\n`);
      await parentSaysGo();
    }
    return summary;
  },
};

const service = new MonitoringService(
  {
    poll_interval_seconds: 1,
    error_backoff_seconds: 1,
    agent_concurrency: 4,
    exited_grace_seconds: 300,
  },
  {
    reader,
    tracker,
    generator,
    store: new SummaryStore(summaryDir),
    source: layoutSource(logDir),
    analyze: analyzeActivity,
  },
);
service.on("error", ({ error }) => console.error(`error: ${error.message}`));

let stopping = false;
process.on("SIGTERM", () => {
  stopping = true;
});
process.stdout.write("ready\n");
while (!stopping) {
  await service.runOnce();
  await sleep(20);
}
await service.stop({ timeoutMs: 5_000 });
closeSync(record);
process.exit(0);
