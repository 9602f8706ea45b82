import type { FlowRecord } from '../sdk/record';
import type { ConnectionConfig } from '../flow/schema';

/**
 * A bounded FIFO queue from one relationship of a processor to another processor. The thresholds
 * are soft (as in NiFi): a commit may overshoot them, but while either is reached the upstream
 * processor is not scheduled, so the overshoot is at most one batch per upstream task.
 */
export class Connection {
  private items: FlowRecord[] = [];
  /** Index of the first queued record in `items`; dequeue advances it instead of shifting. */
  private head = 0;
  private queuedBytes = 0;
  countThreshold: number;
  bytesThreshold: number;

  constructor(
    readonly config: Pick<ConnectionConfig, 'id' | 'sourceId' | 'relationship' | 'targetId'>,
    thresholds: Pick<ConnectionConfig, 'countThreshold' | 'bytesThreshold'>,
    /** Called after records are offered, so the scheduler can wake the target. */
    private readonly onOffer: () => void = () => {},
  ) {
    this.countThreshold = thresholds.countThreshold;
    this.bytesThreshold = thresholds.bytesThreshold;
  }

  get id(): string {
    return this.config.id;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  get bytes(): number {
    return this.queuedBytes;
  }

  /** Back pressure: the upstream processor must not be scheduled. */
  get isFull(): boolean {
    return this.size >= this.countThreshold || this.queuedBytes >= this.bytesThreshold;
  }

  /** Fill level of the fuller threshold, in percent. */
  get percent(): number {
    return Math.max(this.size / this.countThreshold, this.queuedBytes / this.bytesThreshold) * 100;
  }

  offer(records: readonly FlowRecord[]): void {
    if (records.length === 0) return;
    for (const record of records) {
      this.items.push(record);
      this.queuedBytes += record.size;
    }
    this.onOffer();
  }

  /** Take up to `max` records from the head of the queue. */
  poll(max: number): FlowRecord[] {
    const end = Math.min(this.head + max, this.items.length);
    const batch = this.items.slice(this.head, end);
    this.head = end;
    for (const record of batch) this.queuedBytes -= record.size;
    this.compact();
    return batch;
  }

  /** Put records back at the head, in their order (a rolled-back session). */
  requeue(records: readonly FlowRecord[]): void {
    if (records.length === 0) return;
    this.items = records.concat(this.items.slice(this.head));
    this.head = 0;
    for (const record of records) this.queuedBytes += record.size;
    this.onOffer();
  }

  /** Drop everything queued (an operator emptied the queue); returns how many were removed. */
  clear(): number {
    const removed = this.size;
    this.items = [];
    this.head = 0;
    this.queuedBytes = 0;
    return removed;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
