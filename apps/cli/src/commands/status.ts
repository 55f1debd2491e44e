import { SummaryStore } from "@agentwatch/summary-store";
import { colors, oneLine } from "@agentwatch/term-ui";
import { type CommandContext, print } from "../context.js";
import { CliError } from "../errors.js";
import {
  type ShownSummary,
  costToday,
  formatCost,
  renderAgentTable,
  rowFromSummary,
  summaryLine,
} from "../summary-view.js";

/** `agentwatch status [--json]`: the latest summary of every agent in the summary dir. */
export async function statusCommand(
  context: CommandContext,
  flags: { json: boolean },
): Promise<void> {
  const store = new SummaryStore(context.config.summary_dir, { logger: context.logger });
  let summaries: ShownSummary[];
  try {
    summaries = await store.getAllLatest();
  } catch (error) {
    throw new CliError(`cannot read summaries: ${(error as Error).message}`, 1, { cause: error });
  }
  if (flags.json) {
    print(context, JSON.stringify(summaries, null, 2));
    return;
  }
  if (summaries.length === 0) {
    print(
      context,
      oneLine(`no summaries in ${store.summaryDir} yet (is agentwatch watch running?)`),
    );
    return;
  }
  if (context.rich) {
    const columns = context.io.stdout.columns ?? 120;
    print(
      context,
      renderAgentTable(summaries.map(rowFromSummary), { columns, colors: colors(true) }),
    );
  } else {
    for (const summary of summaries) print(context, summaryLine(summary));
    const cost = costToday(summaries.map(rowFromSummary), Date.now());
    if (cost !== null) {
      print(
        context,
        `${formatCost(cost.usd)} for the ${cost.sessions === 1 ? "session" : `${cost.sessions} sessions`} active today`,
      );
    }
  }
}
