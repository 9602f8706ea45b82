import type { FlowRecord } from '../sdk/record';
import { valueAt, type Chunk, type PerRecord, type Span } from './chunk';

export { valueAt, type PerRecord } from './chunk';

/** Which queued record a connection hands out next. */
export type Prioritizer = 'FIFO' | 'OLDEST_FIRST' | 'NEWEST_FIRST' | 'PRIORITY_ATTRIBUTE';

/** The attribute PRIORITY_ATTRIBUTE orders by: lower first, numbers numerically; records without it last. */
export const PRIORITY_ATTRIBUTE = 'priority';

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

/**
 * Records as they leave a queue: each with its enqueue time and estimated size in bytes, and where
 * they were queued (spans of chunks, in the records' order): a commit consumes those positions, a
 * rollback puts the same spans back.
 */
export interface Queued {
  records: FlowRecord[];
  enqueuedAt: PerRecord;
  sizes: PerRecord;
  spans: Span[];
}

/** A queued record as a listing shows it. */
export interface Peeked {
  record: FlowRecord;
  enqueuedAt: number;
  size: number;
}

/** Records taken out of a queue for good (expired), and the bytes they were counted with. */
export interface Removed {
  records: FlowRecord[];
  bytes: number;
}

/** Chunks' records ordered by a prioritizer. */
export interface RecordQueue {
  readonly size: number;
  /** Queue a chunk's records: appended, or at the head when `chunk.atHead`. */
  push(chunk: Chunk): void;
  /** Queue runs of chunks at the tail, in order (chunks read back after a restart). */
  append(spans: readonly Span[]): void;
  /** Up to `max` records in priority order. */
  poll(max: number): Queued;
  /** Put taken records back so they come out first (FIFO) or in their priority place. */
  requeue(spans: readonly Span[]): void;
  /** Make the records the next poll of `max` would take resident (read back swapped-out chunks). */
  loadHead(max: number): void;
  /** Consume and return every resident record for which `drop` is true, with their queued bytes. */
  removeWhere(drop: (record: FlowRecord) => boolean): Removed;
  /** The first `max` records in the order they would be handed out, left where they are. */
  peek(max: number): Peeked[];
  /** Enqueue time of the longest-waiting record, if any. */
  oldestEnqueuedAt(): number | undefined;
  /** Queued records held on disk only (swapped out, or read back at a restart and not needed yet). */
  onDisk(): number;
  /** Take out every queued run, in order, without consuming it (to queue them elsewhere). */
  drain(): Span[];
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

/** A chunk's records without reading a swapped-out one into the queue's memory (a listing). */
const recordsOf = (chunk: Chunk): FlowRecord[] => chunk.records ?? chunk.owner.store!.load(chunk);

/**
 * The default and fast path: a FIFO of runs of the offered chunks themselves. Offering a batch and
 * taking a whole batch cost no per-record work (no copying into one long array); only a batch split
 * by a smaller poll is sliced. A chunk swapped out to disk is read back when its turn comes.
 */
class FifoQueue implements RecordQueue {
  private runs: Span[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(chunk: Chunk): void {
    if (chunk.count === 0) return;
    const run = { chunk, from: 0, to: chunk.count };
    if (chunk.atHead) this.runs.unshift(run);
    else this.runs.push(run);
    this.count += chunk.count;
  }

  append(spans: readonly Span[]): void {
    for (const { chunk, from, to } of spans) {
      this.runs.push({ chunk, from, to });
      this.count += to - from;
    }
  }

  poll(max: number): Queued {
    const out: Queued = { records: [], enqueuedAt: [], sizes: [], spans: [] };
    let taken = 0;
    let gathering = false;
    while (taken < max && this.runs.length > 0) {
      const run = this.runs[0];
      const { chunk, from } = run;
      const take = Math.min(run.to - from, max - taken);
      const all = chunk.resident();
      // the chunk's own array when the batch is the whole chunk: the session never writes its inputs
      const whole = from === 0 && take === chunk.count;
      const records = whole ? all : all.slice(from, from + take);
      const times = whole ? chunk.times : sliceOf(chunk.times, from, from + take);
      const sizes = whole ? chunk.sizes : sliceOf(chunk.sizes, from, from + take);
      if (taken === 0) {
        out.records = records;
        out.enqueuedAt = times;
        out.sizes = sizes;
      } else {
        // a second run: gather into new arrays, as the first run's may still be known to whoever offered it
        if (!gathering) {
          gathering = true;
          out.records = out.records.slice();
          if (typeof out.enqueuedAt !== 'number') out.enqueuedAt = out.enqueuedAt.slice();
          if (typeof out.sizes !== 'number') out.sizes = out.sizes.slice();
        }
        for (const record of records) out.records.push(record);
        out.enqueuedAt = concat(out.enqueuedAt, taken, times, take);
        out.sizes = concat(out.sizes, taken, sizes, take);
      }
      out.spans.push({ chunk, from, to: from + take });
      taken += take;
      run.from += take;
      if (run.from === run.to) this.runs.shift();
    }
    this.count -= taken;
    return out;
  }

  requeue(spans: readonly Span[]): void {
    for (let i = spans.length - 1; i >= 0; i--) {
      const { chunk, from, to } = spans[i];
      this.runs.unshift({ chunk, from, to });
      this.count += to - from;
    }
  }

  loadHead(max: number): void {
    let seen = 0;
    for (const run of this.runs) {
      if (seen >= max) return;
      run.chunk.resident();
      seen += run.to - run.from;
    }
  }

  removeWhere(drop: (record: FlowRecord) => boolean): Removed {
    const removed: Removed = { records: [], bytes: 0 };
    const kept: Span[] = [];
    for (const run of this.runs) {
      const { chunk } = run;
      const records = chunk.records;
      if (!records) {
        kept.push(run); // on disk: checked when read back for a poll (Connection.poll)
        continue;
      }
      let keptFrom = run.from;
      for (let at = run.from; at < run.to; at++) {
        if (!drop(records[at])) continue;
        removed.records.push(records[at]);
        removed.bytes += valueAt(chunk.sizes, at);
        if (at > keptFrom) kept.push({ chunk, from: keptFrom, to: at });
        chunk.consume(at, at + 1);
        keptFrom = at + 1;
      }
      if (keptFrom < run.to) kept.push(keptFrom === run.from ? run : { chunk, from: keptFrom, to: run.to });
    }
    if (removed.records.length > 0) {
      this.runs = kept;
      this.count -= removed.records.length;
    }
    return removed;
  }

  peek(max: number): Peeked[] {
    const out: Peeked[] = [];
    for (const { chunk, from, to } of this.runs) {
      const records = recordsOf(chunk);
      for (let at = from; at < to && out.length < max; at++) out.push({ record: records[at], enqueuedAt: valueAt(chunk.times, at), size: valueAt(chunk.sizes, at) });
      if (out.length >= max) break;
    }
    return out;
  }

  /** The earliest time over all runs: records put back at the head (retried ones) can be younger than the rest. */
  oldestEnqueuedAt(): number | undefined {
    let oldest: number | undefined;
    for (const { chunk, from, to } of this.runs) {
      const times = chunk.times;
      if (typeof times === 'number') oldest = oldest === undefined ? times : Math.min(oldest, times);
      else for (let i = from; i < to; i++) oldest = oldest === undefined ? times[i] : Math.min(oldest, times[i]);
    }
    return oldest;
  }

  onDisk(): number {
    let count = 0;
    for (const { chunk, from, to } of this.runs) if (!chunk.records) count += to - from;
    return count;
  }

  drain(): Span[] {
    const runs = this.runs;
    this.runs = [];
    this.count = 0;
    return runs;
  }
}

interface Entry {
  record: FlowRecord;
  chunk: Chunk;
  /** The record's position in its chunk. */
  at: number;
  /** Arrival order: ties in priority keep FIFO order. */
  seq: number;
}

/** A binary heap for the ordering prioritizers; its chunks stay in memory. */
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

