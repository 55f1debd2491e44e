import { describe, expect, it } from "vitest";
import { loggedUrl, redactUrl } from "./redact.js";

const TOKEN = "s3cret/t&k=n";

describe("redactUrl", () => {
  it("redacts every token-named query parameter, right or wrong, and keeps the rest", () => {
    expect(redactUrl("/ws/agent_summaries?token=abc&x=1", "")).toBe(
      "/ws/agent_summaries?token=[redacted]&x=1",
    );
    expect(redactUrl("/api?access_token=a&Token=b&apiToken=c&tok=d", "")).toBe(
      "/api?access_token=[redacted]&Token=[redacted]&apiToken=[redacted]&tok=d",
    );
    expect(redactUrl("/api?%74oken=abc", "")).toBe("/api?%74oken=[redacted]");
    expect(redactUrl("/healthz", "secret")).toBe("/healthz");
    expect(redactUrl("/api/summaries/a1/history?limit=5", "secret")).toBe(
      "/api/summaries/a1/history?limit=5",
    );
  });

  it("redacts the server's token wherever it is, raw or percent-encoded in any spelling", () => {
    const encoded = encodeURIComponent(TOKEN);
    const lower = encoded.toLowerCase(); // %2f for %2F: the same token
    for (const target of [
      `/api/${TOKEN}/x`,
      `/api/${encoded}/x`,
      `/api?q=${encoded}`,
      `/api?q=${lower}`,
      `/api?${encoded}`,
      `/api#${encoded}`,
      `http://user:${encoded}@example.com/api`,
    ]) {
      const redacted = redactUrl(target, TOKEN);
      expect(redacted, target).toContain("[redacted]");
      expect(decodeURIComponent(redacted), target).not.toContain(TOKEN);
    }
    expect(redactUrl("http://user:pass@example.com/api", "")).toBe(
      "http://[redacted]@example.com/api",
    );
  });

  it("leaves an undefined target undefined", () => {
    expect(loggedUrl(undefined, TOKEN)).toBeUndefined();
    expect(loggedUrl("/x?token=1", TOKEN)).toBe("/x?token=[redacted]");
  });
});
