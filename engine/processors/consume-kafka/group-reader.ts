import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { KafkaCluster } from '../../services/kafka/types';
import { partitionKey, type Delivery, type Inbox, type OffsetToCommit } from './inbox';

export interface GroupReaderOptions {
  readonly topics: readonly string[];
  readonly groupId: string;
  readonly fromBeginning: boolean;
  readonly sessionTimeoutMs: number;
  /** Called when messages arrive, so the processor is triggered without polling. */
  readonly onMessages: () => void;
}

/**
 * Longest a fetch waits on the broker for new messages (Kafka's own default), and how long leaving
 * the group waits for the fetch in flight.
 */
const MAX_FETCH_WAIT_MS = 500;

/**
 * While the inbox is full, how often a held batch looks whether the consumer is stopping or the
 * group rebalancing (and heartbeats); room made by a committed session ends the wait at once.
 */
const ROOM_CHECK_MS = 100;

/**
 * A consumer group member that fills an Inbox and commits offsets only for what the inbox says is
 * safe. kafkajs runs with auto-commit off and offsets resolved by us, up to the last message the
 * inbox took. When the inbox is full, the batch being handed over waits for room: kafkajs fetches
 * the broker's next messages only once its batches are handled, so back pressure reaches Kafka
 * without pausing partitions (a paused partition's fetched messages are thrown away and fetched
 * again, and kafkajs then sleeps a whole fetch wait before looking at it again).
 */
export class GroupReader {
  private consumer?: Consumer;
  private starting?: Promise<void>;
  /** The consumer's last crash not yet reported, and whether kafkajs restarts it by itself. */
  private crash?: { error: Error; restarting: boolean };
  /** Offsets to commit, latest per partition; kept after a failed commit to try again. */
  private readonly pendingCommits = new Map<string, OffsetToCommit>();
  private committing?: Promise<void>;
  private commitError?: string;
  private assignedPartitions = 0;
  private stopped = false;
  /** Ends the wait of a batch held back by a full inbox. */
  private roomMade?: () => void;

  constructor(
    private readonly cluster: KafkaCluster,
    private readonly inbox: Inbox,
    private readonly options: GroupReaderOptions,
  ) {}

  /**
   * Join the group and start fetching; resolves once this member has its partitions. Never rejects:
   * a cluster that cannot be reached is not a configuration error, so the failure is kept for the
   * next trigger to report (a bulletin) and retry with backoff.
   */
  start(): Promise<void> {
    this.starting ??= this.open()
      .catch((error: Error) => void (this.crash = { error, restarting: false }))
      .finally(() => (this.starting = undefined));
    return this.starting;
  }

  /**
   * Throws, once per crash of the consumer (the cluster unreachable, say) or failed start, and only
   * when nothing is left to deliver: the trigger fails with the reason, so the processor shows a
   * bulletin and backs off. kafkajs restarts a consumer after a retriable crash; after any other
   * (or a failed start) we start a new one.
   */
  checkRunning(): void {
    if (this.commitError && !this.committing) this.flushCommits();
    if (!this.crash || this.inbox.size > 0) return;
    const { error, restarting } = this.crash;
    this.crash = undefined;
    if (!restarting) void this.restart();
    throw new Error(`Kafka consumer of group ${this.options.groupId} failed and is restarting: ${error.message}`, { cause: error });
  }

  /** A session's records are queued (not yet on disk): their room in the inbox is free again. */
  handOver(delivery: Delivery): void {
    this.inbox.handOver(delivery);
    this.roomMade?.();
  }

  /** A session with these messages is durable: commit their offsets to Kafka. */
  settle(delivery: Delivery): void {
    for (const offset of this.inbox.settle(delivery)) this.pendingCommits.set(partitionKey(offset.topic, offset.partition), offset);
    this.flushCommits();
    this.roomMade?.();
  }

  /** A session with these messages rolled back: they are delivered again, first. */
  restore(delivery: Delivery): void {
    this.inbox.restore(delivery);
  }

