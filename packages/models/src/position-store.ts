import { type LogPosition, positionKey } from "./log-position.js";

/**
 * Where read positions live: the interface `IncrementalLogReader` depends on.
 *
 * `PositionTracker` (`@agentwatch/position-store`) is the durable implementation;
 * `InMemoryPositionStore` keeps them in memory only.
 */
export interface PositionStore {
  /** The saved position of one log, or undefined. Answers from memory. */
  getPosition(instanceId: string, logType: string): LogPosition | undefined;
  /** Saves a position; resolves once it is stored. */
  updatePosition(position: LogPosition): Promise<void>;
  /** Forgets a position; resolves to false when there was none. */
  removePosition(instanceId: string, logType: string): Promise<boolean>;
  /** Every saved position. */
  getAllPositions(): LogPosition[];
}

/**
 * A `PositionStore` that keeps positions in memory only: for tests, benchmarks and one-shot reads.
 *
 * @example
 * const reader = new IncrementalLogReader({ positionTracker: new InMemoryPositionStore() });
 */
export class InMemoryPositionStore implements PositionStore {
  readonly #positions = new Map<string, LogPosition>();

  getPosition(instanceId: string, logType: string): LogPosition | undefined {
    const position = this.#positions.get(positionKey(instanceId, logType));
    return position === undefined ? undefined : { ...position };
  }

  updatePosition(position: LogPosition): Promise<void> {
    this.#positions.set(positionKey(position.instance_id, position.log_type), { ...position });
    return Promise.resolve();
  }

  removePosition(instanceId: string, logType: string): Promise<boolean> {
    return Promise.resolve(this.#positions.delete(positionKey(instanceId, logType)));
  }

  getAllPositions(): LogPosition[] {
    return [...this.#positions.values()].map((position) => ({ ...position }));
  }
}
