/**
 * Runs tasks one at a time per key and concurrently across keys, in the order they were queued.
 *
 * A failing task rejects its own promise only; the next task for the key still runs.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Queues `task` behind every earlier task for `key` and returns its result. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** How many keys have queued or running tasks. */
  get activeKeys(): number {
    return this.#tails.size;
  }
}
