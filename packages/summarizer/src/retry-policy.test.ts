import { APIConnectionTimeoutError, APIError } from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { InvalidReplyError } from "./errors.js";
import { backoffMs, classifyFailure, retryAfterMs } from "./retry-policy.js";

const NOW = Date.parse("2026-01-15T10:00:00Z");

function apiError(status: number, headers: Record<string, string> = {}): APIError {
  return APIError.generate(
    status,
    { type: "error", error: { type: "x", message: "m" } },
    undefined,
    new Headers(headers),
  );
}

describe("retry policy", () => {
  it("reads retry-after-ms, retry-after seconds and an HTTP date", () => {
    expect(retryAfterMs(new Headers({ "retry-after-ms": "1500" }), NOW)).toBe(1500);
    expect(retryAfterMs(new Headers({ "retry-after": "3" }), NOW)).toBe(3000);
    const date = new Date(NOW + 7000).toUTCString();
    expect(retryAfterMs(new Headers({ "retry-after": date }), NOW)).toBe(7000);
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }), NOW)).toBeUndefined();
    expect(retryAfterMs(new Headers({ "retry-after": "0" }), NOW)).toBeUndefined();
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
  });

  it("backs off 1 s, 2 s, 4 s… up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, 1000, 10_000))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });

  it.each([
    [429, "MODEL_RATE_LIMITED", true],
    [500, "MODEL_SERVER_ERROR", true],
    [503, "MODEL_SERVER_ERROR", true],
    [529, "MODEL_OVERLOADED", true],
    [408, "MODEL_TIMEOUT", true],
    [400, "MODEL_BAD_REQUEST", false],
    [404, "MODEL_BAD_REQUEST", false],
    [401, "MODEL_AUTH_FAILED", false],
    [403, "MODEL_AUTH_FAILED", false],
  ])("HTTP %d is %s, retryable: %s", (status, code, retryable) => {
    expect(classifyFailure(apiError(status), NOW)).toMatchObject({ code, retryable, status });
  });

  it("obeys x-should-retry", () => {
    expect(classifyFailure(apiError(500, { "x-should-retry": "false" }), NOW).retryable).toBe(
      false,
    );
    expect(classifyFailure(apiError(400, { "x-should-retry": "true" }), NOW).retryable).toBe(true);
  });

  it("retries timeouts, malformed bodies and invalid replies; not unknown errors", () => {
    expect(classifyFailure(new APIConnectionTimeoutError(), NOW)).toMatchObject({
      code: "MODEL_TIMEOUT",
      retryable: true,
    });
    expect(classifyFailure(new SyntaxError("Unexpected token"), NOW)).toMatchObject({
      code: "MODEL_INVALID_REPLY",
      retryable: true,
    });
    expect(classifyFailure(new InvalidReplyError("p: bad", "p", "{}"), NOW)).toMatchObject({
      code: "MODEL_INVALID_REPLY",
      retryable: true,
      what: "bad",
    });
    expect(classifyFailure(new TypeError("boom"), NOW)).toMatchObject({
      code: "MODEL_CALL_FAILED",
      retryable: false,
    });
  });
});
