import { type Clock, systemClock } from "@agentwatch/models";
import { InvalidArgumentError, ProviderError } from "./errors.js";
import { checkInteger, checkNumber } from "./options.js";
import type { JudgeInput, Judgement, SummaryProvider } from "./provider.js";

/** Options of `GuardedProvider`. */
export interface GuardedProviderOptions {
  /** Consecutive failed calls that open the breaker; 3 by default. */
  failureThreshold?: number | undefined;
  /** How long an open breaker refuses calls before one probe call, in ms; 300 000 (5 min) by default. */
  openMs?: number | undefined;
  /** How long one call may take before it counts as failed, in ms; 20 000 by default. */
  deadlineMs?: number | undefined;
  /** Epoch milliseconds; `Date.now` by default. */
  clock?: Clock | undefined;
}

/** Where the breaker stands. */
export interface BreakerStatus {
  /** `closed`: calls go through; `open`: refused until `retryAt`; `probing`: one call decides. */
  readonly state: "closed" | "open" | "probing";
  /** When the model became unavailable (the first of the failures that opened it), epoch ms. */
  readonly unavailableSince: number | null;
  /** When the next probe call may go (while open), epoch ms. */
  readonly retryAt: number | null;
  /** Why the last call failed, while the model is unavailable. */
  readonly lastError: string | null;
}

/** Calls counted since the guard was made. */
export interface GuardStats {
  readonly started: number;
  readonly finished: number;
  readonly failed: number;
  /** Calls refused by the open breaker (never sent). */
  readonly skipped: number;
}

const sleepFor = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
    signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  });

/**
 * A provider guarded by a deadline per call and a circuit breaker: after `failureThreshold`
 * consecutive failed calls (errors or calls past their deadline), no call is sent for `openMs`;
 * then one probe call goes, and its outcome closes the breaker or opens it again. A refused call
 * throws at once a `ProviderError` with code `MODEL_UNAVAILABLE` saying since when (the generator
 * then gives the offline verdict), so a model endpoint that is down costs nothing per agent.
 *
 * @throws {InvalidArgumentError} when an option is out of range.
 * @example
 * const model = new GuardedProvider(new AnthropicProvider({ model: "claude-haiku-4-5" }));
 * const generator = new SummaryGenerator({ provider: model });
 */
export class GuardedProvider implements SummaryProvider {
  readonly name: string;
  readonly #inner: SummaryProvider;
  readonly #threshold: number;
  readonly #openMs: number;
  readonly #deadlineMs: number;
  readonly #clock: Clock;
  #failures = 0;
  #since: number | null = null;
  #retryAt: number | null = null;
  #probing = false;
  #lastError: string | null = null;
  readonly #stats = { started: 0, finished: 0, failed: 0, skipped: 0 };

  constructor(inner: SummaryProvider, options: GuardedProviderOptions = {}) {
    if (inner === null || typeof inner !== "object" || typeof inner.judge !== "function") {
      throw new InvalidArgumentError("GuardedProvider: expected a provider with judge()", "inner");
    }
    this.#inner = inner;
    this.name = inner.name;
    this.#threshold = checkInteger(options.failureThreshold, "failureThreshold", 3, 1);
    this.#openMs = checkNumber(options.openMs, "openMs", 300_000, 1);
    this.#deadlineMs = checkNumber(options.deadlineMs, "deadlineMs", 20_000, 1);
    this.#clock = options.clock ?? systemClock;
  }

  /** Calls started, finished, failed and refused so far. */
  get stats(): GuardStats {
    return { ...this.#stats };
  }

  /** Where the breaker stands now. */
  status(): BreakerStatus {
    const open = this.#retryAt !== null;
    return {
      state: this.#probing ? "probing" : open ? "open" : "closed",
      unavailableSince: open || this.#probing ? this.#since : null,
      retryAt: this.#retryAt,
      lastError: open || this.#probing ? this.#lastError : null,
    };
  }

  async judge(input: JudgeInput): Promise<Judgement> {
    const now = this.#clock();
    if (this.#retryAt !== null) {
      if (now < this.#retryAt || this.#probing) {
        this.#stats.skipped++;
        throw new ProviderError(
          `model unavailable since ${new Date(this.#since ?? now).toISOString()} (${this.#lastError ?? "failed"}); offline verdicts until ${new Date(this.#retryAt).toISOString()}`,
          "MODEL_UNAVAILABLE",
          this.name,
        );
      }
      this.#probing = true;
    }
    this.#stats.started++;
    const stop = new AbortController();
    try {
      const verdict = await Promise.race([
        this.#inner.judge(input),
        sleepFor(this.#deadlineMs, stop.signal).then(() => {
          throw new ProviderError(
            `no verdict within ${this.#deadlineMs} ms`,
            "MODEL_DEADLINE",
            this.name,
          );
        }),
      ]);
      this.#stats.finished++;
      this.#failures = 0;
      this.#since = null;
      this.#retryAt = null;
      this.#lastError = null;
      return verdict;
    } catch (error) {
      this.#stats.failed++;
      this.#failures++;
      this.#since ??= now;
      this.#lastError = error instanceof Error ? error.message : String(error);
      if (this.#probing || this.#failures >= this.#threshold) {
        this.#retryAt = this.#clock() + this.#openMs;
      }
      throw error;
    } finally {
      stop.abort();
      this.#probing = false;
    }
  }
}
