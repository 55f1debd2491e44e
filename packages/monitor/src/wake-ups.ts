import type { Logger } from "@agentwatch/models";
import type { AgentRecord } from "./agent-record.js";
import type { HookFeed } from "./hook-feed.js";
import { SourceWatcher, type WatchFunction } from "./source-watcher.js";

/** A quick look waits for an agent's writes to pause this long (real milliseconds)… */
const QUICK_QUIET_MS = 400;
/** …but not longer than this after the first write of a run that does not pause. */
const QUICK_MAX_WAIT_MS = 1_000;

/** An agent's quick look: when its run of writes began, the look waiting, one running. */
interface QuickState {
  firstAt: number;
  timer: NodeJS.Timeout | undefined;
  running: boolean;
  /** Written to while its look ran: another look follows. */
  again: boolean;
}
/** When a quick look found a line held back (no newline yet), how long until it looks again. */
const QUICK_HELD_RETRY_MS = 1_100;

/** What {@link WakeUps} needs from the service. */
export interface WakeUpOptions {
  readonly logger: Logger;
  readonly watch?: WatchFunction | undefined;
  /** The hooks file and its feed, when hooks are read. */
  readonly hooksFile?: string | undefined;
  readonly hooks?: HookFeed | undefined;
  /** Reads the hook calls recorded since last time (in the service's hook turn). */
  readonly pollHooks: () => Promise<void>;
  /** The agents the service knows now. */
  readonly records: () => readonly AgentRecord[];
  /** A quick look at one agent; resolves to true when a line is held back. */
  readonly look: (record: AgentRecord) => Promise<boolean>;
}

/**
 * Wake-up on write: watches the directories of every agent's files (and the hooks file) and takes
 * a quick look at an agent when one of its files is written, in the agent's turn, so its state
 * changes are reported within a second while its summary keeps the cycle.
 */
export class WakeUps {
  readonly #o: WakeUpOptions;
  readonly #watcher: SourceWatcher;
  /** Watched file → the agents reading it. */
  #byPath = new Map<string, AgentRecord[]>();
  /** Agents with a quick look waiting or running. */
  readonly #quick = new Map<AgentRecord, QuickState>();
  #stopped = false;

  constructor(options: WakeUpOptions) {
    this.#o = options;
    this.#watcher = new SourceWatcher({
      onChange: (path) => this.wake(path),
      logger: options.logger,
      watch: options.watch,
    });
  }

  /** A watched file was written: quick looks at the agents reading it (or told of by hooks). */
  wake(path: string): void {
    if (this.#stopped) return;
    if (path === this.#o.hooksFile && this.#o.hooks !== undefined) {
      const hooks = this.#o.hooks;
      void this.#o.pollHooks().then(() => {
        for (const record of this.#o.records()) {
          const after = record.quick?.hookSeq ?? record.hookSeq;
          // a hook call is one exact event, not a burst of writes: looked at at once
          if ((hooks.since(record, [], after)?.events.length ?? 0) > 0) {
            this.#quickLook(record, true);
          }
        }
      });
      return;
    }
    for (const record of this.#byPath.get(path) ?? []) this.#quickLook(record);
  }

  /**
   * A quick look at `record`, in its turn (after its cycle step, if one runs), once its writes
   * pause for {@link QUICK_QUIET_MS}, or {@link QUICK_MAX_WAIT_MS} after the first of a run of
   * writes that does not pause: an agent that stops at a prompt is looked at a moment later, and
   * one that streams output is looked at a few times a second at most, not once per write. A line
   * held back (written without its newline yet) is looked at again once the file has been quiet
   * long enough for the reader to give it.
   */
  #quickLook(record: AgentRecord, atOnce = false): void {
    const now = Date.now();
    let state = this.#quick.get(record);
    if (state === undefined) {
      state = { firstAt: now, timer: undefined, running: false, again: false };
      this.#quick.set(record, state);
    }
    if (state.running) {
      state.again = true;
      return;
    }
    const due = atOnce ? now : Math.min(now + QUICK_QUIET_MS, state.firstAt + QUICK_MAX_WAIT_MS);
    this.#arm(record, state, due);
  }

  #arm(record: AgentRecord, state: QuickState, due: number): void {
    clearTimeout(state.timer);
    if (this.#stopped) return;
    state.timer = setTimeout(() => this.#look(record, state), Math.max(0, due - Date.now()));
    state.timer.unref();
  }

  #look(record: AgentRecord, state: QuickState): void {
    state.timer = undefined;
    state.running = true;
    state.again = false;
    let held = false;
    const run = async (): Promise<void> => {
      if (!this.#stopped) {
        held = await this.#o.look(record);
      }
    };
    const turn = record.turn.then(run, run);
    record.turn = turn.catch(() => {});
    void turn.finally(() => {
      state.running = false;
      const now = Date.now();
      if (this.#stopped || (!state.again && !held)) {
        this.#quick.delete(record);
      } else if (state.again) {
        state.firstAt = now;
        this.#arm(record, state, now + QUICK_QUIET_MS);
      } else {
        this.#arm(record, state, now + QUICK_HELD_RETRY_MS);
      }
    });
  }

  /** What the watcher watches: every stream of every agent, and the hooks file. */
  watchAgents(records: readonly AgentRecord[]): void {
    const watcher = this.#watcher;
    const byPath = new Map<string, AgentRecord[]>();
    for (const record of records) {
      if (record.exitedAt !== null) continue;
      const { info } = record;
      for (const path of [info.log_file_path, ...(info.streams ?? []).map((s) => s.path)]) {
        const list = byPath.get(path);
        if (list === undefined) byPath.set(path, [record]);
        else list.push(record);
      }
    }
    this.#byPath = byPath;
    const paths = [...byPath.keys()];
    if (this.#o.hooks !== undefined && this.#o.hooksFile !== undefined) {
      paths.push(this.#o.hooksFile);
    }
    watcher.update(paths);
  }

  /** Stops watching; no quick look starts from now on. */
  close(): void {
    this.#stopped = true;
    this.#watcher.close();
    for (const state of this.#quick.values()) clearTimeout(state.timer);
  }
}
