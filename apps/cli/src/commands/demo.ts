import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type RunningAgent, SIM_AGENTS, nextRun, startAgent } from "@agentwatch/agent-sim";
import { colors } from "@agentwatch/term-ui";
import { type CommandContext, commandContext, type GlobalFlags, print } from "../context.js";
import { selfCommand, shellQuote } from "../self-command.js";
import { renderAgentTable, summaryLine } from "../summary-view.js";
import { runUntilSignal, untilAborted } from "../shutdown.js";
import { attachView, buildService, prepare } from "./watch.js";

/** Flags of `agentwatch demo`. */
export interface DemoFlags {
  readonly workspace?: string | undefined;
  readonly durationSeconds: number;
  readonly intervalSeconds: number;
  readonly agents: number;
  readonly offline: boolean;
}

/**
 * `agentwatch demo`: simulated agents in a workspace of the original layout, watched by the whole
 * pipeline (reader, activity, summarizer, summary store, monitor) for a while; then the summaries.
 */
export async function demoCommand(
  global: GlobalFlags,
  base: CommandContext,
  flags: DemoFlags,
): Promise<void> {
  const workspace = resolve(flags.workspace ?? (await mkdtemp(join(tmpdir(), "agentwatch-demo-"))));
  const context = await commandContext(global, base.io, {
    log_dir: workspace,
    state_dir: global.stateDir ?? join(workspace, "monitoring_state"),
    summary_dir: global.summaryDir ?? join(workspace, "summaries"),
    poll_interval_seconds: flags.intervalSeconds,
  });
  const run = await nextRun(workspace);
  const agents: RunningAgent[] = [];
  // Every way out of this process takes the simulated agents with it (they also stop by
  // themselves when it dies, even by SIGKILL: their stdin pipe from it closes).
  const killAgents = () => {
    for (const agent of agents) agent.kill();
  };
  process.on("exit", killAgents);
  try {
    const durationMs = flags.durationSeconds * 1000;
    const started = await Promise.allSettled(
      SIM_AGENTS.slice(0, flags.agents).map((spec, index) =>
        startAgent(workspace, spec, { run, index, durationMs }),
      ),
    );
    for (const result of started) if (result.status === "fulfilled") agents.push(result.value);
    const failed = started.find((result) => result.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    if (!context.rich)
      print(context, `workspace ${workspace}: ${agents.length} simulated agents (run ${run})`);
    const prepared = await prepare(context, { logDir: workspace }, { once: false });
    const { service } = await buildService(prepared, { offline: flags.offline });
    const view = attachView(service, context, { json: false }, `the demo workspace ${workspace}`);
    await runUntilSignal(
      async (signal) => {
        service.start();
        await untilAborted(signal, durationMs);
        await Promise.allSettled(agents.splice(0).map((agent) => agent.stop()));
        await service.stop({ timeoutMs: 10_000 });
      },
      { stopOn: context.io.gone },
    );
    print(context, "");
    const rows = view.rows();
    if (context.rich) {
      print(
        context,
        renderAgentTable(rows, {
          columns: context.io.stdout.columns ?? 120,
          colors: colors(true),
        }),
      );
    } else {
      for (const row of rows) if (row.summary !== null) print(context, summaryLine(row.summary));
    }
    print(context, `summaries in ${context.config.summary_dir}; see them again with:`);
    print(
      context,
      `  ${await selfCommand(context.io)} status --summary-dir ${shellQuote(context.config.summary_dir)}`,
    );
  } finally {
    await Promise.allSettled(agents.map((agent) => agent.stop()));
    process.off("exit", killAgents);
  }
}
