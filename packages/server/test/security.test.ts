import { createServer as createNetServer } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SummaryStore } from "@agentwatch/summary-store";
import {
  ListenError,
  ServerError,
  ServerStateError,
  TokenRequiredError,
  createServer,
} from "../src/index.js";
import { connect, http, json, refusedUpgrade } from "./helpers/clients.js";
import { Harness } from "./helpers/harness.js";

const harness = new Harness();
afterEach(() => harness.cleanup());

const TOKEN = "s3cret-token";

function baseConfig(host: string, token = "") {
  return {
    server_host: host,
    server_port: 0,
    token,
    max_clients: 10,
    enable_streaming: true,
  };
}

describe("listening", () => {
  it("refuses to listen beyond loopback without a token, with TOKEN_REQUIRED", async () => {
    const dir = await harness.tempDir();
    const server = createServer({
      store: new SummaryStore(join(dir, "s")),
      config: baseConfig("0.0.0.0"),
    });
    const error = await server.listen().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequiredError);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as TokenRequiredError).code).toBe("TOKEN_REQUIRED");
    expect((error as Error).message).toContain("AGENTWATCH_TOKEN");
    expect(server.address).toBeNull();
  });

  it("listens beyond loopback with a token and on loopback without one", async () => {
    const wide = await harness.start({ config: { server_host: "0.0.0.0", token: TOKEN } });
    expect(wide.server.address?.port).toBeGreaterThan(0);
    const local = await harness.start();
    expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("reports a port in use as ListenError and a second listen() as ServerStateError", async () => {
    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    harness.defer(() => new Promise((resolve) => blocker.close(resolve)));
    const port = (blocker.address() as { port: number }).port;
    const dir = await harness.tempDir();
    const server = createServer({
      store: new SummaryStore(join(dir, "s")),
      config: { ...baseConfig("127.0.0.1"), server_port: port },
    });
    const error = await server.listen().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenError);
    expect((error as ListenError).message).toContain("EADDRINUSE");
    const { server: running } = await harness.start();
    await expect(running.listen()).rejects.toBeInstanceOf(ServerStateError);
  });
});

describe("token", () => {
  it("answers 401 on data endpoints without the right token, and serves them with it", async () => {
    const { url } = await harness.start({ config: { token: TOKEN } });
    for (const path of ["/api/summaries", "/healthz", "/metrics"]) {
      const missing = await http(url, path);
      expect(missing.status).toBe(401);
      expect(missing.headers["www-authenticate"]).toContain("Bearer");
      expect(json(missing)).toMatchObject({ error: { code: "UNAUTHORIZED" } });
      const wrong = await http(url, path, { headers: { Authorization: "Bearer nope" } });
      expect(wrong.status).toBe(401);
      const bearer = await http(url, path, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(bearer.status).toBe(200);
      const query = await http(url, `${path}?token=${TOKEN}`);
      expect(query.status).toBe(200);
    }
  });

  it("refuses a WebSocket upgrade without the token with 401 and accepts ?token=", async () => {
    const { wsUrl } = await harness.start({ config: { token: TOKEN } });
    const refused = await refusedUpgrade(wsUrl);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    expect((await refusedUpgrade(`${wsUrl}?token=wrong`)).status).toBe(401);
    const client = await connect(`${wsUrl}?token=${TOKEN}`);
    await client.until((m) => m[0]?.type === "snapshot");
    const viaHeader = await connect(wsUrl, { headers: { Authorization: `Bearer ${TOKEN}` } });
    await viaHeader.until((m) => m[0]?.type === "snapshot");
  });
});

describe("origin and host", () => {
  it("refuses a browser Origin of another site with 403 and accepts the server's own", async () => {
    const { wsUrl, url } = await harness.start();
    const refused = await refusedUpgrade(wsUrl, { origin: "https://evil.example" });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: "ORIGIN_NOT_ALLOWED" } });
    expect((await refusedUpgrade(wsUrl, { origin: "null" })).status).toBe(403);
    const own = await connect(wsUrl, { origin: url });
    await own.until((m) => m[0]?.type === "snapshot");
    const noOrigin = await connect(wsUrl);
    await noOrigin.until((m) => m[0]?.type === "snapshot");
  });

  it("accepts origins listed in allowedOrigins", async () => {
    const { wsUrl } = await harness.start({
      config: { token: TOKEN },
      allowedOrigins: ["https://ops.example.com/"],
    });
    const client = await connect(`${wsUrl}?token=${TOKEN}`, { origin: "https://ops.example.com" });
    await client.until((m) => m[0]?.type === "snapshot");
    const other = await refusedUpgrade(`${wsUrl}?token=${TOKEN}`, {
      origin: "https://x.example.com",
    });
    expect(other.status).toBe(403);
  });

  it("without a token, refuses requests whose Host is not loopback (DNS rebinding)", async () => {
    const { url, wsUrl } = await harness.start();
    const port = new URL(url).port;
    const rebound = await http(url, "/api/summaries", {
      headers: { Host: `evil.example:${port}` },
    });
    expect(rebound.status).toBe(403);
    expect(json(rebound)).toMatchObject({ error: { code: "HOST_NOT_ALLOWED" } });
    const upgrade = await refusedUpgrade(wsUrl, {
      headers: { Host: `evil.example:${port}` },
      origin: `http://evil.example:${port}`,
    });
    expect(upgrade.status).toBe(403);
    const local = await http(url, "/api/summaries", { headers: { Host: `localhost:${port}` } });
    expect(local.status).toBe(200);
  });
});

describe("size limits", () => {
  it("answers 414 for a request target over maxUrlBytes", async () => {
    const { url, wsUrl } = await harness.start({ limits: { maxUrlBytes: 256 } });
    const answer = await http(url, `/api/summaries?x=${"a".repeat(300)}`);
    expect(answer.status).toBe(414);
    expect(json(answer)).toMatchObject({ error: { code: "URL_TOO_LONG" } });
    expect((await refusedUpgrade(`${wsUrl}?x=${"a".repeat(300)}`)).status).toBe(414);
  });

  it("answers 413 for a body over maxBodyBytes, declared or chunked, and 405 for other methods", async () => {
    const { url } = await harness.start({ limits: { maxBodyBytes: 1024 } });
    const declared = await http(url, "/api/summaries", { method: "POST", body: "x".repeat(4096) });
    expect(declared.status).toBe(413);
    expect(json(declared)).toMatchObject({ error: { code: "BODY_TOO_LARGE" } });
    const chunked = await http(url, "/api/summaries", {
      method: "POST",
      headers: { "Transfer-Encoding": "chunked" },
      body: "y".repeat(4096),
    });
    expect(chunked.status).toBe(413);
    const small = await http(url, "/api/summaries", { method: "POST", body: "{}" });
    expect(small.status).toBe(405);
    expect(small.headers.allow).toBe("GET, HEAD");
  });
});

describe("streaming switch", () => {
  it("refuses the WebSocket with 404 STREAMING_DISABLED when enable_streaming is false", async () => {
    const { wsUrl, url } = await harness.start({ config: { enable_streaming: false } });
    const refused = await refusedUpgrade(wsUrl);
    expect(refused.status).toBe(404);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: "STREAMING_DISABLED" } });
    expect((await http(url, "/api/summaries")).status).toBe(200);
  });

  it("answers a plain GET of the WebSocket path with 426 and other upgrade paths with 404", async () => {
    const { url, wsUrl } = await harness.start();
    expect((await http(url, "/ws/agent_summaries")).status).toBe(426);
    expect((await refusedUpgrade(wsUrl.replace("agent_summaries", "other"))).status).toBe(404);
  });
});
