import { analyzeActivity, type ActivityAnalysis } from "@agentwatch/activity";
import { expectedLines, SIM_AGENTS, simulatedBytes } from "@agentwatch/agent-sim";
import { describe, expect, it } from "vitest";
import { SummaryGenerator, type MonitoredSummary } from "../src/index.js";

/**
 * The demo's simulated agents, read poll by poll as the monitor reads them (the analysis and the
 * summary of each poll passed to the next), must end where a person would put them: the healthy
 * ones on_track, the one at a permission dialog and the one in an error loop blocked.
 */
async function lastSummary(index: number, writes: number, pollLines: number) {
  const spec = SIM_AGENTS[index]!;
  const lines = expectedLines(
    simulatedBytes({ seed: 1000 + index + 1, scenario: spec.scenario }, writes),
  );
  let clock = Date.parse("2026-03-01T09:00:00Z");
  const generator = new SummaryGenerator({ clock: () => clock });
  let previous: ActivityAnalysis | null = null;
  let summary: MonitoredSummary | null = null;
  for (let at = 0; at < lines.length; at += pollLines) {
    clock += 12_000;
    const now = new Date(clock);
    const poll = lines.slice(at, at + pollLines);
    const activity = analyzeActivity(poll, { now, lastOutputAt: now, previous });
    summary = await generator.generateSummary(spec.instanceId, poll, {
      instance_name: spec.instanceName,
      role: spec.role,
      assigned_task: spec.assignedTask,
      previous_summary: summary,
      last_output_at: now,
      activity,
    });
    previous = JSON.parse(JSON.stringify(activity)) as ActivityAnalysis;
  }
  return { spec, summary: summary! };
}

describe("the demo fleet", () => {
  const expected: Record<string, string> = {
    "backend-dev": "on_track",
    "codex-payments": "on_track",
    "db-migrator": "blocked",
    "api-server": "blocked",
    "docs-translator": "on_track",
    "test-runner": "on_track",
  };

  it.each(SIM_AGENTS.map((spec, index) => [spec.instanceId, index] as const))(
    "%s ends as a person would judge it",
    async (id, index) => {
      for (const pollLines of [40, 150]) {
        const { summary } = await lastSummary(index, 600, pollLines);
        expect(
          summary.on_track_status,
          `${id} (${pollLines}-line polls): ${summary.drift_reasons.join("; ")}`,
        ).toBe(expected[id]);
      }
    },
  );
});
