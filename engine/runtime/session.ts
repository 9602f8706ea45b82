import type { ProcessSession } from '../sdk/define-processor';
import { createRecord, estimateSize, nextRecordId, type FlowRecord } from '../sdk/record';
import type { Connection } from './connection';

/** Attribute counting how often a record was sent back for retry by the processor it is at. */
export const RETRY_COUNT_ATTRIBUTE = 'retry.count';
/** Attributes a failed record carries to the `failure` relationship. */
export const ERROR_ATTRIBUTES = { message: 'error.message', processor: 'error.processor', time: 'error.time' } as const;

/** What a commit did, for the processor's counters and the retry queue. */
export interface CommitResult {
  out: number;
  bytesOut: number;
  dropped: number;
  created: number;
  /** Input records routed to a retry relationship with attempts left: they go back to the input queue. */
  retried: FlowRecord[];
  /** The highest attempt number among `retried` (1 for a first retry). */
  attempt: number;
}

export interface RetrySettings {
  readonly relationships: ReadonlySet<string>;
  readonly maxRetries: number;
}

interface Entry {
  /** The latest version (after update()). */
  record: FlowRecord;
  /** As taken from the queue; undefined for records created in this session. */
  readonly original?: FlowRecord;
  to?: string;
}

/**
 * One trigger's unit of work. Routing is only recorded until commit(); nothing reaches a
 * connection if the processor throws, so a rollback is simply "requeue the inputs".
 */
export class Session implements ProcessSession<string> {
  private readonly owned = new Map<string, Entry>();
  private created = 0;
  yieldMs = 0;

  constructor(
    inputs: readonly FlowRecord[],
    /** Relationship name → its connections; an empty list means auto-terminated. */
    private readonly outputs: ReadonlyMap<string, readonly Connection[]>,
    private readonly now: number,
    /** Who is failing records, for the error attributes. */
    private readonly processorName = '',
  ) {
    for (const record of inputs) this.owned.set(record.id, { record, original: record });
  }

  transfer(record: FlowRecord, relationship: string): void {
    if (!this.outputs.has(relationship)) throw new Error(`no relationship named "${relationship}"`);
    this.route(record, relationship);
  }

  drop(record: FlowRecord): void {
    this.route(record, DROP);
  }

  fail(record: FlowRecord, reason: string): void {
    const attributes = { [ERROR_ATTRIBUTES.message]: reason, [ERROR_ATTRIBUTES.processor]: this.processorName, [ERROR_ATTRIBUTES.time]: new Date(this.now).toISOString() };
    this.transfer(this.update(record, { attributes }), 'failure');
  }

  create(content: unknown, attributes: Record<string, string> = {}): FlowRecord {
    const record = createRecord(content, attributes, [], this.now);
    this.owned.set(record.id, { record });
    this.created++;
    return record;
  }

  clone(record: FlowRecord): FlowRecord {
    const original = this.entryOf(record).record;
    const copy: FlowRecord = { ...original, id: nextRecordId(), parents: [original.id] };
    this.owned.set(copy.id, { record: copy });
    return copy;
  }

  update(record: FlowRecord, change: { content?: unknown; attributes?: Record<string, string> }): FlowRecord {
    const entry = this.entryOf(record);
    const content = 'content' in change ? change.content : entry.record.content;
    const updated: FlowRecord = {
      ...entry.record,
      content,
      attributes: change.attributes ? { ...entry.record.attributes, ...change.attributes } : entry.record.attributes,
      size: 'content' in change ? estimateSize(content) : entry.record.size,
    };
    entry.record = updated;
    return updated;
  }

  yield(ms: number): void {
    this.yieldMs = Math.max(this.yieldMs, ms);
  }

  /**
   * Check every record was routed, then hand them to the connections. A relationship with several
   * connections gets a copy (new id, same content) in each after the first. Input records routed to
   * a retry relationship with attempts left are returned instead, unchanged but for their count.
   */
  commit(retry?: RetrySettings): CommitResult {
    const result: CommitResult = { out: 0, bytesOut: 0, dropped: 0, created: this.created, retried: [], attempt: 0 };
    const byRelationship = new Map<string, FlowRecord[]>();
    let unrouted = 0;
    for (const entry of this.owned.values()) {
      const { to, original } = entry;
      if (to === undefined) {
        unrouted++;
        continue;
      }
      if (to === DROP) {
        result.dropped++;
        continue;
      }
      let record = entry.record;
      const attempts = Number(original?.attributes[RETRY_COUNT_ATTRIBUTE] ?? 0);
      if (original && retry?.relationships.has(to)) {
        if (attempts < retry.maxRetries) {
          result.retried.push({ ...original, attributes: { ...original.attributes, [RETRY_COUNT_ATTRIBUTE]: String(attempts + 1) } });
          result.attempt = Math.max(result.attempt, attempts + 1);
          continue;
        }
      }
      if (RETRY_COUNT_ATTRIBUTE in record.attributes) record = withoutRetryCount(record);
      let list = byRelationship.get(to);
      if (!list) byRelationship.set(to, (list = []));
      list.push(record);
    }
    if (unrouted > 0) {
      throw new Error(`${unrouted} record(s) were neither transferred nor dropped; the session cannot commit`);
    }
    for (const [relationship, records] of byRelationship) {
      const connections = this.outputs.get(relationship)!;
      if (connections.length === 0) {
        result.dropped += records.length;
        continue;
      }
      connections.forEach((connection, index) => {
        const batch = index === 0 ? records : records.map((r) => ({ ...r, id: nextRecordId(), parents: [r.id] }));
        connection.offer(batch, this.now);
        result.out += batch.length;
        for (const r of batch) result.bytesOut += r.size;
      });
    }
    return result;
  }

  private route(record: FlowRecord, to: string): void {
    const entry = this.entryOf(record);
    if (entry.to !== undefined) throw new Error(`record ${record.id} was already routed in this session`);
    entry.to = to;
  }

  private entryOf(record: FlowRecord): Entry {
    const entry = this.owned.get(record.id);
    if (!entry) throw new Error(`record ${record.id} does not belong to this session`);
    return entry;
  }
}

function withoutRetryCount(record: FlowRecord): FlowRecord {
  const { [RETRY_COUNT_ATTRIBUTE]: _, ...attributes } = record.attributes;
  return { ...record, attributes };
}

/** Marker for records removed on purpose; no relationship can have this name (it is not a word). */
const DROP = '\0drop';
