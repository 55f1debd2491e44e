import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SummaryStore } from "@agentwatch/summary-store";
import { InvalidServerOptionError, createServer } from "../src/index.js";
import { type RawClient, http, metricValue, rawConnect } from "./helpers/clients.js";
import { Harness, until, within } from "./helpers/harness.js";

const harness = new Harness();
afterEach(() => harness.cleanup());

/** Opens a raw connection that is destroyed at cleanup. */
async function raw(
  url: string,
  options: Parameters<typeof rawConnect>[1] = {},
): Promise<RawClient> {
  const client = await rawConnect(url, options);
  harness.defer(() => client.socket.destroy());
  return client;
}

/** `/metrics`, or undefined when the connection is refused. */
async function scrape(url: string, localAddress?: string): Promise<string | undefined> {
  try {
    return (await http(url, "/metrics", { localAddress })).body;
  } catch {
    return undefined;
  }
}

/**
 * Waits until the server holds no connection but the scrape's own; returns that scrape and how
 * many scrapes were refused meanwhile (by the per-address cap, which counts them).
 */
async function untilOnlyTheScrape(
  url: string,
  what: string,
): Promise<{ text: string; refusedScrapes: number }> {
  let text: string | undefined;
  let refusedScrapes = 0;
  await until(async () => {
    text = await scrape(url);
    if (text === undefined) refusedScrapes++;
    return text !== undefined && metricValue(text, "agentwatch_http_connections") === 1;
  }, what);
  return { text: text!, refusedScrapes };
}

describe("client errors", () => {
  it("answers a malformed request with 400 and closes the connection, even when the client keeps its side open", async () => {
    // Long timeouts: the connection must be closed for its error, not reaped by a timeout later.
    const { url } = await harness.start({
      limits: { headersTimeoutMs: 120_000, requestTimeoutMs: 120_000 },
    });
    const polite = await raw(url);
    polite.socket.write("NOT A REQUEST LINE\r\n\r\n");
    await within(polite.closed, "the server closing the malformed request's connection");
    expect(polite.received()).toMatch(/^HTTP\/1\.1 400 /);

    // A client that never closes its side must not keep one of the server's descriptors.
    const stubborn = await raw(url, { allowHalfOpen: true });
    stubborn.socket.write("\u0000\u0001garbage\r\n\r\n");
    await within(stubborn.ended, "the server ending the stubborn connection");
    expect(stubborn.received()).toMatch(/^HTTP\/1\.1 400 /);
    const { text } = await untilOnlyTheScrape(url, "the server releasing the stubborn connection");
    expect(metricValue(text, 'agentwatch_http_client_errors_total{reason="malformed"}')).toBe(2);
  });

  it("closes a connection that trickles its headers, and one that sends nothing, after headersTimeoutMs", async () => {
    const { url } = await harness.start({ limits: { headersTimeoutMs: 500 } });
    const silent = await raw(url);
    const slow = await raw(url);
    slow.socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    const trickle = setInterval(() => {
      if (slow.socket.writable) slow.socket.write("X-Slow: 1\r\n");
    }, 100);
    harness.defer(() => clearInterval(trickle));
    await within(slow.closed, "the server closing the trickling connection");
    clearInterval(trickle);
    await within(silent.closed, "the server closing the silent connection");
    const { text } = await untilOnlyTheScrape(url, "the server releasing both connections");
    expect(metricValue(text, 'agentwatch_http_client_errors_total{reason="timeout"}')).toBe(2);
  });

  it("refuses a headersTimeoutMs above requestTimeoutMs and a maxConnectionsPerAddress below 1", async () => {
    const dir = await harness.tempDir();
    const config = {
      server_host: "127.0.0.1",
      server_port: 0,
      token: "",
      max_clients: 1,
      enable_streaming: true,
    };
    const store = new SummaryStore(join(dir, "s"));
    const build = (limits: object) => () => createServer({ store, config, limits });
    expect(build({ headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 })).toThrow(
      expect.objectContaining({ option: "limits.headersTimeoutMs" }),
    );
    expect(build({ headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 })).toThrow(
      InvalidServerOptionError,
    );
    expect(build({ maxConnectionsPerAddress: 0 })).toThrow(
      expect.objectContaining({ option: "limits.maxConnectionsPerAddress" }),
    );
    // Only requestTimeoutMs given: the header timeout follows it down instead of failing.
    expect(build({ requestTimeoutMs: 1_000 })).not.toThrow();
  });
});

describe("connections per address", () => {
  // Held connections send nothing; long timeouts keep them open however slow the machine.
  const limits = {
    maxConnectionsPerAddress: 4,
    headersTimeoutMs: 120_000,
    requestTimeoutMs: 120_000,
  };

  it("closes connections over maxConnectionsPerAddress at once, counts them, and serves the address again once under", async () => {
    const { url } = await harness.start({ limits });
    const held: RawClient[] = [];
    for (let i = 0; i < limits.maxConnectionsPerAddress; i++) held.push(await raw(url));
    const extra = await raw(url);
    await within(extra.closed, "the server closing the connection over the cap");
    expect(extra.received()).toBe("");
    for (const client of held) client.socket.destroy();
    // Scrapes made before the server saw the held connections close were refused too.
    const { text, refusedScrapes } = await untilOnlyTheScrape(
      url,
      "the server releasing the held connections",
    );
    expect(
      metricValue(text, 'agentwatch_http_refused_connections_total{reason="per_address"}'),
    ).toBe(1 + refusedScrapes);
    expect((await http(url, "/healthz")).status).toBe(200);
  });

  // Every 127.0.0.0/8 address is local on Linux, so a second client address needs no setup.
  it.runIf(process.platform === "linux")(
    "while one address holds all it may, another address is still served",
    async () => {
      const { url } = await harness.start({ limits });
      for (let i = 0; i < limits.maxConnectionsPerAddress; i++) await raw(url);
      const extra = await raw(url);
      await within(extra.closed, "the server closing the connection over the cap");
      const other = await http(url, "/healthz", { localAddress: "127.0.0.2" });
      expect(other.status).toBe(200);
      const text = await scrape(url, "127.0.0.2");
      expect(
        metricValue(text ?? "", 'agentwatch_http_refused_connections_total{reason="per_address"}'),
      ).toBe(1);
      expect(metricValue(text ?? "", "agentwatch_http_connections")).toBeGreaterThanOrEqual(5);
    },
  );
});
