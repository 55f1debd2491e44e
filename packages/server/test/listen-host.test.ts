import type { LookupAddress } from "node:dns";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SummaryStore } from "@agentwatch/summary-store";
import { ServerStateError, TokenRequiredError, createServer } from "../src/index.js";
import { connect, http, rawConnect } from "./helpers/clients.js";
import { Harness, within } from "./helpers/harness.js";

const harness = new Harness();
afterEach(() => harness.cleanup());

/** A resolver that knows only `names`; every other name is not found. */
function resolver(names: Record<string, LookupAddress[]>) {
  const asked: string[] = [];
  const lookup = (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    const found = names[hostname];
    if (found !== undefined) return Promise.resolve(found);
    return Promise.reject(
      Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }),
    );
  };
  return { lookup, asked };
}

const LAN = { address: "192.168.1.20", family: 4 };
const LOOPBACK = { address: "127.0.0.1", family: 4 };

describe("the loopback check of listen()", () => {
  it("requires a token for a loopback-looking name that resolves beyond loopback, without binding", async () => {
    const cases: Array<[string, LookupAddress[]]> = [
      ["localhost", [LAN]],
      ["dashboard.localhost", [LAN]],
      ["localhost", [LOOPBACK, LAN]],
    ];
    for (const [host, addresses] of cases) {
      const { lookup, asked } = resolver({ [host]: addresses });
      const dir = await harness.tempDir();
      const server = createServer({
        store: new SummaryStore(join(dir, "s")),
        config: {
          server_host: host,
          server_port: 0,
          token: "",
          max_clients: 1,
          enable_streaming: true,
        },
        lookup,
      });
      // Binding 192.168.1.20 would fail with ListenError (not an address of this machine):
      // TokenRequiredError means the server refused before binding.
      const error = await server.listen().catch((e: unknown) => e);
      expect(error, host).toBeInstanceOf(TokenRequiredError);
      expect((error as TokenRequiredError).host).toBe(host);
      const message = (error as Error).message;
      expect(message).toContain(`${host} resolves to`);
      expect(message).toContain("192.168.1.20");
      expect(message).toContain("AGENTWATCH_TOKEN");
      expect(asked).toEqual([host]);
      expect(server.address).toBeNull();
    }
  });

  it("listens without a token on a name that resolves to loopback only, and answers its printed URL's host", async () => {
    const { lookup } = resolver({ "agentwatch.test": [LOOPBACK] });
    const { url, server } = await harness.start({
      config: { server_host: "agentwatch.test" },
      lookup,
    });
    expect(url).toMatch(/^http:\/\/agentwatch\.test:\d+$/);
    const bound = `http://127.0.0.1:${server.address?.port}`;
    // Only the test's resolver knows the name: connect to the address, send the printed host.
    const answer = await http(bound, "/api/summaries", { headers: { Host: new URL(url).host } });
    expect(answer.status).toBe(200);
    const rebound = await http(bound, "/api/summaries", { headers: { Host: "evil.example" } });
    expect(rebound.status).toBe(403);
  });

  it("serves the URL it prints for an IPv4-mapped IPv6 loopback host", async () => {
    const { url, wsUrl } = await harness.start({ config: { server_host: "::ffff:127.0.0.1" } });
    expect(url).toMatch(/^http:\/\/\[::ffff:127\.0\.0\.1\]:\d+$/);
    for (const path of ["/healthz", "/api/summaries"]) {
      const answer = await fetch(`${url}${path}`);
      expect(answer.status, path).toBe(200);
    }
    const client = await connect(wsUrl, { origin: url });
    await client.until((m) => m[0]?.type === "snapshot");
    client.ws.close();
  });

  it("a close() while the host is being resolved waits for listen() and then frees the port", async () => {
    let answer: (addresses: LookupAddress[]) => void = () => {};
    const resolving = new Promise<LookupAddress[]>((resolve) => (answer = resolve));
    const dir = await harness.tempDir();
    const server = createServer({
      store: new SummaryStore(join(dir, "s")),
      config: {
        server_host: "slow.test",
        server_port: 0,
        token: "",
        max_clients: 1,
        enable_streaming: true,
      },
      lookup: () => resolving,
    });
    const listening = server.listen();
    await expect(server.listen()).rejects.toBeInstanceOf(ServerStateError);
    const closing = server.close();
    answer([LOOPBACK]);
    const { port } = await within(listening, "listen() after the lookup answered");
    await within(closing, "close() after listen()");
    expect(server.address).toBeNull();
    const refused = await rawConnect(`http://127.0.0.1:${port}`).catch((e: unknown) => e);
    expect((refused as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
  });
});
