import { type Clock, type Logger, silentLogger, systemClock } from "@agentwatch/models";
import {
  type DeliveryOptions,
  DeliveryQueue,
  type TargetDriver,
  type TargetStats,
} from "./delivery.js";
import { NotifyError } from "./errors.js";
import { type FetchLike, ntfyDriver, webhookDriver } from "./http-targets.js";
import type { Notification } from "./message.js";
import { type NotifyTimer, NotifyPolicy, type PolicyStats, systemTimer } from "./policy.js";
import { type Environment, bellDriver, commandDriver, desktopDriver } from "./process-targets.js";
import { type TargetSpec, parseTargetSpec } from "./target-spec.js";
import type { AgentTransition, SummaryLike } from "./transition.js";

/** Options of `createNotifier`; every one but `targets` has a default. */
export interface NotifierOptions {
  /** Where to send: spec strings (`bell`, `desktop`, `webhook=URL`, `ntfy=URL`, `command=CMD`) or parsed specs. */
  readonly targets: readonly (string | TargetSpec)[];
  /** Also notify an agent that finished its turn (working → idle). Off by default. */
  readonly turnEnd?: boolean | undefined;
  /** The same agent entering the same state again within this is not told again. 60 s by default. */
  readonly cooldownMs?: number | undefined;
  /** At most this many messages per `rateWindowMs` across the fleet; more are folded into a digest. 5 by default. */
  readonly rateLimit?: number | undefined;
  /** The window of `rateLimit`. 60 s by default. */
  readonly rateWindowMs?: number | undefined;
  /**
   * How long a notification whose prompt is not known yet waits for the agent's summary (given
   * with `summary()`) to quote it. 2 s by default; 0 sends at once.
   */
  readonly summaryWaitMs?: number | undefined;
  /** Notifications waiting per target; when full the oldest is dropped (and counted). 100 by default. */
  readonly queueSize?: number | undefined;
  /** Longest one delivery try may take (a request, a command), then it is aborted. 5 s by default. */
  readonly deadlineMs?: number | undefined;
  /** Tries after the first for a failure that may pass (timeout, connection error, 5xx, 429). 3 by default. */
  readonly retries?: number | undefined;
  /** The first wait before a retry, doubled each time. 1 s by default. */
  readonly retryBaseMs?: number | undefined;
  /** The longest wait before a retry (a receiver's `Retry-After` may ask for more, up to 5 min). 30 s by default. */
  readonly retryMaxMs?: number | undefined;
  /** Rings the terminal bell; required by the `bell` target. */
  readonly bell?: ((notification: Notification) => void) | undefined;
  /**
   * The environment of the commands and desktop tool run (PATH, DISPLAY, DBUS_SESSION_BUS_ADDRESS);
   * when given, the desktop tool is looked up on its PATH at start. By default they inherit this
   * process's environment and a missing tool shows at the first delivery.
   */
  readonly env?: Environment | undefined;
  /** The platform, which decides the desktop tool; `process.platform` by default. */
  readonly platform?: NodeJS.Platform | undefined;
  /** The `fetch` of the HTTP targets; the global one by default. */
  readonly fetch?: FetchLike | undefined;
  /** A pino-compatible logger; silent by default. */
  readonly logger?: Logger | undefined;
  /** Epoch milliseconds, for cooldowns and the rate limit; `Date.now` by default. */
  readonly clock?: Clock | undefined;
  /** Schedules digests and summary waits; `setTimeout` by default (tests of a fake clock pass their own). */
  readonly timer?: NotifyTimer | undefined;
  /** Aborting it closes the notifier (as `close()` with its default deadline). */
  readonly signal?: AbortSignal | undefined;
}

/** What `stats()` returns: the policy's decisions and each target's deliveries. */
export interface NotifierStats extends PolicyStats {
  readonly targets: readonly TargetStats[];
}

/** Sends notifications of agents that need a person; see `createNotifier`. */
export interface Notifier {
  /** Takes one agent transition (a `state_change`); returns at once, whatever the targets do. */
  notify(transition: AgentTransition): void;
  /** Takes an agent's new summary, so a notification waiting for its prompt text can quote it. */
  summary(instanceId: string, summary: SummaryLike): void;
  /** The counters, for metrics. */
  stats(): NotifierStats;
  /**
   * Sends what is held back now (past the rate limit), delivers what is queued within `timeoutMs`
   * (5 s by default), abandons the rest, and resolves with the final counters. Later calls of
   * `notify` are ignored.
   */
  close(options?: { timeoutMs?: number | undefined }): Promise<NotifierStats>;
}

