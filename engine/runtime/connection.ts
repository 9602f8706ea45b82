import { estimateSize, type FlowRecord } from '../sdk/record';
import type { ConnectionConfig } from '../flow/schema';
import type { ConnectionStatus } from '../protocol';
import { Chunk, consumeSpans, type ChunkOwner, type PerRecord, type Span } from './chunk';
import { createQueue, sumOf, valueAt, type Peeked, type Queued, type RecordQueue } from './record-queue';

/** How many recent time-in-queue samples the percentiles are computed from. */
const WAIT_SAMPLES = 1024;
/** Batches up to this many records are sized record by record; larger ones from a few samples. */
const SIZE_EVERY_RECORD_UP_TO = 16;
/**
 * Records a durable FIFO connection keeps in memory (NiFi swaps above 20,000 per queue): chunks
 * offered beyond it are dropped from memory once written and read back when their turn comes, so
 * a connection can hold millions of records in bounded memory.
 */
export const MEMORY_WINDOW = 20_000;

/**
 * Estimated sizes of a batch for the byte threshold. Walking every record's content cost a tenth of
 * the engine's time (bench/), so a large batch is sized from four evenly spaced records, one size
 * for all; a small one record by record. Thresholds are soft, and the estimate was never exact for JSON.
 */
export function sizesOf(records: readonly FlowRecord[]): PerRecord {
  const n = records.length;
  if (n <= SIZE_EVERY_RECORD_UP_TO) return records.map((r) => estimateSize(r.content));
  const samples = [0, Math.floor(n / 3), Math.floor((2 * n) / 3), n - 1];
  let total = 0;
  for (const i of samples) total += estimateSize(records[i].content);
  return Math.round(total / samples.length);
}

export type ConnectionSettings = Pick<ConnectionConfig, 'countThreshold' | 'bytesThreshold' | 'prioritizer' | 'expirationMs'>;

/**
 * A bounded queue from one relationship of a processor to another processor. The thresholds are
 * soft (as in NiFi): a commit may overshoot them, but while either is reached the upstream processor
 * is not scheduled, so the overshoot is at most one batch per upstream task. Records older than the
 * expiration (age since they entered the flow) are removed and counted, never handed out.
 */
export class Connection {
  private queue: RecordQueue;
  private queuedBytes = 0;
  private settings: ConnectionSettings;
  /** Records removed because they expired, since the connection was created. */
  expired = 0;
  private readonly waits = new Float64Array(WAIT_SAMPLES);
  private waitCount = 0;

  constructor(
    readonly config: Pick<ConnectionConfig, 'id' | 'sourceId' | 'relationship' | 'targetId'>,
    settings: ConnectionSettings,
    /** Called after records are offered, so the scheduler can wake the target. */
    private readonly onOffer: () => void = () => {},
    /** Who keeps its chunks: with a store, the connection is durable. */
    public owner: ChunkOwner = { flowId: '', connectionId: config.id },
  ) {
    this.settings = settings;
    this.queue = createQueue(settings.prioritizer);
  }

  /** Whether what is offered now is written to the repository. */
  get durable(): boolean {
    return this.owner.store !== undefined;
  }

  get size(): number {
    return this.queue.size;
  }

  get bytes(): number {
    return this.queuedBytes;
  }

  /** Back pressure: the upstream processor must not be scheduled. */
  get isFull(): boolean {
    return this.queue.size >= this.settings.countThreshold || this.queuedBytes >= this.settings.bytesThreshold;
  }

  /** Fill level of the fuller threshold, in percent. */
  get percent(): number {
    return Math.max(this.queue.size / this.settings.countThreshold, this.queuedBytes / this.settings.bytesThreshold) * 100;
  }

  /** Apply new settings; a new prioritizer re-orders what is queued. */
  configure(settings: ConnectionSettings): void {
    if (settings.prioritizer !== this.settings.prioritizer) {
      const spans = this.queue.drain();
      this.queue = createQueue(settings.prioritizer);
      this.queue.requeue(spans);
    }
    this.settings = settings;
  }

