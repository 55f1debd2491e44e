import { Anthropic } from "@anthropic-ai/sdk";
import { type Clock, type Logger, silentLogger, systemClock } from "@agentwatch/models";
import { InvalidReplyError, ModelCallError } from "./errors.js";
import { parseJudgement } from "./judgement.js";
import {
  buildUserMessage,
  MAX_PROMPT_LINES,
  randomNonce,
  REPORT_TOOL,
  REPORT_TOOL_NAME,
  SYSTEM_PROMPT,
} from "./model-prompt.js";
import { checkInteger, checkNumber } from "./options.js";
import { costOf, DEFAULT_PRICING, type ModelPrice, priceOf } from "./pricing.js";
import type { JudgeInput, Judgement, ProviderUsage, SummaryProvider } from "./provider.js";
import { jsonFromText } from "./reply-text.js";
import { backoffMs, classifyFailure, type Failure, REMEDIES } from "./retry-policy.js";

/** Options of `AnthropicProvider`. */
export interface AnthropicProviderOptions {
  /** The API key; by default the SDK reads `ANTHROPIC_API_KEY` (this package reads no variable). */
  apiKey?: string | undefined;
  /** The API's base URL; by default the SDK reads `ANTHROPIC_BASE_URL`, else the public API. */
  baseURL?: string | undefined;
  /** The model, `claude-haiku-4-5` by default. */
  model?: string | undefined;
  /** Requests per verdict, retries included (3 by default, at least 1). */
  maxAttempts?: number | undefined;
  /** Waits between attempts; `setTimeout` by default. Tests pass a fake one. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** How long one request may take, in milliseconds (30 000 by default). */
  timeoutMs?: number | undefined;
  /** The reply's `max_tokens` (1024 by default). */
  maxTokens?: number | undefined;
  /** Prices per model, merged over `DEFAULT_PRICING`. */
  pricing?: Readonly<Record<string, ModelPrice>> | undefined;
  /** The first backoff delay in milliseconds (1000 by default), doubled after each failure. */
  baseRetryDelayMs?: number | undefined;
  /** The longest wait between attempts (30 000 ms by default); a longer `retry-after` ends the retries. */
  maxRetryDelayMs?: number | undefined;
  /** The most cleaned log lines in the prompt (100 by default). */
  maxPromptLines?: number | undefined;
  /** Makes the nonce of each request's data fences; 16 random bytes in hex by default. */
  nonce?: (() => string) | undefined;
  /** Where retries and SDK messages go; silent by default. */
  logger?: Logger | undefined;
  /** Epoch milliseconds, for `retry-after` dates; `Date.now` by default. */
  clock?: Clock | undefined;
}

interface Tally {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function sdkLogger(logger: Logger) {
  const forward =
    (method: keyof Logger) =>
    (message: string, ...rest: unknown[]) =>
      logger[method](rest.length > 0 ? { sdk: rest } : {}, `anthropic sdk: ${message}`);
  return {
    error: forward("error"),
    warn: forward("warn"),
    info: forward("info"),
    debug: forward("debug"),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Judges agents with a Claude model through the official `@anthropic-ai/sdk`.
 *
 * Each verdict is one Messages API request: a fixed system prompt, a compact digest (the agent's
 * context, the measured facts, the previous summary and at most the last 100 cleaned log lines,
 * each in a data fence whose random nonce the log cannot know), and a forced call to the
 * `report_agent_status` tool whose input schema is the judged fields. The reply is validated
 * (`parseJudgement`); an invalid reply, 429 (honouring `retry-after-ms` / `retry-after`), 5xx,
 * 529, a timeout or a connection error is retried with exponential backoff (1 s, 2 s, 4 s…) up
 * to `maxAttempts` requests; 400, 401, 403 and 404 are not. The SDK's own retries are off.
 *
 * @throws {ModelCallError} from `judge()` when no valid verdict came back.
 * @throws {InvalidArgumentError} from the constructor for an invalid option.
 * @example
 * const provider = new AnthropicProvider({ model: "claude-haiku-4-5", logger });
 * const generator = new SummaryGenerator({ provider, logger });
 */
export class AnthropicProvider implements SummaryProvider {
  /** `anthropic:<model>`. */
  readonly name: string;
  /** The model asked for every verdict. */
  readonly model: string;
  readonly #client: Anthropic;
  readonly #maxAttempts: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #maxTokens: number;
  readonly #pricing: Readonly<Record<string, ModelPrice>>;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #maxPromptLines: number;
  readonly #nonce: () => string;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #unpriced = new Set<string>();

  constructor(options: AnthropicProviderOptions = {}) {
    this.model = options.model ?? "claude-haiku-4-5";
    this.name = `anthropic:${this.model}`;
    this.#maxAttempts = checkInteger(options.maxAttempts, "maxAttempts", 3, 1);
    const timeout = checkNumber(options.timeoutMs, "timeoutMs", 30_000, 1);
    this.#maxTokens = checkInteger(options.maxTokens, "maxTokens", 1024, 1);
    this.#baseDelayMs = checkNumber(options.baseRetryDelayMs, "baseRetryDelayMs", 1000, 0);
    this.#maxDelayMs = checkNumber(options.maxRetryDelayMs, "maxRetryDelayMs", 30_000, 0);
    this.#maxPromptLines = checkInteger(
      options.maxPromptLines,
      "maxPromptLines",
      MAX_PROMPT_LINES,
      1,
    );
    this.#sleep = options.sleep ?? defaultSleep;
    this.#pricing = { ...DEFAULT_PRICING, ...options.pricing };
    this.#nonce = options.nonce ?? randomNonce;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.#client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      maxRetries: 0,
      timeout,
      logger: sdkLogger(this.#logger),
    });
  }

