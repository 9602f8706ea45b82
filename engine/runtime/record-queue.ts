import type { FlowRecord } from '../sdk/record';

/** Which queued record a connection hands out next. */
export type Prioritizer = 'FIFO' | 'OLDEST_FIRST' | 'NEWEST_FIRST' | 'PRIORITY_ATTRIBUTE';

/** The attribute PRIORITY_ATTRIBUTE orders by: lower first, numbers numerically; records without it last. */
export const PRIORITY_ATTRIBUTE = 'priority';

/**
 * A value per record, kept compactly: one number standing for every record of a batch (an offer's
 * time, a large batch's sampled size), or one each. A batch of a thousand records then costs no
 * array of times or sizes on its way through a queue.
 */
export type PerRecord = number | number[];

export const valueAt = (values: PerRecord, i: number): number => (typeof values === 'number' ? values : values[i]);

/** The sum over `count` records. */
export function sumOf(values: PerRecord, count: number): number {
  if (typeof values === 'number') return values * count;
  let total = 0;
  for (let i = 0; i < count; i++) total += values[i];
  return total;
}

/** Records `from` … `to` - 1 of a per-record value. */
const sliceOf = (values: PerRecord, from: number, to: number): PerRecord => (typeof values === 'number' ? values : values.slice(from, to));

/** Two runs of per-record values, one after the other (counts `a` and `b` records); appends to `a` when it is an array. */
function concat(a: PerRecord, countA: number, b: PerRecord, countB: number): PerRecord {
  if (typeof a === 'number' && a === b) return a;
  const out = typeof a === 'number' ? new Array<number>(countA).fill(a) : a;
  if (typeof b === 'number') for (let i = 0; i < countB; i++) out.push(b);
  else for (let i = 0; i < countB; i++) out.push(b[i]);
  return out;
}

/** Records as they leave a queue: each with its enqueue time and estimated size in bytes. */
export interface Queued {
  records: FlowRecord[];
  enqueuedAt: PerRecord;
  sizes: PerRecord;
}

