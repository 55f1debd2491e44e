import { cleanTerminalOutput } from "@agentwatch/activity";
import { IncrementalLogReader } from "@agentwatch/log-reader";
import { oneLine } from "@agentwatch/term-ui";
import { InMemoryPositionStore } from "@agentwatch/models";
import { type CommandContext, print } from "../context.js";
import { CliError } from "../errors.js";
import { runUntilSignal, untilAborted } from "../shutdown.js";
import { type SourceFlags, buildSource, planSources } from "../sources.js";
import { withFoundDirs, withOwnDirs } from "../state-home.js";

/** Raw lines read per line shown at first, and at most. */
const RAW_PER_SHOWN = 8;
const RAW_LINES_MAX = 800_000;

/** Flags of `agentwatch tail`. */
export interface TailFlags extends SourceFlags {
  readonly lines: number;
  readonly follow: boolean;
  readonly intervalMs: number;
}

/**
 * `agentwatch tail <instance>`: the agent's last cleaned lines, then (with follow) its new output as
 * it comes. Reads with its own in-memory positions, so the monitor's saved positions are untouched.
 */
export async function tailCommand(
  base: CommandContext,
  instanceId: string,
  flags: TailFlags,
): Promise<void> {
  const plan = await planSources(flags, base);
  const context = plan.layoutOnly ? await withFoundDirs(base) : withOwnDirs(base);
  const { source } = buildSource(plan.flags, context, plan.sessions);
  const problems: string[] = [];
  const agents = await source.list({
    logger: context.logger,
    report: (e) => problems.push(e.message),
  });
  const agent = agents.find((a) => a.instance_id === instanceId);
  if (agent === undefined) {
    const known = agents.map((a) => a.instance_id).sort();
    const hint =
      known.length > 0 ? `known: ${known.join(", ")}` : `no agents found in ${source.name}`;
    throw new CliError(
      `no agent ${instanceId} (${hint}); pass --log-dir, --logs or --agents to say where its log is`,
    );
  }
  const positions = new InMemoryPositionStore();
  // The first read skips to the newest lines; later reads page through everything new. Cleaning
  // drops blank lines, redraws and frames, so more raw lines are read than are shown.
  const first = new IncrementalLogReader({
    positionTracker: positions,
    maxLinesPerRead: Math.min(RAW_LINES_MAX, Math.max(flags.lines * RAW_PER_SHOWN, 200)),
    catchUp: "skip",
  });
  const follow = new IncrementalLogReader({ positionTracker: positions, maxLinesPerRead: 1000 });
  const show = (lines: readonly string[], last = Infinity) => {
    for (const line of cleanTerminalOutput([...lines]).slice(-last)) print(context, oneLine(line));
  };
  const opening = await first.readNewContent(
    agent.instance_id,
    agent.log_file_path,
    agent.log_type,
  );
  if (opening.error !== null) {
    throw new CliError(`cannot read ${agent.log_file_path}: ${opening.error.message}`);
  }
  show(opening.lines, flags.lines);
  if (!flags.follow) return;
  await runUntilSignal(
    async (signal) => {
      while (!signal.aborted) {
        const result = await follow.readNewContent(
          agent.instance_id,
          agent.log_file_path,
          agent.log_type,
        );
        if (result.error !== null)
          context.logger.warn(result.error, `cannot read ${agent.log_file_path}`);
        show(result.lines);
        if (result.hasMore) continue;
        await untilAborted(signal, flags.intervalMs);
      }
    },
    { stopOn: context.io.gone },
  );
}
