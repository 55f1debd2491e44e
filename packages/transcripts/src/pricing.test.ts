import { describe, expect, it } from "vitest";
import { costOf, DEFAULT_PRICES, PRICES_AS_OF, priceFor } from "./pricing.js";

const tokens = {
  input: 1_000_000,
  output: 1_000_000,
  cache_read: 1_000_000,
  cache_creation: 1_000_000,
};

describe("DEFAULT_PRICES", () => {
  it("prices the models Claude Code and Codex use, dated", () => {
    expect(PRICES_AS_OF).toBe("2026-12-06");
    for (const model of [
      "claude-opus-4",
      "claude-opus-4-1",
      "claude-opus-4-5",
      "claude-sonnet-4",
      "claude-sonnet-4-5",
      "claude-haiku-4-5",
      "claude-3-5-haiku",
      "claude-3-7-sonnet",
      "gpt-5",
      "gpt-5-codex",
      "gpt-5-mini",
      "o4-mini",
      "gpt-4.1",
    ])
      expect(DEFAULT_PRICES[model]?.source, model).toMatch(/read 2026-12-06/);
  });

  it("has the published list prices", () => {
    const sonnet = DEFAULT_PRICES["claude-sonnet-4-5"]!;
    expect([sonnet.input, sonnet.output, sonnet.cache_read, sonnet.cache_creation]).toEqual([
      3, 15, 0.3, 3.75,
    ]);
    const opus = DEFAULT_PRICES["claude-opus-4-1"]!;
    expect([opus.input, opus.output, opus.cache_read, opus.cache_creation]).toEqual([
      15, 75, 1.5, 18.75,
    ]);
    const opus45 = DEFAULT_PRICES["claude-opus-4-5"]!;
    expect([opus45.input, opus45.output, opus45.cache_read, opus45.cache_creation]).toEqual([
      5, 25, 0.5, 6.25,
    ]);
    const haiku = DEFAULT_PRICES["claude-3-5-haiku"]!;
    expect([haiku.input, haiku.output, haiku.cache_read, haiku.cache_creation]).toEqual([
      0.8, 4, 0.08, 1,
    ]);
    const gpt5 = DEFAULT_PRICES["gpt-5"]!;
    expect([gpt5.input, gpt5.output, gpt5.cache_read]).toEqual([1.25, 10, 0.125]);
  });
});

describe("priceFor", () => {
  it("takes a dated or provider-qualified id as its model", () => {
    expect(priceFor("claude-sonnet-4-5-20250929")).toBe(DEFAULT_PRICES["claude-sonnet-4-5"]);
    expect(priceFor("claude-sonnet-4-20250514")).toBe(DEFAULT_PRICES["claude-sonnet-4"]);
    expect(priceFor("claude-opus-4-1-20250805")).toBe(DEFAULT_PRICES["claude-opus-4-1"]);
    expect(priceFor("claude-sonnet-4-5@20250929")).toBe(DEFAULT_PRICES["claude-sonnet-4-5"]);
    expect(priceFor("us.anthropic.claude-sonnet-4-5-20250929-v1:0")).toBe(
      DEFAULT_PRICES["claude-sonnet-4-5"],
    );
    expect(priceFor("gpt-5-2025-08-07")).toBe(DEFAULT_PRICES["gpt-5"]);
    expect(priceFor("gpt-5-codex")).toBe(DEFAULT_PRICES["gpt-5-codex"]);
    expect(priceFor("o4-mini-2025-04-16")).toBe(DEFAULT_PRICES["o4-mini"]);
  });

  it("never prices an unknown model as a neighbour", () => {
    for (const model of [
      "claude-sonnet-4-7",
      "claude-sonnet-4-5-fast",
      "gpt-5.2",
      "gpt-5-nano",
      "gpt-4.1-mini",
      "<synthetic>",
      "unknown",
      "",
    ])
      expect(priceFor(model), model).toBeNull();
  });

  it("uses the table it is given", () => {
    const table = {
      "my-model": { input: 1, output: 2, cache_read: 0, cache_creation: 0, source: "mine" },
    };
    expect(priceFor("my-model-20260101", table)).toBe(table["my-model"]);
    expect(priceFor("claude-sonnet-4-5", table)).toBeNull();
  });
});

describe("costOf", () => {
  it("adds up each kind of token at its price", () => {
    expect(costOf("claude-sonnet-4-5-20250929", tokens)).toBeCloseTo(3 + 15 + 0.3 + 3.75, 10);
    expect(
      costOf("claude-sonnet-4-5", { input: 1000, output: 500, cache_read: 0, cache_creation: 0 }),
    ).toBeCloseTo(0.0105, 10);
    expect(
      costOf("gpt-5-codex", { input: 2000, output: 300, cache_read: 6000, cache_creation: 0 }),
    ).toBeCloseTo((2000 * 1.25 + 300 * 10 + 6000 * 0.125) / 1e6, 12);
  });

  it("is null for a model without a price", () => {
    expect(costOf("claude-sonnet-9", tokens)).toBeNull();
  });
});
