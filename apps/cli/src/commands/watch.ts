import {
  type MonitoringService,
  type MonitoringServiceOverrides,
  createMonitoringService,
} from "@agentwatch/monitor";
import type { SummaryGenerator } from "@agentwatch/summarizer";
import type { TmuxSource } from "@agentwatch/tmux";
import { colors, fitWidth, oneLine } from "@agentwatch/term-ui";
import { type CommandContext, print } from "../context.js";
import { CliError } from "../errors.js";
import { prepareDirectories } from "../directories.js";
import { createGenerator } from "../generator.js";
import { runUntilSignal, untilAborted } from "../shutdown.js";
import {
  type SourceFlags,
  buildSource,
  checkSources,
  describeWhere,
  planSources,
} from "../sources.js";
import { withOwnDirs } from "../state-home.js";
import {
  type AgentRow,
  agentCount,
  renderAgentTable,
  rowFromStatus,
  summaryLine,
} from "../summary-view.js";

/** Flags of `agentwatch watch`. */
export interface WatchFlags extends SourceFlags {
  readonly once: boolean;
  readonly json: boolean;
  readonly offline: boolean;
  /** Stop after this many seconds (for demos and scripts); run until a signal when absent. */
  readonly durationSeconds?: number | undefined;
  /** Leave the tmux pipes attached when stopping. */
  readonly keepCapture?: boolean | undefined;
}

/** Problems shown under the live table for this long after they were told. */
const PROBLEM_SHOWN_MS = 10 * 60_000;

/** What `prepare` decided: the context (with the directories for the sources) and the sources. */
export interface Prepared {
  readonly context: CommandContext;
  /** The flags with the default source made explicit. */
  readonly flags: SourceFlags;
}

/**
 * Decides where agents come from (see `planSources`), moves state and summaries to agentwatch's
 * own state directory unless only the orchestrator's layout is watched, checks what the flags
 * name (a missing agents file or log directory) and that the directories can be used. Every
 * failure is a one-line error (exit 1).
 */
export async function prepare(
  context: CommandContext,
  flags: SourceFlags,
  options: { once: boolean },
): Promise<Prepared> {
  const plan = await planSources(flags, context);
  const ready = plan.layoutOnly ? context : withOwnDirs(context);
  await checkSources(plan.flags, ready.config, { ...options, io: ready.io });
  await prepareDirectories(ready.config);
  return { context: ready, flags: plan.flags };
}

/** Builds the service for `watch`, `serve` and `demo` from what `prepare` decided. */
export async function buildService(
  prepared: Prepared,
  flags: Pick<WatchFlags, "offline">,
  parts: Pick<MonitoringServiceOverrides, "tracker"> = {},
): Promise<{
  service: MonitoringService;
  generator: SummaryGenerator;
  tmux: TmuxSource | undefined;
}> {
  const { context } = prepared;
  const generator = createGenerator(context, { offline: flags.offline });
  const { source, tmux } = buildSource(prepared.flags, context);
  try {
    const service = await createMonitoringService(context.config, {
      ...parts,
      generator,
      source,
      logger: context.logger,
    });
    return { service, generator, tmux };
  } catch (error) {
    throw new CliError(`cannot start monitoring: ${(error as Error).message}`, 1, { cause: error });
  }
}

/** After a clean stop: the tmux pipes agentwatch attached are removed, unless kept. */
export async function releaseCapture(
  context: CommandContext,
  tmux: TmuxSource | undefined,
  keep: boolean,
): Promise<void> {
  if (tmux === undefined || keep) return;
  try {
    await tmux.detach({ onlyMine: true });
  } catch (error) {
    context.logger.warn(
      { err: error },
      `cannot remove the tmux pipes agentwatch attached: ${(error as Error).message}; run agentwatch tmux detach`,
    );
  }
}

/** What `attachView` gives back: the rows of the agents, as the service knows them now. */
export interface View {
  rows(): AgentRow[];
}

/**
 * Shows what the service does: a live table in a terminal (redrawn every cycle, fitted to its
 * width), plain lines when piped, JSON lines with `--json`. Every agent the service knows is
 * shown, from its stored summary until it has new output, and with its error when it cannot be
 * read. `where` says where agents are looked for, for when none is found.
 */