function positive(
  name: keyof NotifierOptions,
  value: number | undefined,
  fallback: number,
  min = 1,
): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min) {
    throw new NotifyError(
      `invalid ${name}: expected a number of at least ${min}, got ${String(value)}`,
      "NOTIFY_INVALID_OPTION",
    );
  }
  return value;
}

async function driverOf(spec: TargetSpec, options: NotifierOptions): Promise<TargetDriver> {
  switch (spec.kind) {
    case "bell":
      if (options.bell === undefined) {
        throw new NotifyError(
          "the bell target needs a terminal to ring; use it with agentwatch watch, or choose another target",
          "NOTIFY_TARGET_UNAVAILABLE",
        );
      }
      return bellDriver(options.bell);
    case "desktop":
      return desktopDriver(options.platform ?? process.platform, options.env);
    case "webhook":
      return webhookDriver(spec.url, options.fetch ?? globalThis.fetch);
    case "ntfy":
      return ntfyDriver(spec.url, options.fetch ?? globalThis.fetch);
    case "command":
      return commandDriver(spec.command, options.env);
  }
}

/**
 * Makes a notifier: it is given agent transitions and decides what notifies (an agent entering
 * waiting_permission, waiting_input, blocked or off_track, and with `turnEnd` one finishing its
 * turn), once per transition, with a per-agent cooldown and a fleet-wide rate limit, and delivers
 * to every target through its own bounded queue, with a deadline and retries. It never waits on a
 * target, throws from `notify`, or reads `process.env`.
 *
 * @throws {NotifyError} `NOTIFY_INVALID_TARGET` for a spec that cannot be read,
 *   `NOTIFY_TARGET_UNAVAILABLE` for a target that cannot work here (no notify-send, no bell
 *   callback), `NOTIFY_INVALID_OPTION` for an option out of range.
 * @example
 * const notifier = await createNotifier({ targets: ["webhook=https://hooks.example.com/x"], logger });
 * service.on("state_change", (change) => notifier.notify({ ...change, where: logPath }));
 * // on shutdown:
 * await notifier.close();
 */
export async function createNotifier(options: NotifierOptions): Promise<Notifier> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const delivery: DeliveryOptions = {
    queueSize: positive("queueSize", options.queueSize, 100),
    deadlineMs: positive("deadlineMs", options.deadlineMs, 5_000),
    retries: positive("retries", options.retries, 3, 0),
    retryBaseMs: positive("retryBaseMs", options.retryBaseMs, 1_000),
    retryMaxMs: positive("retryMaxMs", options.retryMaxMs, 30_000),
    logger,
  };
  const specs = options.targets.map((target) =>
    typeof target === "string" ? parseTargetSpec(target) : target,
  );
  const queues: DeliveryQueue[] = [];
  for (const spec of specs) queues.push(new DeliveryQueue(await driverOf(spec, options), delivery));
  const policy = new NotifyPolicy(
    {
      turnEnd: options.turnEnd === true,
      cooldownMs: positive("cooldownMs", options.cooldownMs, 60_000, 0),
      rateLimit: positive("rateLimit", options.rateLimit, 5),
      rateWindowMs: positive("rateWindowMs", options.rateWindowMs, 60_000),
      summaryWaitMs: positive("summaryWaitMs", options.summaryWaitMs, 2_000, 0),
      clock,
      timer: options.timer ?? systemTimer,
    },
    (notification) => {
      for (const queue of queues) queue.push(notification);
    },
  );
  let closing: Promise<NotifierStats> | undefined;
  const stats = (): NotifierStats => ({
    ...policy.stats(),
    targets: queues.map((queue) => queue.stats()),
  });
  const guard = (what: string, work: () => void) => {
    if (closing !== undefined) return;
    try {
      work();
    } catch (error) {
      logger.error({ err: error }, `the notifier failed on ${what}; notifications go on`);
    }
  };
  const notifier: Notifier = {
    notify: (transition) => guard("a transition", () => policy.transition(transition)),
    summary: (instanceId, summary) => guard("a summary", () => policy.summary(instanceId, summary)),
    stats,
    close: (closeOptions = {}) => {
      closing ??= (async () => {
        try {
          policy.flush();
        } catch (error) {
          logger.error({ err: error }, "the notifier failed to flush at close");
        }
        const timeoutMs = closeOptions.timeoutMs ?? 5_000;
        await Promise.all(queues.map((queue) => queue.close(timeoutMs)));
        return stats();
      })();
      return closing;
    },
  };
  if (options.signal?.aborted === true) void notifier.close();
  else options.signal?.addEventListener("abort", () => void notifier.close(), { once: true });
  return notifier;
}
