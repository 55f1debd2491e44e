/** The price of a model in US dollars per million tokens. */
export interface ModelPrice {
  /** Dollars per million input tokens. */
  readonly inputPerMTok: number;
  /** Dollars per million output tokens. */
  readonly outputPerMTok: number;
}

/**
 * Default prices (USD per million tokens, Anthropic's list prices when this package was written).
 * Defaults only: pass `pricing` to `AnthropicProvider` to correct or extend them. A dated model id
 * (`claude-haiku-4-5-20251001`) takes the price of the longest entry it starts with.
 */
export const DEFAULT_PRICING: Readonly<Record<string, ModelPrice>> = Object.freeze({
  "claude-haiku-4-5": { inputPerMTok: 1, outputPerMTok: 5 },
  "claude-sonnet-4-5": { inputPerMTok: 3, outputPerMTok: 15 },
  "claude-sonnet-4": { inputPerMTok: 3, outputPerMTok: 15 },
  "claude-opus-4-5": { inputPerMTok: 5, outputPerMTok: 25 },
  "claude-opus-4-1": { inputPerMTok: 15, outputPerMTok: 75 },
  "claude-opus-4": { inputPerMTok: 15, outputPerMTok: 75 },
  "claude-3-5-haiku": { inputPerMTok: 0.8, outputPerMTok: 4 },
});

/** The price of `model` in `table`: an exact entry, else the longest entry it extends with `-`. */
export function priceOf(
  model: string,
  table: Readonly<Record<string, ModelPrice>>,
): ModelPrice | undefined {
  const exact = table[model];
  if (exact !== undefined) return exact;
  let best: string | undefined;
  for (const key of Object.keys(table))
    if (model.startsWith(`${key}-`) && (best === undefined || key.length > best.length)) best = key;
  return best === undefined ? undefined : table[best];
}

/** The cost in US dollars of a request's tokens at `price`. */
export function costOf(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  return (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000;
}
