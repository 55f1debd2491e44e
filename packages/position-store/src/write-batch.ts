import type { LogPosition } from "@agentwatch/models";

/** The changes that go to disk in one write, and the promise every caller in it awaits. */
export interface Batch {
  /** Start from an empty state instead of the file's (`clearAllPositions`). */
  clear: boolean;
  /** Per key, the new position, or null for a removal; later changes replace earlier ones. */
  readonly changes: Map<string, LogPosition | null>;
  /** Settles once the write is done: resolves when it is on disk, rejects when it failed. */
  readonly done: Promise<void>;
  /** Settles `done`: with no argument as written, otherwise as failed with `error`. */
  settle(error?: unknown): void;
}

/** A new, empty batch. */
export function createBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Callers handle the rejection; this keeps a batch nobody awaits any more from being "unhandled".
  done.catch(() => {});
  return {
    clear: false,
    changes: new Map(),
    done,
    settle: (error?: unknown) => (error === undefined ? resolve() : reject(error)),
  };
}
