import { type FSWatcher, watch as fsWatch } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Logger } from "@agentwatch/models";

/** `fs.watch` or a function of the same shape (tests pass one that fails). */
export type WatchFunction = (
  path: string,
  listener: (event: string, filename: string | Buffer | null) => void,
) => FSWatcher;

/** Options of a {@link SourceWatcher}. */
export interface SourceWatcherOptions {
  /** Called with the path of a watched file that changed (or may have: see below). */
  readonly onChange: (path: string) => void;
  readonly logger: Logger;
  /** How to watch a directory; `fs.watch` by default. */
  readonly watch?: WatchFunction | undefined;
}

const defaultWatch: WatchFunction = (path, listener) =>
  fsWatch(path, { persistent: false }, listener);

/**
 * Watches the files the agents' streams are read from, through their directories (one watch per
 * directory, so a file replaced by a rotation is still seen, and a thousand pane captures in one
 * directory cost one watch), and says which file changed. An event without a file name counts for
 * every watched file of its directory.
 *
 * Where a directory cannot be watched (too many watches, a file system without notifications,
 * permissions), its files are left to the poll cycle, and that is said once per directory.
 */
export class SourceWatcher {
  readonly #options: SourceWatcherOptions;
  readonly #watch: WatchFunction;
  /** Directory → its watcher and the names of the files watched in it. */
  readonly #dirs = new Map<string, { watcher: FSWatcher; names: Set<string> }>();
  /** Directories that could not be watched, with the reason (said once). */
  readonly #failed = new Map<string, string>();
  #closed = false;

  constructor(options: SourceWatcherOptions) {
    this.#options = options;
    this.#watch = options.watch ?? defaultWatch;
  }

  /** Directories being watched now. */
  get watching(): number {
    return this.#dirs.size;
  }

  /** Directories that could not be watched, with why. */
  failures(): ReadonlyMap<string, string> {
    return this.#failed;
  }

  /** Watches exactly `paths` from now on: new ones are added, those not given are dropped. */
  update(paths: Iterable<string>): void {
    if (this.#closed) return;
    const wanted = new Map<string, Set<string>>();
    for (const path of paths) {
      const dir = dirname(path);
      let names = wanted.get(dir);
      if (names === undefined) wanted.set(dir, (names = new Set()));
      names.add(basename(path));
    }
    for (const [dir, entry] of this.#dirs) {
      if (wanted.has(dir)) continue;
      entry.watcher.close();
      this.#dirs.delete(dir);
    }
    for (const [dir, names] of wanted) {
      const entry = this.#dirs.get(dir);
      if (entry !== undefined) {
        entry.names = names;
        continue;
      }
      if (this.#failed.has(dir)) continue;
      this.#add(dir, names);
    }
  }

  #add(dir: string, names: Set<string>): void {
    let watcher: FSWatcher;
    try {
      watcher = this.#watch(dir, (_event, filename) => this.#changed(dir, filename));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return; // not there yet: tried again at the next update
      this.#fail(dir, error as Error);
      return;
    }
    watcher.on("error", (error) => {
      watcher.close();
      this.#dirs.delete(dir);
      this.#fail(dir, error);
    });
    this.#dirs.set(dir, { watcher, names });
  }

  #fail(dir: string, error: Error): void {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    const reason = `${error.message}${code !== "" && !error.message.includes(code) ? ` (${code})` : ""}`;
    this.#failed.set(dir, reason);
    const hint =
      code === "ENOSPC"
        ? "; raise fs.inotify.max_user_watches to watch more"
        : code === "EMFILE"
          ? "; raise the open files limit (ulimit -n) to watch more"
          : "";
    this.#options.logger.warn(
      { dir, code },
      `cannot watch ${dir} for new output: ${reason}; its agents are read every poll cycle instead${hint}`,
    );
  }

  #changed(dir: string, filename: string | Buffer | null): void {
    const entry = this.#dirs.get(dir);
    if (entry === undefined) return;
    if (filename === null) {
      for (const name of entry.names) this.#options.onChange(join(dir, name));
      return;
    }
    const name = filename.toString();
    if (entry.names.has(name)) this.#options.onChange(join(dir, name));
  }

  /** Stops watching everything. */
  close(): void {
    this.#closed = true;
    for (const entry of this.#dirs.values()) entry.watcher.close();
    this.#dirs.clear();
  }
}
