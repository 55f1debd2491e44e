import {
  type LogPosition,
  type Logger,
  type PositionStore,
  positionKey,
  sameLogPosition,
} from "@agentwatch/models";

/**
 * Decides whether a read may still commit, so a position never moves back: a commit applies only
 * if the saved position is still the one its read started from and no commit or reset happened
 * for that log since (tracked by a generation per log). Saves being written count as saved.
 */
export class CommitGuard {
  readonly #store: PositionStore;
  readonly #logger: Logger;
  /** Positions handed to the store and not yet saved, by key: the newest truth for commits. */
  readonly #inflight = new Map<string, LogPosition>();
  /** By key: bumped by every commit and reset, so a read taken before either cannot commit. */
  readonly #generation = new Map<string, number>();

  constructor(store: PositionStore, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
  }

  /** The position a new read starts from: one being saved, else the stored one. */
  current(instanceId: string, logType: string): LogPosition | undefined {
    return (
      this.#inflight.get(positionKey(instanceId, logType)) ??
      this.#store.getPosition(instanceId, logType)
    );
  }

  /** The generation of a log, to hand back to `commit`. */
  generation(key: string): number {
    return this.#generation.get(key) ?? 0;
  }

  /** Forgets what is being saved for a log and stops every earlier read from committing. */
  reset(key: string): void {
    this.#inflight.delete(key);
    this.#bump(key);
  }

  #bump(key: string): void {
    this.#generation.set(key, this.generation(key) + 1);
  }

  /**
   * Saves `next` unless the position moved since the read that produced it began (`base`,
   * `generation`); a failed save leaves the read able to retry.
   *
   * @throws the store's error when saving fails.
   */
  async commit(
    base: LogPosition | undefined,
    next: LogPosition | null,
    generation: number,
  ): Promise<void> {
    if (next === null) return;
    const key = positionKey(next.instance_id, next.log_type);
    const current = this.current(next.instance_id, next.log_type);
    if (this.generation(key) !== generation || !sameLogPosition(current, base)) {
      this.#logger.debug({ key }, "stale commit ignored: the position moved since this read");
      return;
    }
    this.#bump(key);
    const mine = this.#generation.get(key);
    this.#inflight.set(key, next);
    try {
      await this.#store.updatePosition(next);
    } catch (error) {
      if (this.#generation.get(key) === mine) this.#generation.set(key, generation); // retryable
      throw error;
    } finally {
      if (this.#inflight.get(key) === next) this.#inflight.delete(key);
    }
  }
}
