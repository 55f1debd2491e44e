import { appendFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "@agentwatch/config";
import { type MonitoringService, createMonitoringService, globSource } from "@agentwatch/monitor";

/** A real MonitoringService over log files in a temporary directory. */
export class MonitorFixture {
  readonly dir: string;
  readonly service: MonitoringService;

  private constructor(dir: string, service: MonitoringService) {
    this.dir = dir;
    this.service = service;
  }

  static async create(): Promise<MonitorFixture> {
    const dir = await mkdtemp(join(tmpdir(), "agentwatch-otel-"));
    await mkdir(join(dir, "logs"));
    const config = {
      ...DEFAULT_CONFIG,
      state_dir: join(dir, "state"),
      summary_dir: join(dir, "summaries"),
      log_dir: join(dir, "layout"),
    };
    const service = await createMonitoringService(config, {
      source: globSource(join(dir, "logs", "*.log")),
    });
    return new MonitorFixture(dir, service);
  }

  /** Appends lines to `<id>.log` (the agent `id`). */
  async write(id: string, lines: readonly string[]): Promise<void> {
    await appendFile(join(this.dir, "logs", `${id}.log`), `${lines.join("\n")}\n`);
  }

  async remove(): Promise<void> {
    await this.service.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
