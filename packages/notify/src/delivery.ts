import type { Logger } from "@agentwatch/models";
import { DeliveryError } from "./errors.js";
import type { Notification } from "./message.js";
import type { TargetKind } from "./target-spec.js";

/** Sends one notification somewhere; what each target kind implements. */
export interface TargetDriver {
  readonly kind: TargetKind;
  /** How logs and metrics name it, without secrets (`describeTarget`). */
  readonly label: string;
  /**
   * Delivers `notification`, honouring `signal` (the per-delivery deadline, or closing).
   *
   * @throws {DeliveryError} saying whether a retry may help.
   */
  send(notification: Notification, signal: AbortSignal): Promise<void>;
}

/** The counters of one target. */
export interface TargetStats {
  readonly target: string;
  readonly kind: TargetKind;
  /** Notifications delivered. */
  readonly sent: number;
  /** Notifications given up on after their last try (or at once, for a failure a retry cannot fix). */
  readonly failed: number;
  /** Notifications dropped unsent: the oldest of a full queue, or still queued at close. */
  readonly dropped: number;
  /** Tries made again after a retryable failure. */
  readonly retried: number;
  /** Notifications waiting now, the one being delivered included. */
  readonly queued: number;
}

/** How deliveries are bounded and retried (see `NotifierOptions`). */
export interface DeliveryOptions {
  readonly queueSize: number;
  readonly deadlineMs: number;
  readonly retries: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly logger: Logger;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One target's queue: notifications are delivered one at a time, in order, each within a deadline
 * and retried with exponential backoff while the failure may pass. A full queue drops its oldest.
 * A failure is logged once per outage (when the target stops working), and its end once.
 */
export class DeliveryQueue {
  readonly #driver: TargetDriver;
  readonly #options: DeliveryOptions;
  readonly #items: Notification[] = [];
  /** Aborts the delivery in flight and any backoff wait: the close deadline passed. */
  readonly #abandon = new AbortController();
  #running: Promise<void> | undefined;
  #inFlight = 0;
  #closed = false;
  #outage: { failed: number } | null = null;
  #sent = 0;
  #failed = 0;
  #dropped = 0;
  #retried = 0;

  constructor(driver: TargetDriver, options: DeliveryOptions) {
    this.#driver = driver;
    this.#options = options;
  }

  /** Queues `notification`; never waits. */
  push(notification: Notification): void {
    if (this.#closed) {
      this.#dropped++;
      return;
    }
    if (this.#items.length >= this.#options.queueSize) {
      this.#items.shift();
      this.#dropped++;
    }
    this.#items.push(notification);
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  /** The counters now. */
  stats(): TargetStats {
    return {
      target: this.#driver.label,
      kind: this.#driver.kind,
      sent: this.#sent,
      failed: this.#failed,
      dropped: this.#dropped,
      retried: this.#retried,
      queued: this.#items.length + this.#inFlight,
    };
  }

  /**
   * Takes nothing more, delivers what is queued for at most `timeoutMs`, then abandons the rest
   * (counted as dropped).
   */
  async close(timeoutMs: number): Promise<void> {
    this.#closed = true;
    const running = this.#running;
    if (running !== undefined) {
      const timer = setTimeout(() => this.#abandon.abort(), Math.max(0, timeoutMs));
      try {
        await running;
      } finally {
        clearTimeout(timer);
      }
    }
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (this.#abandon.signal.aborted) {
        this.#dropped += this.#items.length;
        this.#items.length = 0;
        return;
      }
      const next = this.#items.shift();
      if (next === undefined) return;
      this.#inFlight = 1;
      try {
        await this.#deliver(next);
      } finally {
        this.#inFlight = 0;
      }
    }
  }

  async #deliver(notification: Notification): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const failure = await this.#attempt(notification);
      if (failure === null) {
        this.#sent++;
        if (this.#outage !== null) {
          this.#options.logger.info(
            { target: this.#driver.label },
            `notifications to ${this.#driver.label} are delivered again (${this.#outage.failed} failed meanwhile)`,
          );
          this.#outage = null;
        }
        return;
      }
      if (this.#abandon.signal.aborted) {
        this.#dropped++;
        return;
      }
      if (!failure.retryable || attempt >= this.#options.retries) {
        this.#failed++;
        this.#told(failure, attempt + 1);
        return;
      }
      this.#retried++;
      const backoff = Math.min(this.#options.retryMaxMs, this.#options.retryBaseMs * 2 ** attempt);
      await pause(Math.max(backoff, failure.retryAfterMs ?? 0), this.#abandon.signal);
    }
  }

  /** One try within the deadline: null when delivered, else why not. */
  async #attempt(notification: Notification): Promise<DeliveryError | null> {
    const controller = new AbortController();
    const deadline = this.#options.deadlineMs;
    const timer = setTimeout(
      () =>
        controller.abort(new DeliveryError(`no answer within ${deadline} ms`, { retryable: true })),
      deadline,
    );
    const abandon = () =>
      controller.abort(new DeliveryError("abandoned at close", { retryable: false }));
    if (this.#abandon.signal.aborted) abandon();
    this.#abandon.signal.addEventListener("abort", abandon, { once: true });
    // A driver that ignored its signal still cannot hold the queue past the deadline.
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason as Error), {
        once: true,
      });
    });
    aborted.catch(() => {});
    try {
      await Promise.race([this.#driver.send(notification, controller.signal), aborted]);
      return null;
    } catch (error) {
      if (controller.signal.aborted && controller.signal.reason instanceof DeliveryError) {
        return controller.signal.reason;
      }
      if (error instanceof DeliveryError) return error;
      return new DeliveryError(describeFailure(error), { retryable: false }, { cause: error });
    } finally {
      clearTimeout(timer);
      this.#abandon.signal.removeEventListener("abort", abandon);
    }
  }

  #told(failure: DeliveryError, tries: number): void {
    if (this.#outage !== null) {
      this.#outage.failed++;
      return;
    }
    this.#outage = { failed: 1 };
    const retries = tries > 1 ? ` after ${tries} tries` : "";
    this.#options.logger.warn(
      { target: this.#driver.label, err: failure },
      `cannot notify ${this.#driver.label}${retries}: ${failure.message}; ` +
        "later notifications are still tried, counted, and this is said again when it works",
    );
  }
}
