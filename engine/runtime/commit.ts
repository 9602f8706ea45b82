import { consumeSpans, heldBackTogether, partitionSpans, type Chunk } from './chunk';
import type { Connection } from './connection';
import type { Durability } from './durability';
import { valueAt, type Queued } from './record-queue';
import type { CommitRecord } from './session';

/** Records taken from one input connection for one trigger. */
export type Batch = Queued & { connection: Connection };

/** Whose commit it is, as the durability layer names it. */
export interface Committer {
  readonly flowId: string;
  readonly processorId: string;
  /** The flow's `sync: always`: acknowledgements wait for fsync. */
  readonly sync: boolean;
  /** The processor's spec says it is pure: it remembers nothing, so its commits may hand a holdback on. */
  readonly pure: boolean;
  /** Run the session's after-commit callbacks (a failing one is the processor's bulletin). */
  acknowledge(callbacks: readonly (() => void)[]): void;
}

/** What applying a commit did, for the processor's counters. */
export interface Applied {
  bytesOut: number;
  /** The input records the processor left in its queue, as put back. */
  held?: Queued;
}

/**
 * The one place a commit takes effect. In memory, at once: records into their queues, the inputs
 * consumed, retried ones back at the head, requeued ones put back as taken (last, so they are the
 * head again). Durable connections' chunks and the state reach the durability layer through the
 * same calls, so the next group commit writes all of it in one write; the acknowledgements (offsets,
 * watermark-dependent wakes, HTTP 200, file deletes) run only after that write.
 */
export function applyCommit(commit: CommitRecord, batch: Batch | undefined, now: number, durability: Durability, committer: Committer): Applied {
  let bytesOut = 0;
  const callbacks = commit.committed;
  // a source's commit that consumed nothing can be made again by the source (Kafka redelivers what it
  // was not told, a database source re-reads past its saved watermark): unless somebody waits for
  // it, its acknowledgement and state may wait for its records to be consumed downstream instead of
  // written (durability.ts, holdBack)
  const replayable = !batch && !commit.waiting && (callbacks !== undefined || commit.state !== undefined) ? ([] as Chunk[]) : undefined;
  // a pure processor's commit that only turns such a source's held-back records into others (nothing
  // acknowledged, waited for, retried or put back) hands the holdback on to what it made: a crash
  // before they are safe loses nothing, since the source delivers the inputs again, and records
  // passing through a chain of processors are never written (engine/runtime/chunk.ts, Holdback).
  // Pure, declared in its spec, not guessed from this commit: a processor that remembers what it saw
  // (a deduplicator's keys) would save it with a later commit while those records were unwritten,
  // and after a crash drop the source's re-delivery as already seen
  const inherited = committer.pure && batch && !commit.waiting && !callbacks && !commit.state && commit.retried.length === 0 && commit.requeued.length === 0 ? heldBackTogether(batch.spans) : undefined;
  const durableOut = replayable ?? (inherited ? ([] as Chunk[]) : undefined);
  for (const { connection, records } of commit.deliveries) bytesOut += connection.offer(records, now, false, durableOut);
  // before the inputs are consumed: their holdback must not see itself safe in between
  if (inherited && durableOut && durableOut.length > 0) durability.passHoldback(inherited, durableOut);
  let held: Queued | undefined;
  if (batch) {
    if (commit.retried.length > 0) batch.connection.offer(commit.retried, now, true);
    if (commit.requeued.length === 0) consumeSpans(batch.spans);
    else {
      const { picked, rest } = partitionSpans(batch.spans, commit.requeued);
      consumeSpans(rest);
      held = pick(batch, commit.requeued, picked);
      batch.connection.requeue(held);
    }
  }
  const done = callbacks && (() => committer.acknowledge(callbacks));
  const state = commit.state && { flowId: committer.flowId, processorId: committer.processorId, value: commit.state.value };
  if (replayable && replayable.length > 0) {
    durability.holdBack(replayable, { done, sync: committer.sync, state });
  } else {
    if (state) durability.commitState(state.flowId, state.processorId, state.value);
    if (done) durability.afterDurable(done, committer.sync, commit.waiting);
  }
  return { bytesOut, held };
}

/** The records at these positions of a batch, with their enqueue times, sizes and spans. */
function pick(batch: Queued, positions: readonly number[], spans: Queued['spans']): Queued {
  if (positions.length === batch.records.length) return batch;
  return {
    records: positions.map((i) => batch.records[i]),
    enqueuedAt: positions.map((i) => valueAt(batch.enqueuedAt, i)),
    sizes: positions.map((i) => valueAt(batch.sizes, i)),
    spans,
  };
}
