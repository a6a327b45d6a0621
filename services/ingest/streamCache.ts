/**
 * The ingest service's stream states between calls: a segmented LRU. A stream seen for the first
 * time (it has no stored events) waits in a small probation segment; one used again (still cached,
 * or read back from the store) lives in the main segment. Most streams of a department's history
 * are used once (a contract, a patent, a voucher: 650,000 of the 720,000 streams of a 30,000-firm
 * seed), and in one LRU they pushed out the firms' streams, which were then read back from the store
 * at every touch: 680,000 events re-read while seeding 1.2M. One-shot streams now only cycle through
 * probation.
 *
 * Evicting one entry per insert restarted a Map iterator each time, and each start skips every entry
 * deleted before it (until the table is rehashed): seeding 700,000 streams spent minutes there. Both
 * segments evict in runs, with one iterator, which keeps it linear.
 */
export class StreamCache<T> {
  private readonly main = new Map<string, T>();
  private readonly probation = new Map<string, T>();
  private readonly probationSize: number;

  /** Holds up to `capacity` streams used again, and an eighth of that (at least 1) seen once. */
  constructor(private readonly capacity: number) {
    this.probationSize = Math.max(1, capacity >> 3);
  }

  /** Takes a stream's state out of the cache (the caller puts it back with `put`). */
  take(streamId: string): T | undefined {
    const value = this.main.get(streamId) ?? this.probation.get(streamId);
    if (value !== undefined) {
      this.main.delete(streamId);
      this.probation.delete(streamId);
    }
    return value;
  }

  /** Keeps a stream's state as the most recently used; `again`: it was used before (cached or stored). */
  put(streamId: string, value: T, again: boolean): void {
    const segment = again ? this.main : this.probation;
    const limit = again ? this.capacity : this.probationSize;
    segment.set(streamId, value);
    if (segment.size > limit + Math.max(16, limit >> 4)) evictOldest(segment, limit);
  }

  delete(streamId: string): void {
    this.main.delete(streamId);
    this.probation.delete(streamId);
  }

  get size(): number {
    return this.main.size + this.probation.size;
  }
}

function evictOldest(segment: Map<string, unknown>, limit: number): void {
  const oldest = segment.keys();
  while (segment.size > limit) segment.delete(oldest.next().value!);
}
