import { appendFile, mkdtemp, readdir, readlink, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LogPosition, type PositionStore, InMemoryPositionStore } from "@agentwatch/models";
import { afterEach, beforeEach } from "vitest";
import { IncrementalLogReader, type IncrementalLogReaderOptions } from "../src/index.js";

/** A fixed epoch for fake clocks and file mtimes (2026-01-15T10:30:00Z). */
export const T0 = Date.UTC(2026, 0, 15, 10, 30, 0);

/** A clock the test moves by hand. */
export class FakeClock {
  now: number;
  constructor(start = T0) {
    this.now = start;
  }
  readonly clock = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

/** A PositionStore that counts the writes reaching it. */
export class CountingStore implements PositionStore {
  readonly inner: PositionStore;
  updates = 0;
  removes = 0;
  constructor(inner: PositionStore = new InMemoryPositionStore()) {
    this.inner = inner;
  }
  getPosition(instanceId: string, logType: string): LogPosition | undefined {
    return this.inner.getPosition(instanceId, logType);
  }
  async updatePosition(position: LogPosition): Promise<void> {
    this.updates += 1;
    await this.inner.updatePosition(position);
  }
  async removePosition(instanceId: string, logType: string): Promise<boolean> {
    this.removes += 1;
    return this.inner.removePosition(instanceId, logType);
  }
  getAllPositions(): LogPosition[] {
    return this.inner.getAllPositions();
  }
}

/** A temp directory removed by `cleanup()`. */
export async function makeTempDir(prefix = "log-reader-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}

/** Sets a file's mtime (and atime) to `ms` epoch milliseconds. */
export async function setMtime(path: string, ms: number): Promise<void> {
  await utimes(path, ms / 1000, ms / 1000);
}

/** Writes (replaces) a file's content in place and sets its mtime. */
export async function writeAt(
  path: string,
  content: string | Uint8Array,
  mtimeMs = T0,
): Promise<void> {
  await writeFile(path, content);
  await setMtime(path, mtimeMs);
}

/** Appends to a file and sets its mtime. */
export async function appendAt(
  path: string,
  content: string | Uint8Array,
  mtimeMs = T0,
): Promise<void> {
  await appendFile(path, content);
  await setMtime(path, mtimeMs);
}

/** A reader over `store` with a fake clock; other options as given. */
export function makeReader(
  store: PositionStore,
  clock: FakeClock,
  options: Partial<IncrementalLogReaderOptions> = {},
): IncrementalLogReader {
  return new IncrementalLogReader({ positionTracker: store, clock: clock.clock, ...options });
}

/** The file descriptors of this process that point into `dir` (Linux /proc). */
export async function openFdsUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const fd of await readdir("/proc/self/fd")) {
    try {
      const target = await readlink(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) found.push(target);
    } catch {
      // the fd closed while listing
    }
  }
  return found;
}

/** What {@link useLogFixture} sets up before each test. */
export interface LogFixture {
  readonly dir: string;
  readonly log: string;
  readonly store: CountingStore;
  readonly clock: FakeClock;
}

/**
 * Before each test: a fresh temp directory with `app.log` (holding `content`, when given), a
 * `CountingStore` and a `FakeClock` at `clockAt` (default T0), handed to `use`; after each test the
 * directory is removed.
 */
export function useLogFixture(
  options: { readonly content?: string; readonly clockAt?: number },
  use: (fixture: LogFixture) => void,
): void {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await makeTempDir();
    const log = join(dir, "app.log");
    if (options.content !== undefined) await writeFile(log, options.content);
    use({ dir, log, store: new CountingStore(), clock: new FakeClock(options.clockAt ?? T0) });
  });
  afterEach(async () => {
    if (dir !== undefined) await removeDir(dir);
  });
}
