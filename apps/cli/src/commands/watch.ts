import {
  type MonitoringService,
  type MonitoringServiceOverrides,
  createMonitoringService,
} from "@agentwatch/monitor";
import type { SummaryGenerator } from "@agentwatch/summarizer";
import { colors } from "@agentwatch/term-ui";
import { type CommandContext, print } from "../context.js";
import { CliError } from "../errors.js";
import { createGenerator } from "../generator.js";
import { runUntilSignal, untilAborted } from "../shutdown.js";
import { type SourceFlags, sourceFromFlags } from "../sources.js";
import { type ShownSummary, renderSummaryTable, summaryLine } from "../summary-view.js";

/** Flags of `agentwatch watch`. */
export interface WatchFlags extends SourceFlags {
  readonly once: boolean;
  readonly json: boolean;
  readonly offline: boolean;
  /** Stop after this many seconds (for demos and scripts); run until a signal when absent. */
  readonly durationSeconds?: number | undefined;
}

/** Builds the service for `watch`, `serve` and `demo`, turning setup failures into one-line errors. */
export async function buildService(
  context: CommandContext,
  flags: Pick<WatchFlags, "offline" | "logs" | "agents" | "logDir">,
  parts: Pick<MonitoringServiceOverrides, "tracker"> = {},
): Promise<{ service: MonitoringService; generator: SummaryGenerator }> {
  const generator = createGenerator(context, { offline: flags.offline });
  try {
    const service = await createMonitoringService(context.config, {
      ...parts,
      generator,
      source: sourceFromFlags(flags, context.config),
      logger: context.logger,
    });
    return { service, generator };
  } catch (error) {
    throw new CliError(`cannot start monitoring: ${(error as Error).message}`, 1, { cause: error });
  }
}

/** Shows what the service does: a live table in a terminal, plain lines or JSON lines otherwise. */
export function attachView(service: MonitoringService, context: CommandContext, flags: WatchFlags) {
  const latest = new Map<string, ShownSummary>();
  const c = colors(context.rich);
  const emit = (type: string, payload: object) =>
    print(context, JSON.stringify({ type, ...payload }));
  service.on("summary", ({ summary }) => {
    latest.set(summary.instance_id, summary);
    if (flags.json) emit("summary", { summary });
    else if (!context.rich) print(context, summaryLine(summary));
  });
  service.on("state_change", (change) => {
    if (flags.json) emit("state_change", change);
    else if (!context.rich) {
      const before = `${change.previous.activity_state ?? "?"}/${change.previous.on_track_status ?? "?"}`;
      const after = `${change.current.activity_state ?? "?"}/${change.current.on_track_status ?? "?"}`;
      print(context, `${change.at} ${change.instance_id} changed: ${before} → ${after}`);
    }
  });
  service.on("agent_added", ({ instance_id, agent }) => {
    if (flags.json) emit("agent_added", { instance_id, agent });
    else if (!context.rich)
      print(
        context,
        `${new Date().toISOString()} agent added: ${instance_id} (${agent.log_file_path})`,
      );
  });
  service.on("agent_removed", ({ instance_id }) => {
    latest.delete(instance_id);
    if (flags.json) emit("agent_removed", { instance_id });
    else if (!context.rich)
      print(context, `${new Date().toISOString()} agent removed: ${instance_id}`);
  });
  service.on("error", ({ instance_id, error }) => {
    context.logger.warn({ instance_id, err: error }, error.message);
  });
  service.on("cycle", (stats) => {
    if (flags.json) return emit("cycle", { stats });
    if (!context.rich) return;
    const columns = context.io.stdout.columns ?? 120;
    const footer = c.dim(
      `cycle ${stats.started_at}: ${stats.agents} agents, ${stats.lines} new lines, ` +
        `${stats.model_calls} model calls, ${stats.duration_ms.toFixed(0)} ms` +
        (stats.failures > 0 ? `, ${stats.failures} failed` : ""),
    );
    const table =
      latest.size === 0
        ? "waiting for agents' output…"
        : renderSummaryTable([...latest.values()], { columns, colors: c });
    context.io.stdout.write(`\u001b[H\u001b[2J${table}\n${footer}\n`);
  });
  return latest;
}

/** `agentwatch watch`: runs the monitoring service until Ctrl-C (or one cycle with --once). */
export async function watchCommand(context: CommandContext, flags: WatchFlags): Promise<void> {
  const { service } = await buildService(context, flags);
  const latest = attachView(service, context, flags);
  if (flags.once) {
    try {
      await service.runOnce();
    } finally {
      await service.stop();
    }
    if (!flags.json && latest.size === 0) print(context, "no agent output found");
    return;
  }
  await runUntilSignal(
    async (signal) => {
      service.start();
      await untilAborted(
        signal,
        flags.durationSeconds === undefined ? undefined : flags.durationSeconds * 1000,
      );
      const { timedOut } = await service.stop({ timeoutMs: 10_000 });
      if (timedOut)
        context.logger.warn(
          "the cycle in flight did not finish within 10 s; its remaining agents are read again next time",
        );
    },
    { stopOn: context.io.gone },
  );
}
