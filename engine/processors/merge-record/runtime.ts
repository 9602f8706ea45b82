import { implement, type FlowRecord } from '../../sdk';
import { binRecords, commonAttributes, readyReason, type Bin, type BinLimits, type MergeReason } from './bins';
import { MERGE_ATTRIBUTES, mergeRecordSpec } from './spec';

/**
 * Where the bins live: in the input queue, not in the processor (NiFi's way). Each trigger takes
 * the head of the queue, sorts it into bins, merges the bins that are ready and requeues the records
 * of the others (session.requeue: back to the head, in order, no penalty). So a waiting record is
 * always in the queue: counted there, back-pressuring upstream, as durable as the queue is (not lost
 * with the processor's memory), and never in two places; a commit either merges a bin or leaves it
 * entirely where it was.
 *
 * What this implies:
 * - a bin is formed from what one trigger sees, so it holds at most a batch (start checks that the
 *   minimum fits in one);
 * - when a full batch makes no bin ready, records behind it can never join (they queue behind the
 *   requeued head), so the oldest bin is merged as it is ('batch-full') and the queue moves;
 * - when the batch was not full, the whole queue was seen: the processor yields until the oldest
 *   waiting bin reaches the maximum age (so age-based flushes happen on time with no input at all),
 *   or WAIT_FOR_INPUT_MS without an age limit; new records end the yield early (the requeue
 *   contract), as they may complete a bin. After a full batch it does not yield: more records wait
 *   behind the ones it requeued.
 *
 * The only memory the processor keeps is when it first saw each waiting record (for bin ages). A
 * restart forgets it: the records stay, and their bins' ages count again from the restart.
 */

/** With no age limit only new records can complete a bin, and they end the yield: a long wait costs nothing. */
const WAIT_FOR_INPUT_MS = 60_000;
/** How often first-seen times of records that left the queue some other way (expired, emptied) are dropped. */
const SWEEP_EVERY_MS = 60_000;

export interface MergeView {
  /** Merged records made so far. */
  readonly merged: number;
  /** Records waiting in the input queue for their bin, as of the last trigger. */
  readonly waiting: number;
}

export default implement(mergeRecordSpec, ({ props, batchSize }) => {
  if (props.minRecords > batchSize) {
    throw new Error(
      `Minimum records (${props.minRecords}) is more than the batch size (${batchSize}): a bin is gathered from the records one trigger sees; ` +
        `raise the batch size to at least ${props.minRecords} or lower the minimum`,
    );
  }
  const limits: BinLimits = { minRecords: props.minRecords, maxRecords: props.maxRecords, maxBytes: props.maxBytes, maxAgeMs: props.maxBinAgeMs };
  const attribute = props.correlationAttribute.trim();
  const keyOf = attribute ? (record: FlowRecord) => record.attributes[attribute] ?? '' : () => '';
  const ages = new FirstSeen(props.maxBinAgeMs);
  const totals = { merged: 0, waiting: 0 };

  return {
    onTrigger(batch, session) {
      const now = Date.now();
      const { bins, oversize } = binRecords(batch, limits, keyOf, (record) => ages.of(record, now));
      for (const { record, bytes } of oversize) {
        session.fail(record, `the record is about ${bytes} bytes, more than the maximum bin size (${props.maxBytes} bytes)`);
        ages.forget(record);
      }
      const reasons = bins.map((bin) => readyReason(bin, now, limits));
      if (batch.length >= batchSize && bins.length > 0 && !reasons.some(Boolean)) reasons[oldest(bins)] = 'batch-full';

      let waitUntil = Infinity;
      let waiting = 0;
      let merged = 0;
      bins.forEach((bin, i) => {
        const reason = reasons[i];
        if (reason) {
          merge(bin, reason);
          merged++;
          return;
        }
        for (const record of bin.records) {
          session.requeue(record);
          ages.remember(record, now);
        }
        waiting += bin.records.length;
        if (limits.maxAgeMs > 0) waitUntil = Math.min(waitUntil, bin.openedAt + limits.maxAgeMs);
      });
      // the whole queue was seen and some of it waits: only time or new records can change that
      if (waiting > 0 && batch.length < batchSize) session.yield(waitUntil === Infinity ? WAIT_FOR_INPUT_MS : Math.max(1, waitUntil - now));
      ages.sweep(now);
      // counters for the view: nobody waits for them
      session.onCommitted(
        () => {
          totals.merged += merged;
          totals.waiting = waiting;
        },
        { waiting: false },
      );

      function merge(bin: Bin, reason: MergeReason): void {
        const attributes = {
          ...commonAttributes(bin.records),
          [MERGE_ATTRIBUTES.count]: String(bin.records.length),
          [MERGE_ATTRIBUTES.reason]: reason,
          [MERGE_ATTRIBUTES.binAge]: String(now - bin.openedAt),
        };
        const contents = bin.records.map((record) => record.content);
        session.transfer(session.create(contents, attributes, bin.records), 'merged');
        for (const record of bin.records) {
          session.transfer(record, 'original');
          ages.forget(record);
        }
      }
    },
    view: (): MergeView => ({ ...totals }),
  };
});

/** The bin whose oldest record was seen first (bins are in batch order, so the first of equals). */
function oldest(bins: readonly Bin[]): number {
  let found = 0;
  for (let i = 1; i < bins.length; i++) if (bins[i].openedAt < bins[found].openedAt) found = i;
  return found;
}

/**
 * When this processor first saw each record waiting in its queue, by record id; only kept with an
 * age limit. Entries of records that left the queue without passing here again are swept once they
 * are far older than any waiting record can be (a due bin is merged at its next trigger).
 */
class FirstSeen {
  private readonly times = new Map<number, number>();
  private sweptAt = 0;

  constructor(private readonly maxAgeMs: number) {}

  of(record: FlowRecord, now: number): number {
    return this.times.get(record.id) ?? now;
  }

  remember(record: FlowRecord, now: number): void {
    if (this.maxAgeMs > 0 && !this.times.has(record.id)) this.times.set(record.id, now);
  }

  forget(record: FlowRecord): void {
    this.times.delete(record.id);
  }

  sweep(now: number): void {
    if (this.times.size === 0 || now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    const horizon = now - 2 * this.maxAgeMs - SWEEP_EVERY_MS;
    for (const [id, at] of this.times) if (at < horizon) this.times.delete(id);
  }
}
