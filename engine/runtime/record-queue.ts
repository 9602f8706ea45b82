import type { FlowRecord } from '../sdk/record';

/** Which queued record a connection hands out next. */
export type Prioritizer = 'FIFO' | 'OLDEST_FIRST' | 'NEWEST_FIRST' | 'PRIORITY_ATTRIBUTE';

/** The attribute PRIORITY_ATTRIBUTE orders by: lower first, numbers numerically; records without it last. */
export const PRIORITY_ATTRIBUTE = 'priority';

/** Records with the time each was enqueued, ordered by a prioritizer. */
export interface RecordQueue {
  readonly size: number;
  push(records: readonly FlowRecord[], now: number): void;
  /** Up to `max` records in priority order, with their enqueue times. */
  poll(max: number): { records: FlowRecord[]; enqueuedAt: number[] };
  /** Put records back so they come out first (FIFO) or in their priority place. */
  requeue(records: readonly FlowRecord[], enqueuedAt: readonly number[]): void;
  /** Remove and return every record for which `drop` is true. */
  removeWhere(drop: (record: FlowRecord) => boolean): FlowRecord[];
  /** Enqueue time of the longest-waiting record, if any. */
  oldestEnqueuedAt(): number | undefined;
  clear(): void;
}

export function createQueue(prioritizer: Prioritizer): RecordQueue {
  switch (prioritizer) {
    case 'FIFO':
      return new FifoQueue();
    case 'OLDEST_FIRST':
      return new HeapQueue((a, b) => a.record.entryTime - b.record.entryTime);
    case 'NEWEST_FIRST':
      return new HeapQueue((a, b) => b.record.entryTime - a.record.entryTime);
    case 'PRIORITY_ATTRIBUTE':
      return new HeapQueue((a, b) => comparePriority(a.record.attributes[PRIORITY_ATTRIBUTE], b.record.attributes[PRIORITY_ATTRIBUTE]));
  }
}

function comparePriority(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : 1;
}

/**
 * The default and fast path: two parallel arrays (records, enqueue times) with a moving head, so
 * enqueue and dequeue cost no allocation per record.
 */
class FifoQueue implements RecordQueue {
  private records: FlowRecord[] = [];
  private times: number[] = [];
  private head = 0;

  get size(): number {
    return this.records.length - this.head;
  }

  push(records: readonly FlowRecord[], now: number): void {
    for (let i = 0; i < records.length; i++) {
      this.records.push(records[i]);
      this.times.push(now);
    }
  }

  poll(max: number) {
    const end = Math.min(this.head + max, this.records.length);
    const out = { records: this.records.slice(this.head, end), enqueuedAt: this.times.slice(this.head, end) };
    this.head = end;
    this.compact();
    return out;
  }

  requeue(records: readonly FlowRecord[], enqueuedAt: readonly number[]): void {
    this.records = records.concat(this.records.slice(this.head));
    this.times = enqueuedAt.concat(this.times.slice(this.head));
    this.head = 0;
  }

  removeWhere(drop: (record: FlowRecord) => boolean): FlowRecord[] {
    const removed: FlowRecord[] = [];
    const keptRecords: FlowRecord[] = [];
    const keptTimes: number[] = [];
    for (let i = this.head; i < this.records.length; i++) {
      if (drop(this.records[i])) removed.push(this.records[i]);
      else {
        keptRecords.push(this.records[i]);
        keptTimes.push(this.times[i]);
      }
    }
    if (removed.length > 0) {
      this.records = keptRecords;
      this.times = keptTimes;
      this.head = 0;
    }
    return removed;
  }

  oldestEnqueuedAt(): number | undefined {
    return this.size > 0 ? this.times[this.head] : undefined;
  }

  clear(): void {
    this.records = [];
    this.times = [];
    this.head = 0;
  }

  private compact(): void {
    if (this.head === this.records.length) {
      this.clear();
    } else if (this.head > 4096 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}

interface Entry {
  record: FlowRecord;
  enqueuedAt: number;
  /** Arrival order: ties in priority keep FIFO order. */
  seq: number;
}

/** A binary heap for the ordering prioritizers. */
class HeapQueue implements RecordQueue {
  private heap: Entry[] = [];
  private seq = 0;
  /** Requeued entries take sequence numbers below every other, counting down. */
  private requeueSeq = 0;
  private readonly before: (a: Entry, b: Entry) => boolean;

  constructor(compare: (a: Entry, b: Entry) => number) {
    this.before = (a, b) => {
      const c = compare(a, b);
      return c < 0 || (c === 0 && a.seq < b.seq);
    };
  }

  get size(): number {
    return this.heap.length;
  }

  push(records: readonly FlowRecord[], now: number): void {
    for (const record of records) this.insert({ record, enqueuedAt: now, seq: this.seq++ });
  }

  poll(max: number) {
    const out = { records: [] as FlowRecord[], enqueuedAt: [] as number[] };
    while (out.records.length < max && this.heap.length > 0) {
      const top = this.take();
      out.records.push(top.record);
      out.enqueuedAt.push(top.enqueuedAt);
    }
    return out;
  }

  requeue(records: readonly FlowRecord[], enqueuedAt: readonly number[]): void {
    // among equal priorities, returned records come out first again, in their order
    this.requeueSeq -= records.length;
    records.forEach((record, i) => this.insert({ record, enqueuedAt: enqueuedAt[i], seq: this.requeueSeq + i }));
  }

  removeWhere(drop: (record: FlowRecord) => boolean): FlowRecord[] {
    const removed = this.heap.filter((e) => drop(e.record)).map((e) => e.record);
    if (removed.length > 0) {
      const kept = this.heap.filter((e) => !drop(e.record));
      this.heap = [];
      for (const entry of kept) this.insert(entry);
    }
    return removed;
  }

  oldestEnqueuedAt(): number | undefined {
    let oldest: number | undefined;
    for (const e of this.heap) if (oldest === undefined || e.enqueuedAt < oldest) oldest = e.enqueuedAt;
    return oldest;
  }

  clear(): void {
    this.heap = [];
  }

  private insert(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private take(): Entry {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < heap.length && this.before(heap[l], heap[best])) best = l;
        if (r < heap.length && this.before(heap[r], heap[best])) best = r;
        if (best === i) break;
        [heap[i], heap[best]] = [heap[best], heap[i]];
        i = best;
      }
    }
    return top;
  }
}
