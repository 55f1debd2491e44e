import {
  type CycleStats,
  type ModelJudgeLike,
  type MonitoringService,
  type MonitoringServiceOverrides,
  createMonitoringService,
  createTranscriptsAnalyzer,
} from "@agentwatch/monitor";
import type { GeneratorStats, SummaryGenerator } from "@agentwatch/summarizer";
import type { TmuxSource } from "@agentwatch/tmux";
import { colors, fitWidth, oneLine } from "@agentwatch/term-ui";
import { type CommandContext, print } from "../context.js";
import { CliError } from "../errors.js";
import { prepareDirectories } from "../directories.js";
import { createJudges } from "../generator.js";
import { startExport, stopExport } from "../otel.js";
import { runUntilSignal, untilAborted } from "../shutdown.js";
import { type NotifyFlags, createNotifications } from "../notifications.js";
import { hooksFilePath } from "../hook-record.js";
import {
  type SessionDirs,
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
export interface WatchFlags extends SourceFlags, NotifyFlags {
  readonly once: boolean;
  readonly json: boolean;
  readonly offline: boolean;
  /** Stop after this many seconds (for demos and scripts); run until a signal when absent. */
  readonly durationSeconds?: number | undefined;
  /** Leave the tmux pipes attached when stopping. */
  readonly keepCapture?: boolean | undefined;
  /** Read every log met for the first time from its start, however long. */
  readonly fromStart?: boolean | undefined;
}

/** Problems shown under the live table for this long after they were told. */
const PROBLEM_SHOWN_MS = 10 * 60_000;

/** What `prepare` decided: the context (with the directories for the sources) and the sources. */
export interface Prepared {
  readonly context: CommandContext;
  /** The flags with the default source made explicit. */
  readonly flags: SourceFlags;
  /** The Claude Code and Codex session folders read. */
  readonly sessions?: SessionDirs | undefined;
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
  return { context: ready, flags: plan.flags, sessions: plan.sessions };
}

/** Builds the service for `watch`, `serve` and `demo` from what `prepare` decided. */
export async function buildService(
  prepared: Prepared,
  flags: Pick<WatchFlags, "offline" | "fromStart"> & { once?: boolean | undefined },
  parts: Pick<MonitoringServiceOverrides, "tracker"> = {},
): Promise<{
  service: MonitoringService;
  generator: SummaryGenerator;
  /** The model beside the cycle, when one is configured. */
  model: ModelJudgeLike | undefined;
  /** Model calls, tokens and cost so far (of the model beside the cycle, when there is one). */
  judgeStats: () => GeneratorStats;
  tmux: TmuxSource | undefined;
}> {
  const { context } = prepared;
  const {
    generator,
    model,
    stats: judgeStats,
  } = createJudges(context, {
    offline: flags.offline,
  });
  const { source, tmux } = buildSource(prepared.flags, context, prepared.sessions);
  const config =
    flags.fromStart === true
      ? { ...context.config, catch_up_bytes: Number.POSITIVE_INFINITY }
      : context.config;
  try {
    const service = await createMonitoringService(config, {
      ...parts,
      generator,
      modelJudge: model,
      // tokens priced from the dated table, with the config's model_prices over it
      structured: createTranscriptsAnalyzer({ prices: context.config.model_prices }),
      source,
      // what `agentwatch hook` records of Claude Code's hook calls
      hooksFile: hooksFilePath(context.config.state_dir),
      // a live watch looks at an agent the moment it writes; one look (--once) needs no watches
      wakeOnWrite: flags.once !== true,
      logger: context.logger,
    });
    sayModelAvailability(service, context);
    return { service, generator, model, judgeStats, tmux };
  } catch (error) {
    throw new CliError(`cannot start monitoring: ${(error as Error).message}`, 1, { cause: error });
  }
}

/** Logs once when the model beside the cycle becomes unavailable, and once when it is back. */
function sayModelAvailability(service: MonitoringService, context: CommandContext): void {
  let down: string | null = null;
  service.on("cycle", (stats) => {
    const since = stats.model?.unavailable_since ?? null;
    if (since !== null && down === null) {
      context.logger.warn(
        { since, error: stats.model?.last_error },
        `the model is unavailable since ${since} (${stats.model?.last_error ?? "it failed"}); verdicts are offline until it answers again`,
      );
    } else if (since === null && down !== null) {
      context.logger.info("the model answers again; its verdicts replace the offline ones");
    }
    down = since;
  });
}

/** What the model beside the cycle is doing, for the status line: null when all is well. */
export function modelLine(service: MonitoringService): string | null {
  const status = service.getModelStatus();
  if (status?.unavailable_since == null) return null;
  return `model unavailable since ${status.unavailable_since}, offline verdicts`;
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
    else if (context.rich) redrawSoon();
    else {
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
  let lastCycle: CycleStats | null = null;
  let redrawTimer: NodeJS.Timeout | undefined;
  // A state change between cycles (an agent woken by a write) redraws the table at once, at most
  // ten times a second.
  const redrawSoon = () => {
    if (redrawTimer !== undefined || lastCycle === null) return;
    redrawTimer = setTimeout(() => {
      redrawTimer = undefined;
      if (lastCycle !== null) draw(lastCycle);
    }, 100);
    redrawTimer.unref();
  };
  // Errors need no listener here: the service logs each one as it emits it.
  service.on("cycle", (stats) => {
    lastCycle = stats;
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
    draw(stats);
  });
  function draw(stats: CycleStats): void {
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
    const model = modelLine(service);
    if (model !== null) footer.push(c.yellow(fitWidth(`⚠ ${model}`, columns)));
    for (const problem of context.logger.problems()) {
      if (now - problem.at < PROBLEM_SHOWN_MS)
        footer.push(c.yellow(fitWidth(`⚠ ${problem.text}`, columns)));
    }
    context.io.stdout.write(`\u001b[H\u001b[2J${table}\n${footer.join("\n")}\n`);
  }
  return { rows };
}

/** `agentwatch watch`: runs the monitoring service until Ctrl-C (or one cycle with --once). */
export async function watchCommand(base: CommandContext, flags: WatchFlags): Promise<void> {
  const notifications = await createNotifications(base, flags);
  const prepared = await prepare(base, flags, { once: flags.once });
  const { context } = prepared;
  const { service, tmux, judgeStats } = await buildService(prepared, flags);
  const otel = startExport(context, service, flags, judgeStats);
  const where = describeWhere(prepared.flags, context.config, context.io, prepared.sessions);
  const view = attachView(service, context, flags, where);
  notifications.attach(service);
  if (flags.once) {
    try {
      await service.runOnce();
      // one look shows the model's verdicts, when it answers within its deadlines
      await service.modelSettled();
    } finally {
      await service.stop();
      await notifications.close();
      await stopExport(otel);
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
      await notifications.close();
      await stopExport(otel);
      await releaseCapture(context, tmux, flags.keepCapture === true);
    },
    { stopOn: context.io.gone },
  );
}
