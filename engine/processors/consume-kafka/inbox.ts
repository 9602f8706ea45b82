import type { KafkaMessage } from 'kafkajs';

/** A fetched message, waiting in the inbox or handed to a session. */
export interface InboxEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly message: KafkaMessage;
  /** Arrival order: rolled-back messages go back exactly where they were. */
  readonly seq: number;
}

/** What one session took. Settle it when the session commits, restore it when it rolls back. */
export interface Delivery {
  readonly entries: readonly InboxEntry[];
}

/** Kafka's meaning: the offset of the next message the group should read. */
export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export type OfferOutcome = 'accepted' | 'duplicate' | 'full';

/**
 * How many capacities of handed-over messages may wait for their write: offsets are committed with
 * the repository's lingering write (200 ms), which at 200 k messages/s is 40,000 messages.
 */
const HANDED_CAPACITIES = 4;

interface PartitionState {
  /** The next offset to accept. Lower ones are held or delivered already: kafkajs fetches again from the committed offset after every rebalance. */
  next: number;
  /** One past the highest offset delivered by a committed session. */
  settled?: number;
  /** The last offset handed out for committing; commits never move backwards. */
  committed?: number;
}

/**
 * The bounded buffer between a Kafka consumer and the sessions of a ConsumeKafka processor, and the
 * bookkeeping that makes delivery at-least-once:
 * - it holds at most `capacity` messages, counting those in sessions not yet committed; `offer`
 *   answers 'full' beyond that, and the consumer pauses the partition (back pressure to Kafka);
 * - a session takes messages in arrival order; a rollback puts them back in that order;
 * - the offset to commit for a partition is never past a message that is still buffered or in an
 *   uncommitted session, so a crash can only re-deliver, never lose.
 */
export class Inbox {
  private buffered: InboxEntry[] = [];
  private readonly delivering = new Set<Delivery>();
  /** Deliveries whose records are in the flow's queues already, waiting for the disk to settle. */
  private readonly handed = new Set<Delivery>();
  /** Messages in sessions not handed over yet: what the capacity counts besides the buffered ones. */
  private deliveringCount = 0;
  /** Messages of handed-over deliveries, waiting to be settled. */
  private handedCount = 0;
  private readonly partitions = new Map<string, PartitionState>();
  private seq = 0;
  /** The key of the partition offered last: a batch offers one partition's messages in a row. */
  private lastOffered = { topic: '', partition: -1, key: '' };
  /** The most messages ever held at once (buffered plus delivering): the bound, observed. */
  peak = 0;

  constructor(readonly capacity: number) {}

  /** Messages waiting for a session. */
  get size(): number {
    return this.buffered.length;
  }

  /**
   * Messages the inbox answers for: waiting, or in sessions not handed over yet. Handed-over ones
   * are the flow's records now, bounded by its connection (back pressure stops the sessions).
   */
  get held(): number {
    return this.buffered.length + this.deliveringCount;
  }

  offer(topic: string, partition: number, message: KafkaMessage): OfferOutcome {
    if (this.lastOffered.partition !== partition || this.lastOffered.topic !== topic) {
      this.lastOffered = { topic, partition, key: partitionKey(topic, partition) };
    }
    const { key } = this.lastOffered;
    const offset = offsetOf(message);
    const state = this.partitions.get(key);
    if (state && offset < state.next) return 'duplicate';
    if (this.held >= this.capacity) return 'full';
    if (state) state.next = offset + 1;
    else this.partitions.set(key, { next: offset + 1 });
    this.buffered.push({ topic, partition, offset, message, seq: this.seq++ });
    this.peak = Math.max(this.peak, this.held);
    return 'accepted';
  }

  /** Up to `max` messages, oldest first, for one session. */
  take(max: number): Delivery {
    const delivery = { entries: this.buffered.splice(0, max) };
    if (delivery.entries.length > 0) {
      this.delivering.add(delivery);
      this.deliveringCount += delivery.entries.length;
    }
    return delivery;
  }

  /**
   * The session's records are in the flow's queues (committed in memory, not yet on disk): they no
   * longer take room here, but their offsets stay pending until `settle`.
   */
  handOver(delivery: Delivery): void {
    if (!this.delivering.has(delivery) || this.handed.has(delivery)) return;
    // at most HANDED_CAPACITIES capacities wait for the disk this way (their messages stay in memory
    // until settled, and settle walks them): beyond, a delivery keeps its room until settled
    if (this.handedCount + delivery.entries.length > HANDED_CAPACITIES * this.capacity) return;
    this.handed.add(delivery);
    this.handedCount += delivery.entries.length;
    this.deliveringCount -= delivery.entries.length;
  }