/** Records with the time each was enqueued and its estimated size, ordered by a prioritizer. */
export interface RecordQueue {
  readonly size: number;
  push(records: readonly FlowRecord[], now: number, sizes: PerRecord): void;
  /** Up to `max` records in priority order. */
  poll(max: number): Queued;
  /** Put records back so they come out first (FIFO) or in their priority place. */
  requeue(taken: Queued): void;
  /** Remove and return every record for which `drop` is true. */
  removeWhere(drop: (record: FlowRecord) => boolean): Queued;
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

/** One offered batch, consumed from `start`. */
interface Chunk {
  records: FlowRecord[];
  start: number;
  times: PerRecord;
  sizes: PerRecord;
}

/**
 * The default and fast path: a FIFO of the offered batches themselves. Offering a batch and taking
 * a whole batch cost no per-record work (no copying into one long array); only a batch split by a
 * smaller poll is sliced.
 */
class FifoQueue implements RecordQueue {
  private chunks: Chunk[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The queue keeps `records` (callers hand over fresh arrays and do not touch them again). */
  push(records: readonly FlowRecord[], now: number, sizes: PerRecord): void {
    if (records.length === 0) return;
    this.chunks.push({ records: records as FlowRecord[], start: 0, times: now, sizes });
    this.count += records.length;
  }

  poll(max: number): Queued {
    const out: Queued = { records: [], enqueuedAt: [], sizes: [] };
    let gathering = false;
    while (out.records.length < max && this.chunks.length > 0) {
      const chunk = this.chunks[0];
      const available = chunk.records.length - chunk.start;
      const take = Math.min(available, max - out.records.length);
      const from = chunk.start;
      const whole = from === 0 && take === available;
      const records = whole ? chunk.records : chunk.records.slice(from, from + take);
      const times = whole ? chunk.times : sliceOf(chunk.times, from, from + take);
      const sizes = whole ? chunk.sizes : sliceOf(chunk.sizes, from, from + take);
      const before = out.records.length;
      if (before === 0) {
        out.records = records;
        out.enqueuedAt = times;
        out.sizes = sizes;
      } else {
        // a second chunk: gather into new arrays, as the first chunk's may still be known to whoever offered it
        if (!gathering) {
          gathering = true;
          out.records = out.records.slice();
          if (typeof out.enqueuedAt !== 'number') out.enqueuedAt = out.enqueuedAt.slice();
          if (typeof out.sizes !== 'number') out.sizes = out.sizes.slice();
        }
        for (const record of records) out.records.push(record);
        out.enqueuedAt = concat(out.enqueuedAt, before, times, take);
        out.sizes = concat(out.sizes, before, sizes, take);
      }
      chunk.start += take;
      if (chunk.start === chunk.records.length) this.chunks.shift();
    }
    this.count -= out.records.length;
    return out;
  }

  requeue(taken: Queued): void {
    if (taken.records.length === 0) return;
    this.chunks.unshift({ records: taken.records, start: 0, times: taken.enqueuedAt, sizes: taken.sizes });
    this.count += taken.records.length;
  }

  removeWhere(drop: (record: FlowRecord) => boolean): Queued {
    const removed = { records: [] as FlowRecord[], enqueuedAt: [] as number[], sizes: [] as number[] };
    const kept = { records: [] as FlowRecord[], enqueuedAt: [] as number[], sizes: [] as number[] };
    for (const chunk of this.chunks) {
      for (let i = chunk.start; i < chunk.records.length; i++) {
        const into = drop(chunk.records[i]) ? removed : kept;
        into.records.push(chunk.records[i]);
        into.enqueuedAt.push(valueAt(chunk.times, i));
        into.sizes.push(valueAt(chunk.sizes, i));
      }
    }
    if (removed.records.length > 0) {
      // what is left becomes one chunk, in the same order
      this.chunks = kept.records.length > 0 ? [{ records: kept.records, start: 0, times: kept.enqueuedAt, sizes: kept.sizes }] : [];
      this.count = kept.records.length;
    }
    return removed;
  }

  /** The earliest time over all chunks: records put back at the head (retried ones) can be younger than the rest. */
  oldestEnqueuedAt(): number | undefined {
    let oldest: number | undefined;
    for (const chunk of this.chunks) {
      const times = chunk.times;
      if (typeof times === 'number') oldest = oldest === undefined ? times : Math.min(oldest, times);
      else for (let i = chunk.start; i < times.length; i++) oldest = oldest === undefined ? times[i] : Math.min(oldest, times[i]);
    }
    return oldest;
  }

  clear(): void {
    this.chunks = [];
    this.count = 0;
  }
}

interface Entry {
  record: FlowRecord;
  enqueuedAt: number;
  size: number;
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

  push(records: readonly FlowRecord[], now: number, sizes: PerRecord): void {
    records.forEach((record, i) => this.insert({ record, enqueuedAt: now, size: valueAt(sizes, i), seq: this.seq++ }));
  }

  poll(max: number): Queued {
    const out = { records: [] as FlowRecord[], enqueuedAt: [] as number[], sizes: [] as number[] };
    while (out.records.length < max && this.heap.length > 0) {
      const top = this.take();
      out.records.push(top.record);
      out.enqueuedAt.push(top.enqueuedAt);
      out.sizes.push(top.size);
    }
    return out;
  }

  requeue(taken: Queued): void {
    // among equal priorities, returned records come out first again, in their order
    const { records, enqueuedAt, sizes } = taken;
    this.requeueSeq -= records.length;
    records.forEach((record, i) => this.insert({ record, enqueuedAt: valueAt(enqueuedAt, i), size: valueAt(sizes, i), seq: this.requeueSeq + i }));
  }

  removeWhere(drop: (record: FlowRecord) => boolean): Queued {
    const removed = { records: [] as FlowRecord[], enqueuedAt: [] as number[], sizes: [] as number[] };
    const kept: Entry[] = [];
    for (const entry of this.heap) {
      if (!drop(entry.record)) kept.push(entry);
      else {
        removed.records.push(entry.record);
        removed.enqueuedAt.push(entry.enqueuedAt);
        removed.sizes.push(entry.size);
      }
    }
    if (removed.records.length > 0) {
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
