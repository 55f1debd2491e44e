import { describe, expect, it } from "vitest";
import { matchedTerms, taskTerms, termMatches, wordsOf } from "./task-terms.js";

describe("task terms", () => {
  it("drops stop words and generic task verbs", () => {
    expect(taskTerms("Implement JWT authentication for the API")).toEqual([
      "jwt",
      "authentication",
      "api",
    ]);
    expect(taskTerms("Fix the bug and make it work")).toEqual([]);
    expect(taskTerms(null)).toEqual([]);
  });

  it("splits paths, camelCase and digits", () => {
    expect(wordsOf("src/auth/jwt.ts")).toEqual(["src", "auth", "jwt", "ts"]);
    expect(wordsOf("applyDiscount(SearchBox2)")).toEqual([
      "apply",
      "discount",
      "search",
      "box",
      "2",
    ]);
    expect(wordsOf("HTTPServer")).toEqual(["http", "server"]);
  });

  it('"JWT authentication" matches src/auth/jwt.ts', () => {
    expect(matchedTerms(taskTerms("JWT authentication"), wordsOf("src/auth/jwt.ts"))).toEqual([
      "jwt",
      "authentication",
    ]);
  });

  it("matches plurals, synonyms and long prefixes but not short ones", () => {
    expect(termMatches("test", "testing")).toBe(true);
    expect(termMatches("db", "database")).toBe(true);
    expect(matchedTerms(taskTerms("Fix the carts"), wordsOf("src/cart.ts"))).toEqual(["cart"]);
    expect(termMatches("log", "login")).toBe(false);
    expect(termMatches("jwt", "json")).toBe(false);
  });
});