  /** Commit what is safe, leave the group, disconnect. Messages still buffered are read again by the group. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting;
    await this.committing;
    if (this.pendingCommits.size > 0) {
      this.flushCommits();
      await this.committing;
    }
    if (this.consumer) await this.cluster.release(this.consumer);
    this.consumer = undefined;
  }

  view() {
    return {
      buffered: this.inbox.size,
      delivering: this.inbox.held - this.inbox.size,
      capacity: this.inbox.capacity,
      /** The most messages held at once since the start: never above the capacity (but for a batch rolled back after its hand-over). */
      peak: this.inbox.peak,
      assignedPartitions: this.assignedPartitions,
      /** Whether fetching is held back because the inbox is full. */
      waitingForRoom: this.roomMade !== undefined,
      ...(this.commitError ? { commitError: this.commitError } : {}),
    };
  }

  private async open(): Promise<void> {
    const { topics, groupId } = this.options;
    try {
      await this.join();
    } catch (error) {
      throw new Error(`cannot consume ${topics.join(', ')} as group ${groupId} from ${this.cluster.description}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  private async join(): Promise<void> {
    const { topics, groupId, fromBeginning, sessionTimeoutMs } = this.options;
    const consumer = await this.cluster.consumer({
      groupId,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: Math.max(100, Math.floor(sessionTimeoutMs / 3)),
      maxWaitTimeInMs: Math.min(MAX_FETCH_WAIT_MS, Math.floor(sessionTimeoutMs / 3)),
    });
    this.consumer = consumer;
    // events of a consumer already replaced (after a crash) or released no longer concern us
    const current = () => this.consumer === consumer && !this.stopped;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => current() && this.onAssignment(payload.memberAssignment));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (current()) this.crash = { error: payload.error, restarting: payload.restart };
    });
    try {
      await consumer.subscribe({ topics: [...topics], fromBeginning });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (batch) => this.onBatch(batch) });
    } catch (error) {
      this.consumer = undefined;
      await this.cluster.release(consumer).catch(() => undefined);
      throw error;
    }
  }

  private async restart(): Promise<void> {
    const old = this.consumer;
    this.consumer = undefined;
    if (old) await this.cluster.release(old).catch(() => undefined);
    if (!this.stopped) await this.start();
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = batch;
    let next = 0;
    // a stop or a seek can only happen while we wait: checked then, not for every message
    while (next < messages.length && isRunning() && !isStale()) {
      let accepted = 0;
      let offered = next;
      for (; offered < messages.length; offered++) {
        const outcome = this.inbox.offer(topic, partition, messages[offered]);
        if (outcome === 'full') break;
        if (outcome === 'accepted') accepted++;
      }
      // one resolve for the run: the partition's next fetch starts after its last message
      if (offered > next) resolveOffset(messages[offered - 1].offset);
      if (accepted > 0) this.options.onMessages();
      next = offered;
      if (next < messages.length) await this.waitForRoom(heartbeat);
    }
    await heartbeat();
  }

  /**
   * Until a session frees room in the inbox, or ROOM_CHECK_MS pass. The heartbeat keeps this member
   * in the group, and throws when the group rebalances: the batch is then dropped unresolved and
   * its messages are fetched again by whoever gets the partition.
   */
  private async waitForRoom(heartbeat: () => Promise<void>): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.roomMade?.(), ROOM_CHECK_MS);
      this.roomMade = () => {
        clearTimeout(timer);
        this.roomMade = undefined;
        resolve();
      };
    });
    await heartbeat();
  }

  private onAssignment(assignment: Record<string, number[]>): void {
    const assigned = new Set(Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((p) => partitionKey(topic, p))));
    this.assignedPartitions = assigned.size;
    for (const key of this.inbox.assign(assigned)) this.pendingCommits.delete(key);
  }

  /** Send pending offsets, one commit at a time; a failed commit stays pending and is retried. */
  private flushCommits(): void {
    if (this.committing || this.pendingCommits.size === 0) return;
    this.committing = this.commitPending().finally(() => (this.committing = undefined));
  }

  private async commitPending(): Promise<void> {
    while (this.pendingCommits.size > 0 && this.consumer) {
      const offsets = [...this.pendingCommits.values()];
      this.pendingCommits.clear();
      try {
        await this.consumer.commitOffsets(offsets);
        this.commitError = undefined;
      } catch (error) {
        // newer offsets settled meanwhile win; the others wait for the next attempt
        for (const offset of offsets) {
          const key = partitionKey(offset.topic, offset.partition);
          if (!this.pendingCommits.has(key) && this.inbox.owns(key)) this.pendingCommits.set(key, offset);
        }
        this.commitError = `committing offsets for group ${this.options.groupId} failed: ${(error as Error).message}`;
        return;
      }
    }
  }
}
