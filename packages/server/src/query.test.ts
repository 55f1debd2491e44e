import { describe, expect, it } from "vitest";
import { parseHistoryParams } from "./query.js";
import { escapeLabel } from "./metrics.js";

describe("parseHistoryParams", () => {
  it("defaults to 100 and no since", () => {
    expect(parseHistoryParams(new URLSearchParams())).toEqual({ limit: 100, since: undefined });
  });

  it("accepts limits 1..1000 and ISO 8601 times, refusing the rest", () => {
    expect(parseHistoryParams(new URLSearchParams("limit=1"))).toMatchObject({ limit: 1 });
    expect(parseHistoryParams(new URLSearchParams("limit=1000"))).toMatchObject({ limit: 1000 });
    for (const bad of ["0", "1001", "-1", "1e3", " 5", "", "99999999"]) {
      expect(parseHistoryParams(new URLSearchParams({ limit: bad })), bad).toMatchObject({
        status: 400,
      });
    }
    for (const good of ["2026-01-15", "2026-01-15T10:30:00Z", "2026-01-15T10:30:00.123+02:00"]) {
      expect(parseHistoryParams(new URLSearchParams({ since: good })), good).toMatchObject({
        since: good,
      });
    }
    for (const bad of ["yesterday", "2026-13-45T99:00:00Z", "1700000000", ""]) {
      expect(parseHistoryParams(new URLSearchParams({ since: bad })), bad).toMatchObject({
        status: 400,
      });
    }
  });
});

describe("escapeLabel", () => {
  it("escapes backslashes, quotes and newlines", () => {
    expect(escapeLabel('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });
});