  /** The session's commit is durable: the offsets now safe to commit (partitions that moved forward only). */
  settle(delivery: Delivery): OffsetToCommit[] {
    if (!this.release(delivery)) return [];
    const touched = new Map<string, InboxEntry>();
    forEachRun(delivery.entries, (key, first, last) => {
      const state = this.partitions.get(key);
      if (!state) return; // revoked meanwhile: the partition's new owner reads from the last commit
      // a partition's messages are taken in offset order: the run's last one is its highest
      if (state.settled === undefined || last.offset + 1 > state.settled) state.settled = last.offset + 1;
      touched.set(key, last);
    });
    const pending = this.lowestPendingOffsets();
    const offsets: OffsetToCommit[] = [];
    for (const [key, { topic, partition }] of touched) {
      const state = this.partitions.get(key)!;
      const lowest = pending.get(key);
      const safe = lowest !== undefined && lowest < state.settled! ? lowest : state.settled!;
      if (state.committed !== undefined && safe <= state.committed) continue;
      state.committed = safe;
      offsets.push({ topic, partition, offset: safe.toString() });
    }
    return offsets;
  }

  /** The session rolled back: its messages are next again, in their original order. */
  restore(delivery: Delivery): void {
    if (!this.release(delivery)) return;
    const kept = delivery.entries.filter((e) => this.partitions.has(partitionKey(e.topic, e.partition)));
    this.buffered = [...kept, ...this.buffered].sort((a, b) => a.seq - b.seq);
  }

  /**
   * The group's new assignment for this consumer. Partitions no longer ours are forgotten: their
   * waiting messages are dropped (the new owner reads them from the last commit) and nothing more is
   * committed for them. Returns the partition keys that were revoked.
   */
  assign(assigned: ReadonlySet<string>): string[] {
    const revoked = [...this.partitions.keys()].filter((key) => !assigned.has(key));
    if (revoked.length === 0) return revoked;
    for (const key of revoked) this.partitions.delete(key);
    this.buffered = this.buffered.filter((e) => this.partitions.has(partitionKey(e.topic, e.partition)));
    return revoked;
  }

  /** Whether the partition is still this consumer's (as far as the messages it delivered go). */
  owns(key: string): boolean {
    return this.partitions.has(key);
  }

  private release(delivery: Delivery): boolean {
    if (!this.delivering.delete(delivery)) return false;
    if (this.handed.delete(delivery)) this.handedCount -= delivery.entries.length;
    else this.deliveringCount -= delivery.entries.length;
    return true;
  }

  /** Per partition, the smallest offset still waiting or in an uncommitted session. */
  private lowestPendingOffsets(): Map<string, number> {
    const lowest = new Map<string, number>();
    // in offset order per partition: the first message of a run is the run's lowest
    const consider = (key: string, first: InboxEntry) => {
      const known = lowest.get(key);
      if (known === undefined || first.offset < known) lowest.set(key, first.offset);
    };
    forEachRun(this.buffered, consider);
    for (const delivery of this.delivering) forEachRun(delivery.entries, consider);
    return lowest;
  }
}

/**
 * Calls `visit` once per run of consecutive entries of one partition (messages arrive a fetched
 * batch at a time, so runs are long), with the run's first and last entry: one key per run, not
 * one per message.
 */
function forEachRun(entries: readonly InboxEntry[], visit: (key: string, first: InboxEntry, last: InboxEntry) => void): void {
  let start = 0;
  for (let i = 1; i <= entries.length; i++) {
    const first = entries[start];
    if (i < entries.length && entries[i].partition === first.partition && entries[i].topic === first.topic) continue;
    visit(partitionKey(first.topic, first.partition), first, entries[i - 1]);
    start = i;
  }
}

/** Topic names cannot contain ':', so this key is unambiguous. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

/**
 * A message's offset as a number: exact below 2^53 (at a million messages a second, a partition
 * gets there in 285 years), and a number is much cheaper per message than a BigInt.
 */
function offsetOf(message: KafkaMessage): number {
  const offset = Number(message.offset);
  if (!Number.isSafeInteger(offset)) throw new Error(`offset ${message.offset} is beyond 2^53, which ConsumeKafka cannot track exactly`);
  return offset;
}