  /**
   * Enqueue records (the connection keeps the array: callers hand over fresh arrays and do not
   * touch them again); returns their estimated bytes. At the head: records a retry sends back.
   * `durable` collects the chunk when the connection is durable (a commit's acknowledgement may wait on it).
   */
  offer(records: readonly FlowRecord[], now = Date.now(), atHead = false, durable?: Chunk[]): number {
    if (records.length === 0) return 0;
    const sizes = sizesOf(records);
    const chunk = new Chunk(records as FlowRecord[], records.length, now, sizes, this.owner, atHead);
    const store = this.owner.store;
    if (store) {
      chunk.swapOut = this.queue.size >= MEMORY_WINDOW && this.settings.prioritizer === 'FIFO';
      durable?.push(chunk);
      store.added(chunk);
    }
    this.queue.push(chunk);
    const bytes = sumOf(sizes, records.length);
    this.queuedBytes += bytes;
    this.onOffer();
    return bytes;
  }

  /** Queue what the repository read back after a restart: runs of chunks, in their order. */
  restore(spans: readonly Span[]): void {
    this.queue.append(spans);
    for (const { chunk, from, to } of spans) for (let at = from; at < to; at++) this.queuedBytes += valueAt(chunk.sizes, at);
    if (spans.length > 0) this.onOffer();
  }

  /** Take up to `max` records in priority order; expired ones are removed on the way. */
  poll(max: number, now = Date.now()): Queued {
    if (this.settings.expirationMs > 0) {
      this.queue.loadHead(max);
      this.expire(now);
    }
    const taken = this.queue.poll(max);
    const { records, enqueuedAt } = taken;
    this.queuedBytes -= sumOf(taken.sizes, records.length);
    // sample waits without a per-record cost: the batch's first, last and a few between
    const step = Math.max(1, records.length >> 3);
    for (let i = 0; i < records.length; i += step) this.sampleWait(now - valueAt(enqueuedAt, i));
    if (records.length > 1) this.sampleWait(now - valueAt(enqueuedAt, records.length - 1));
    return taken;
  }

  /** Put taken records back at the head, in their order (a rolled-back session, records left in the queue). */
  requeue(taken: Queued): void {
    if (taken.records.length === 0) return;
    this.queue.requeue(taken.spans);
    this.queuedBytes += sumOf(taken.sizes, taken.records.length);
    this.onOffer();
  }

  /** Remove records past the expiration; returns them (for provenance). */
  expire(now = Date.now()): FlowRecord[] {
    const limit = this.settings.expirationMs;
    if (limit <= 0 || this.queue.size === 0) return [];
    const { records, bytes } = this.queue.removeWhere((r) => now - r.entryTime > limit);
    this.queuedBytes -= bytes;
    this.expired += records.length;
    return records;
  }

  /** Drop everything queued (an operator emptied the queue, or the connection is gone); returns how many. */
  clear(): number {
    const removed = this.queue.size;
    consumeSpans(this.queue.drain());
    this.queuedBytes = 0;
    return removed;
  }

  /** The first `max` records in the order they would be handed out, left in the queue. */
  peek(max: number): Peeked[] {
    return this.queue.peek(max);
  }

  status(now: number): ConnectionStatus {
    const oldest = this.queue.oldestEnqueuedAt();
    const [p50, p99] = this.waitPercentiles([0.5, 0.99]);
    return {
      queued: this.queue.size,
      onDisk: this.queue.onDisk(),
      durable: this.durable,
      bytes: this.queuedBytes,
      countThreshold: this.settings.countThreshold,
      bytesThreshold: this.settings.bytesThreshold,
      percent: this.percent,
      backPressure: this.isFull,
      expired: this.expired,
      oldestMs: oldest === undefined ? 0 : now - oldest,
      waitP50Ms: p50,
      waitP99Ms: p99,
    };
  }

  private sampleWait(ms: number): void {
    this.waits[this.waitCount++ % WAIT_SAMPLES] = ms;
  }

  private waitPercentiles(quantiles: number[]): number[] {
    const n = Math.min(this.waitCount, WAIT_SAMPLES);
    if (n === 0) return quantiles.map(() => 0);
    const sorted = this.waits.slice(0, n).sort();
    return quantiles.map((q) => sorted[Math.min(n - 1, Math.floor(q * n))]);
  }
}
