import { inspect } from "node:util";
import type { Logger } from "@agentwatch/models";
import { afterEach, describe, expect, it } from "vitest";
import { http, refusedUpgrade } from "./helpers/clients.js";
import { Harness } from "./helpers/harness.js";

const harness = new Harness();
afterEach(() => harness.cleanup());

const TOKEN = "s3cret-token-9f2c";

/** A pino-compatible logger that keeps every call's arguments. */
function collectingLogger(): Logger & { readonly records: unknown[][] } {
  const records: unknown[][] = [];
  const at =
    (level: string) =>
    (...args: unknown[]) => {
      records.push([level, ...args]);
    };
  return { records, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** Every record as text, errors and nested objects included. */
function logText(records: readonly unknown[][]): string {
  return records.map((record) => inspect(record, { depth: 10, breakLength: Infinity })).join("\n");
}

describe("tokens in logs", () => {
  it("redacts the token from the URL logged for a refused WebSocket upgrade", async () => {
    const logger = collectingLogger();
    const { wsUrl } = await harness.start({ config: { token: TOKEN }, logger });
    const refused = await refusedUpgrade(`${wsUrl}?token=${TOKEN}`, {
      origin: "https://evil.example",
    });
    expect(refused.status).toBe(403);
    const text = logText(logger.records);
    expect(text).toContain("refused a WebSocket upgrade");
    expect(text).toContain("token=[redacted]");
    expect(text).not.toContain(TOKEN);
  });

  it("redacts tokens, wherever they are in the URL, from the log of a request that failed", async () => {
    const logger = collectingLogger();
    const { url } = await harness.start({
      config: { token: TOKEN },
      logger,
      generatorStats: () => {
        throw new Error("generator stats unavailable");
      },
    });
    const encoded = encodeURIComponent(TOKEN).replace("-", "%2D");
    const answer = await http(
      url,
      `/metrics?access_token=other-secret&token=${TOKEN}&x=${encoded}`,
    );
    expect(answer.status).toBe(500);
    const text = logText(logger.records);
    expect(text).toContain("request failed");
    expect(text).toContain("generator stats unavailable");
    expect(text).toContain("/metrics?");
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(encoded);
    expect(text).not.toContain("other-secret");
  });
});
