import type { TokenUsage } from "@agentwatch/models";

/** USD per million tokens of one model, and where the figures come from. */
export interface ModelPrice {
  /** Input tokens not read from or written to the cache. */
  input: number;
  /** Output tokens (for OpenAI's reasoning models, reasoning tokens included). */
  output: number;
  /** Input tokens read from the prompt cache (a cache hit). */
  cache_read: number;
  /** Input tokens written to the prompt cache (Anthropic's 5-minute write price). */
  cache_creation: number;
  /** Where the figures were read. */
  source: string;
}

/** Prices by model id (without a date suffix): `claude-sonnet-4-5`, `gpt-5-codex`. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * The day `DEFAULT_PRICES` was written and its figures checked: 2026-12-06. Prices change; pass
 * your own table (`prices` options) rather than editing this one.
 */
export const PRICES_AS_OF = "2026-12-06";

const ANTHROPIC =
  "Anthropic, https://platform.claude.com/docs/en/about-claude/pricing (model pricing table), read 2026-12-06";
const ANTHROPIC_OLD =
  "Anthropic, https://docs.anthropic.com/en/docs/about-claude/pricing (model pricing table, when the model was current), read 2026-12-06";
const ANTHROPIC_45 =
  "Anthropic list price $3/$15 (Sonnet 4.5) and $1/$5 (Haiku 4.5); cache write 1.25x and cache hit 0.1x of input as the pricing page's prompt caching section states; read 2026-12-06";
const OPENAI =
  "OpenAI list prices (developers.openai.com/api/docs/pricing) as quoted by third-party price tables, cross-checked (the official page no longer lists this model); read 2026-12-06";

const claude = (input: number, output: number, source: string): ModelPrice => ({
  input,
  output,
  cache_read: Math.round(input * 10) / 100,
  cache_creation: Math.round(input * 125) / 100,
  source,
});

const openai = (input: number, cached: number, output: number): ModelPrice => ({
  input,
  output,
  cache_read: cached,
  // OpenAI does not report or charge cache writes separately; Codex reports none.
  cache_creation: input,
  source: OPENAI,
});

/**
 * List prices in USD per million tokens of the models Claude Code and Codex CLI use, as of
 * `PRICES_AS_OF` (2026-12-06), with the source of each in `source`.
 *
 * - Claude: Opus 4 and 4.1 $15/$75 (cache write $18.75, hit $1.50); Opus 4.5 to 5 $5/$25 ($6.25,
 *   $0.50); Sonnet 4, 4.5 and 3.7 $3/$15 ($3.75, $0.30); Haiku 4.5 $1/$5 ($1.25, $0.10); Haiku 3.5
 *   $0.80/$4 ($1, $0.08). Cache writes at the 5-minute price (a 1-hour write costs 2x input, which
 *   `TokenUsage` does not tell apart), and Sonnet's long-context (over 200K input) price is not
 *   applied: costs of such requests are underestimated.
 * - OpenAI: gpt-5 and gpt-5-codex $1.25/$10 (cached input $0.125); gpt-5-mini $0.25/$2
 *   ($0.025); o4-mini $1.10/$4.40 ($0.275); gpt-4.1 $2/$8 ($0.50).
 *
 * A model missing here has no price: its cost is null, never a guess.
 */
export const DEFAULT_PRICES: PriceTable = Object.freeze({
  "claude-opus-5": claude(5, 25, ANTHROPIC),
  "claude-opus-4-8": claude(5, 25, ANTHROPIC),
  "claude-opus-4-7": claude(5, 25, ANTHROPIC),
  "claude-opus-4-6": claude(5, 25, ANTHROPIC),
  "claude-opus-4-5": claude(5, 25, ANTHROPIC),
  "claude-opus-4-1": claude(15, 75, ANTHROPIC),
  "claude-opus-4": claude(15, 75, ANTHROPIC),
  "claude-sonnet-4-5": claude(3, 15, ANTHROPIC_45),
  "claude-sonnet-4": claude(3, 15, ANTHROPIC_OLD),
  "claude-3-7-sonnet": claude(3, 15, ANTHROPIC_OLD),
  "claude-haiku-4-5": claude(1, 5, ANTHROPIC_45),
  "claude-3-5-haiku": {
    input: 0.8,
    output: 4,
    cache_read: 0.08,
    cache_creation: 1,
    source: ANTHROPIC_OLD,
  },
  "gpt-5": openai(1.25, 0.125, 10),
  "gpt-5-codex": openai(1.25, 0.125, 10),
  "gpt-5-mini": openai(0.25, 0.025, 2),
  "o4-mini": openai(1.1, 0.275, 4.4),
  "gpt-4.1": openai(2, 0.5, 8),
});

// What may follow a priced id and still be that model: a date (`-20250929`, `-2025-08-07`),
// Vertex's `@20250929`, Bedrock's `-v1:0`.
const SUFFIX = /^(?:-\d{8}|-\d{4}-\d{2}-\d{2}|@\d{8}|@latest)?(?:-v\d+(?::\d+)?)?$/;
// Provider prefixes: Bedrock's `anthropic.` (with a region: `us.anthropic.`), `anthropic/`, `openai/`.
const PREFIX = /^(?:(?:[a-z]{2,4}\.)?anthropic\.|anthropic\/|openai\/)/;

/**
 * The price of `model` in `table`: an exact entry, else the longest entry that the id starts with
 * when what follows is only a date or a provider's version suffix (`claude-sonnet-4-5-20250929`,
 * `claude-sonnet-4-5@20250929`, `us.anthropic.claude-sonnet-4-5-20250929-v1:0`). Null when no
 * entry fits: `claude-sonnet-4-7` is not priced as `claude-sonnet-4`.
 */
export function priceFor(model: string, table: PriceTable = DEFAULT_PRICES): ModelPrice | null {
  if (typeof model !== "string" || model === "") return null;
  if (Object.hasOwn(table, model)) return table[model]!;
  const id = model.toLowerCase().replace(PREFIX, "");
  if (Object.hasOwn(table, id)) return table[id]!;
  let best: string | null = null;
  for (const key of Object.keys(table)) {
    if (
      id.startsWith(key) &&
      SUFFIX.test(id.slice(key.length)) &&
      (best === null || key.length > best.length)
    )
      best = key;
  }
  return best === null ? null : table[best]!;
}

/**
 * The cost in USD of `tokens` used by `model`, from `table` (default `DEFAULT_PRICES`); null when
 * the model has no price there.
 *
 * @example
 * costOf("claude-sonnet-4-5-20250929", { input: 1000, output: 500, cache_read: 0, cache_creation: 0 });
 * // 0.0105
 */
export function costOf(
  model: string,
  tokens: TokenUsage,
  table: PriceTable = DEFAULT_PRICES,
): number | null {
  const price = priceFor(model, table);
  if (!price) return null;
  return (
    (tokens.input * price.input +
      tokens.output * price.output +
      tokens.cache_read * price.cache_read +
      tokens.cache_creation * price.cache_creation) /
    1_000_000
  );
}