export function attachView(
  service: MonitoringService,
  context: CommandContext,
  flags: Pick<WatchFlags, "json"> & { once?: boolean | undefined },
  where: string,
): View {
  const c = colors(context.rich);
  const rows = () => service.getAgents().map(rowFromStatus);
  const emit = (type: string, payload: object) =>
    print(context, JSON.stringify({ type, ...payload }));
  const printed = new Set<string>();
  let saidWhere = false;
  const stamp = () => new Date().toISOString();
  service.on("summary", ({ summary }) => {
    printed.add(summary.instance_id);
    if (flags.json) emit("summary", { summary });
    else if (!context.rich) print(context, summaryLine(summary));
  });
  service.on("state_change", (change) => {
    if (flags.json) emit("state_change", change);
    else if (!context.rich) {
      const before = `${change.previous.activity_state ?? "?"}/${change.previous.on_track_status ?? "?"}`;
      const after = `${change.current.activity_state ?? "?"}/${change.current.on_track_status ?? "?"}`;
      print(context, oneLine(`${change.at} ${change.instance_id} changed: ${before} → ${after}`));
    }
  });
  service.on("agent_added", ({ instance_id, agent }) => {
    if (flags.json) emit("agent_added", { instance_id, agent });
    else if (!context.rich)
      print(context, oneLine(`${stamp()} agent added: ${instance_id} (${agent.log_file_path})`));
  });
  service.on("agent_removed", ({ instance_id }) => {
    if (flags.json) emit("agent_removed", { instance_id });
    else if (!context.rich) print(context, oneLine(`${stamp()} agent removed: ${instance_id}`));
  });
  // Errors need no listener here: the service logs each one as it emits it.
  service.on("cycle", (stats) => {
    if (flags.json) return emit("cycle", { stats });
    if (!context.rich) {
      const current = rows();
      if (current.length === 0 && !saidWhere && flags.once !== true) {
        saidWhere = true;
        print(context, `waiting for agents' output in ${where}…`);
      }
      // Agents with nothing new this time are shown from their stored summary, once.
      for (const row of current) {
        if (row.summary === null || printed.has(row.id)) continue;
        printed.add(row.id);
        print(context, summaryLine(row.summary));
      }
      return;
    }
    const columns = context.io.stdout.columns ?? 120;
    const now = Date.now();
    const current = rows();
    const table =
      current.length === 0
        ? `waiting for agents' output in ${where}…`
        : renderAgentTable(current, { columns, colors: c, now });
    const footer = [
      c.dim(
        fitWidth(
          `cycle ${stats.started_at}: ${agentCount(stats.agents)}, ${stats.lines} new lines, ` +
            `${stats.model_calls} model calls, ${stats.duration_ms.toFixed(0)} ms` +
            (stats.failures > 0 ? `, ${stats.failures} failed` : "") +
            (stats.behind > 0 ? `, ${stats.behind} behind` : ""),
          columns,
        ),
      ),
    ];
    for (const problem of context.logger.problems()) {
      if (now - problem.at < PROBLEM_SHOWN_MS)
        footer.push(c.yellow(fitWidth(`⚠ ${problem.text}`, columns)));
    }
    context.io.stdout.write(`\u001b[H\u001b[2J${table}\n${footer.join("\n")}\n`);
  });
  return { rows };
}

/** `agentwatch watch`: runs the monitoring service until Ctrl-C (or one cycle with --once). */
export async function watchCommand(base: CommandContext, flags: WatchFlags): Promise<void> {
  const prepared = await prepare(base, flags, { once: flags.once });
  const { context } = prepared;
  const { service, tmux } = await buildService(prepared, flags);
  const where = describeWhere(prepared.flags, context.config, context.io);
  const view = attachView(service, context, flags, where);
  if (flags.once) {
    try {
      await service.runOnce();
    } finally {
      await service.stop();
    }
    // One look is not a watch: the pipes stay only when asked to.
    await releaseCapture(context, tmux, flags.keepCapture === true);
    if (!flags.json && view.rows().length === 0)
      print(context, `no agent output found in ${where}`);
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
      await releaseCapture(context, tmux, flags.keepCapture === true);
    },
    { stopOn: context.io.gone },
  );
}