  /**
   * Asks the model for a verdict on one agent.
   *
   * @throws {ModelCallError} when a failure is not retried or `maxAttempts` requests failed;
   *   its `usage` holds the tokens the failed attempts cost.
   */
  async judge(input: JudgeInput): Promise<Judgement> {
    const nonce = this.#nonce();
    const params = {
      model: this.model,
      max_tokens: this.#maxTokens,
      system: SYSTEM_PROMPT,
      messages: [
        {
          role: "user" as const,
          content: buildUserMessage(input, nonce, this.#maxPromptLines),
        },
      ],
      tools: [REPORT_TOOL],
      tool_choice: { type: "tool" as const, name: REPORT_TOOL_NAME },
    };
    const tally: Tally = { requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
    let failure: Failure | undefined;
    let cause: unknown;
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      try {
        tally.requests++;
        const message: unknown = await this.#client.messages.create(params);
        this.#count(message, tally);
        return { ...this.#read(message), usage: { ...tally } };
      } catch (error) {
        cause = error;
        failure = classifyFailure(error, this.#clock());
      }
      if (!failure.retryable || attempt === this.#maxAttempts) break;
      const asked = failure.retryAfterMs;
      if (asked !== undefined && asked > this.#maxDelayMs)
        throw this.#error(
          failure,
          tally,
          cause,
          `; the API asked to retry after ${Math.ceil(asked)} ms, longer than maxRetryDelayMs (${this.#maxDelayMs} ms)`,
        );
      const delay = asked ?? backoffMs(attempt, this.#baseDelayMs, this.#maxDelayMs);
      this.#logger.info(
        {
          instanceId: input.instanceId,
          provider: this.name,
          attempt,
          code: failure.code,
          delayMs: delay,
        },
        `${this.name}: attempt ${attempt} failed (${failure.what}); retrying in ${delay} ms`,
      );
      await this.#sleep(delay);
    }
    throw this.#error(failure!, tally, cause, "");
  }

  #error(failure: Failure, tally: Tally, cause: unknown, extra: string): ModelCallError {
    const usage: ProviderUsage = { ...tally };
    const attempts = tally.requests;
    return new ModelCallError(
      `${this.name}: ${failure.what}${extra} (after ${attempts} attempt${attempts === 1 ? "" : "s"}); ${REMEDIES[failure.code]}`,
      failure.code,
      this.name,
      {
        attempts,
        status: failure.status,
        retryAfterMs: failure.retryAfterMs,
        usage,
        cause,
      },
    );
  }

  /** Adds a reply's tokens and their cost to the tally. */
  #count(message: unknown, tally: Tally): void {
    if (!isRecord(message) || !isRecord(message.usage)) return;
    const count = (value: unknown) =>
      typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
    const input = count(message.usage.input_tokens);
    const output = count(message.usage.output_tokens);
    tally.inputTokens += input;
    tally.outputTokens += output;
    const replyModel = typeof message.model === "string" ? message.model : this.model;
    const price = priceOf(this.model, this.#pricing) ?? priceOf(replyModel, this.#pricing);
    if (price !== undefined) tally.costUsd += costOf(price, input, output);
    else if (!this.#unpriced.has(this.model)) {
      this.#unpriced.add(this.model);
      this.#logger.warn(
        { provider: this.name, model: this.model },
        `${this.name}: no price for model ${this.model}; its cost counts as 0, pass pricing to AnthropicProvider`,
      );
    }
  }

  /** The verdict in a reply: the report tool's input, or (leniently) JSON in its text. */
  #read(message: unknown): Judgement {
    if (!isRecord(message) || !Array.isArray(message.content))
      throw new InvalidReplyError(
        `${this.name}: the response is not a Messages API message`,
        this.name,
        typeof message === "string" ? message : (JSON.stringify(message) ?? String(message)),
      );
    const blocks = message.content.filter(isRecord);
    const call = blocks.find(
      (block) => block.type === "tool_use" && block.name === REPORT_TOOL_NAME,
    );
    if (call !== undefined) return parseJudgement(call.input, this.name);
    const text = blocks
      .filter((block) => block.type === "text" && typeof block.text === "string")
      .map((block) => block.text as string)
      .join("\n");
    return parseJudgement(jsonFromText(text, this.name), this.name);
  }
}
