import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PositionTracker } from "@agentwatch/position-store";
import { createServer } from "@agentwatch/server";
import { SummaryStore } from "@agentwatch/summary-store";
import { type CommandContext, print } from "../context.js";
import { CliError } from "../errors.js";
import { runUntilSignal, untilAborted } from "../shutdown.js";
import { createNotifications } from "../notifications.js";
import { type ReceiverFlags, receiverFrom, startExport, stopExport } from "../otel.js";
import { type WatchFlags, buildService, prepare, releaseCapture } from "./watch.js";

/** The built dashboard (`@agentwatch/dashboard`'s `dist`). */
function bundledDashboardDir(): string {
  const manifest = createRequire(import.meta.url).resolve("@agentwatch/dashboard/package.json");
  return join(dirname(manifest), "dist");
}

/**
 * `agentwatch serve`: the monitoring service, the HTTP/WebSocket server and the dashboard on one
 * port. Prints `listening on http://HOST:PORT` once it accepts connections, and runs until Ctrl-C.
 */
export async function serveCommand(
  base: CommandContext,
  flags: WatchFlags & ReceiverFlags & { dashboardDir?: string | undefined },
): Promise<void> {
  const notifications = await createNotifications(base, flags);
  const prepared = await prepare(base, flags, { once: false });
  const { context } = prepared;
  // The tracker is opened here: the server reports positions too.
  let tracker: PositionTracker;
  try {
    tracker = await PositionTracker.open(context.config.state_dir, { logger: context.logger });
  } catch (error) {
    throw new CliError(`cannot start monitoring: ${(error as Error).message}`, 1, { cause: error });
  }
  const { service, judgeStats, tmux } = await buildService(prepared, flags, { tracker });
  notifications.attach(service);
  const otel = startExport(context, service, flags, judgeStats);
  const store = new SummaryStore(context.config.summary_dir, { logger: context.logger });
  const server = createServer({
    service,
    store,
    config: context.config,
    logger: context.logger,
    dashboardDir: flags.dashboardDir ?? bundledDashboardDir(),
    // model calls, tokens and cost: the model's beside the cycle when there is one
    generatorStats: judgeStats,
    positions: tracker,
    otlpReceiver: receiverFrom(flags),
    exportStats: () => otel?.stats,
    notifyStats: () => notifications.stats(),
  });
  let url: string;
  try {
    ({ url } = await server.listen());
  } catch (error) {
    await service.stop();
    await stopExport(otel);
    throw new CliError(`cannot serve: ${(error as Error).message}`, 1, { cause: error });
  }
  print(context, `listening on ${url}`);
  await runUntilSignal(
    async (signal) => {
      service.start();
      await untilAborted(
        signal,
        flags.durationSeconds === undefined ? undefined : flags.durationSeconds * 1000,
      );
      await server.close();
      await service.stop({ timeoutMs: 10_000 });
      await notifications.close();
      await stopExport(otel);
      await releaseCapture(context, tmux, flags.keepCapture === true);
    },
    { stopOn: context.io.gone },
  );
}
