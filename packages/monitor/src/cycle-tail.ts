/**
 * The part of a cycle that runs behind the per-agent slots: storing summaries (at most
 * `storeLimit` at once) and committing positions in batches of `commitBatch`, so the position
 * store writes its file once per batch instead of once per agent. `drain()` waits for all of it.
 */
export class CycleTail {
  readonly #storeLimit: number;
  readonly #commitBatch: number;
  readonly #tasks: Promise<void>[] = [];
  readonly #waiting: (() => void)[] = [];
  #running = 0;
  #queued: { commit: () => Promise<void>; done: (error: unknown) => void }[] = [];
  readonly #commits: Promise<void>[] = [];

  constructor(storeLimit: number, commitBatch: number) {
    this.#storeLimit = storeLimit;
    this.#commitBatch = commitBatch;
  }

  /** Runs `task` when fewer than `storeLimit` tasks run; `task` must not reject. */
  run(task: () => Promise<void>): void {
    const started = this.#slot().then(async () => {
      try {
        await task();
      } finally {
        this.#running--;
        this.#waiting.shift()?.();
      }
    });
    this.#tasks.push(started);
  }

  /**
   * Queues a commit; it starts with its batch, and `done` is called with its error (undefined on
   * success) once it settled.
   */
  commit(commit: () => Promise<void>, done: (error: unknown) => void): void {
    this.#queued.push({ commit, done });
    if (this.#queued.length >= this.#commitBatch) this.#flush();
  }

  /** Waits for every task, then starts the last commits and waits for them. */
  async drain(): Promise<void> {
    while (this.#tasks.length > 0) await Promise.all(this.#tasks.splice(0));
    this.#flush();
    await Promise.all(this.#commits);
  }

  #slot(): Promise<void> {
    if (this.#running < this.#storeLimit) {
      this.#running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#waiting.push(() => {
        this.#running++;
        resolve();
      });
    });
  }

  #flush(): void {
    const batch = this.#queued;
    this.#queued = [];
    for (const { commit, done } of batch) {
      this.#commits.push(
        commit().then(
          () => done(undefined),
          (error: unknown) => done(error ?? new Error("commit failed")),
        ),
      );
    }
  }
}
