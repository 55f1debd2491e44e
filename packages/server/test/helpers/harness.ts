import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SummaryStore } from "@agentwatch/summary-store";
import {
  type AgentwatchServer,
  type ServerConfig,
  type ServerOptions,
  type SummaryReader,
  createServer,
} from "../../src/index.js";

/** A running server and where to reach it. */
export interface Running {
  readonly server: AgentwatchServer;
  readonly url: string;
  readonly wsUrl: string;
  readonly store: SummaryStore;
  readonly dir: string;
}

/** Starts servers on 127.0.0.1, port 0, over real temp dirs; `cleanup()` closes and removes them. */
export class Harness {
  readonly #servers: AgentwatchServer[] = [];
  readonly #dirs: string[] = [];
  readonly #cleanups: Array<() => unknown> = [];

  async tempDir(prefix = "agentwatch-server-"): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    this.#dirs.push(dir);
    return dir;
  }

  /** Runs `fn` at cleanup (before servers close). */
  defer(fn: () => unknown): void {
    this.#cleanups.push(fn);
  }

  async start(
    options: Partial<Omit<ServerOptions, "config" | "store">> & {
      config?: Partial<ServerConfig>;
      wrapStore?: (store: SummaryStore) => SummaryReader;
      /** The summary dir to read (a new temp dir by default). */
      storeDir?: string;
    } = {},
  ): Promise<Running> {
    const dir = await this.tempDir();
    const { wrapStore, config, storeDir, ...rest } = options;
    const store = new SummaryStore(storeDir ?? join(dir, "summaries"));
    const server = createServer({
      dashboardDir: join(dir, "no-dashboard"),
      ...rest,
      store: wrapStore?.(store) ?? store,
      config: {
        server_host: "127.0.0.1",
        server_port: 0,
        token: "",
        max_clients: 100,
        enable_streaming: true,
        poll_interval_seconds: 12,
        ...config,
      },
    });
    this.#servers.push(server);
    const { url } = await server.listen();
    return { server, url, wsUrl: `${url.replace(/^http/, "ws")}/ws/agent_summaries`, store, dir };
  }

  async cleanup(): Promise<void> {
    for (const fn of this.#cleanups.splice(0)) await fn();
    await Promise.all(this.#servers.splice(0).map((server) => server.close()));
    await Promise.all(this.#dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 10 ms until it is true (the test's timeout bounds the wait). */
export async function eventually(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(10);
}

/** Resolves with `promise`, or rejects naming `what` if it has not settled within `ms`. */
export async function within<T>(promise: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every 10 ms until it is true; rejects naming `what` once `ms` have passed. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
}
