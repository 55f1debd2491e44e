/** A set that keeps insertion order, moves a re-added item to the end and keeps the last `max`. */
export class RecentSet {
  private readonly items: Map<string, true>;

  constructor(
    initial: readonly string[],
    private readonly max: number,
  ) {
    this.items = new Map(initial.map((item) => [item, true]));
  }

  /** Adds `item` as the most recent (amortised O(1): trimmed only when twice too big). */
  add(item: string): void {
    this.items.delete(item);
    this.items.set(item, true);
    if (this.items.size > this.max * 2) {
      const keep = [...this.items.keys()].slice(-this.max);
      this.items.clear();
      for (const k of keep) this.items.set(k, true);
    }
  }

  /** Whether `item` is among the items kept. */
  has(item: string): boolean {
    return this.items.has(item);
  }

  /** The last `max` items, oldest first. */
  values(): string[] {
    return [...this.items.keys()].slice(-this.max);
  }
}