  push(chunk: Chunk): void {
    this.insertSpans([{ chunk, from: 0, to: chunk.count }], chunk.atHead);
  }

  append(spans: readonly Span[]): void {
    this.insertSpans(spans, false);
  }

  poll(max: number): Queued {
    const out = { records: [] as FlowRecord[], enqueuedAt: [] as number[], sizes: [] as number[], spans: [] as Span[] };
    while (out.records.length < max && this.heap.length > 0) {
      const { record, chunk, at } = this.take();
      out.records.push(record);
      out.enqueuedAt.push(valueAt(chunk.times, at));
      out.sizes.push(valueAt(chunk.sizes, at));
      const last = out.spans[out.spans.length - 1];
      if (last && last.chunk === chunk && last.to === at) last.to++;
      else out.spans.push({ chunk, from: at, to: at + 1 });
    }
    return out;
  }

  requeue(spans: readonly Span[]): void {
    // among equal priorities, returned records come out first again, in their order
    this.insertSpans(spans, true);
  }

  loadHead(): void {}

  removeWhere(drop: (record: FlowRecord) => boolean): Removed {
    const removed: Removed = { records: [], bytes: 0 };
    const kept: Entry[] = [];
    for (const entry of this.heap) {
      if (!drop(entry.record)) kept.push(entry);
      else {
        removed.records.push(entry.record);
        removed.bytes += valueAt(entry.chunk.sizes, entry.at);
        entry.chunk.consume(entry.at, entry.at + 1);
      }
    }
    if (removed.records.length > 0) {
      this.heap = [];
      for (const entry of kept) this.insert(entry);
    }
    return removed;
  }

  peek(max: number): Peeked[] {
    const sorted = [...this.heap].sort((a, b) => (this.before(a, b) ? -1 : 1)).slice(0, max);
    return sorted.map(({ record, chunk, at }) => ({ record, enqueuedAt: valueAt(chunk.times, at), size: valueAt(chunk.sizes, at) }));
  }

  oldestEnqueuedAt(): number | undefined {
    let oldest: number | undefined;
    for (const { chunk, at } of this.heap) {
      const time = valueAt(chunk.times, at);
      if (oldest === undefined || time < oldest) oldest = time;
    }
    return oldest;
  }

  onDisk(): number {
    return 0;
  }

  drain(): Span[] {
    const spans: Span[] = [];
    while (this.heap.length > 0) {
      const { chunk, at } = this.take();
      spans.push({ chunk, from: at, to: at + 1 });
    }
    this.seq = this.requeueSeq = 0;
    return spans;
  }

  private insertSpans(spans: readonly Span[], atHead: boolean): void {
    let total = 0;
    for (const span of spans) total += span.to - span.from;
    let seq = atHead ? (this.requeueSeq -= total) : this.seq;
    for (const { chunk, from, to } of spans) {
      const records = chunk.resident();
      for (let at = from; at < to; at++) this.insert({ record: records[at], chunk, at, seq: seq++ });
    }
    if (!atHead) this.seq = seq;
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
