/**
 * The keys a DeduplicateRecord has seen: a bounded LRU (a Map keeps insertion order, and a key seen
 * again moves to the end) with an optional window counted from each key's first sighting.
 */
export class SeenKeys {
  /** key → when it was first seen (epoch ms), least recently seen first. */
  private readonly firstSeen = new Map<string, number>();
  /**
   * A live iterator at the least recently seen key. A fresh `keys()` per eviction would walk over
   * the deleted slots at the front of the Map's table each time (evicting got 5× slower, bench);
   * a live iterator skips each slot once, and sees keys moved to the end in their new place.
   */
  private oldest?: Iterator<string>;

  constructor(
    private readonly maxEntries: number,
    /** 0: no window. */
    private readonly windowMs: number,
  ) {}

  get size(): number {
    return this.firstSeen.size;
  }

  /** Whether the key was seen within the window; if not, it is remembered as seen now. */
  seen(key: string, now: number): boolean {
    const at = this.firstSeen.get(key);
    this.firstSeen.delete(key);
    if (at !== undefined && (this.windowMs === 0 || now - at < this.windowMs)) {
      this.firstSeen.set(key, at);
      return true;
    }
    this.firstSeen.set(key, now);
    if (this.firstSeen.size > this.maxEntries) this.evictOldest();
    return false;
  }

  private evictOldest(): void {
    let next = (this.oldest ??= this.firstSeen.keys()).next();
    // an exhausted iterator stays exhausted, even when keys are added afterwards: start a new one
    if (next.done) next = (this.oldest = this.firstSeen.keys()).next();
    if (!next.done) this.firstSeen.delete(next.value);
  }

  /** Forget keys (recorded by a trigger whose session rolled back: its records will come again). */
  forget(keys: readonly string[]): void {
    for (const key of keys) this.firstSeen.delete(key);
  }

  /** [key, first seen] pairs, least recently seen first: what `restore` takes. */
  snapshot(): [string, number][] {
    return [...this.firstSeen];
  }

  /** Load a snapshot, keeping the most recent entries that fit and are still in the window. */
  restore(entries: readonly (readonly [string, number])[], now: number): void {
    for (const [key, at] of entries.slice(-this.maxEntries)) {
      if (this.windowMs === 0 || now - at < this.windowMs) this.firstSeen.set(key, at);
    }
  }
}
