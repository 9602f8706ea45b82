import type { ProcessSession } from '../sdk/define-processor';
import { createRecord, nextRecordId, type FlowRecord } from '../sdk/record';
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

/**
 * One trigger's unit of work. Routing is only recorded until commit(); nothing reaches a
 * connection if the processor throws, so a rollback is simply "requeue the inputs".
 *
 * Hot path: records live in parallel arrays (latest version, original, destination) instead of an
 * object per record, and processors that route in input order are matched by a cursor; a map from
 * id to slot is built only when a record is routed out of order.
 */
export class Session implements ProcessSession<string> {
  private readonly records: FlowRecord[];
  /** As taken from the queue; undefined for records created in this session. */
  private readonly originals: (FlowRecord | undefined)[];
  private readonly destinations: (string | undefined)[];
  private readonly inputCount: number;
  private slotById?: Map<string, number>;
  private cursor = 0;
  yieldMs = 0;
  /** Set by setState: the processor's state to keep if, and only if, this session commits. */
  pendingState?: { value: unknown };
  /** Callbacks for after commit / after rollback; allocated on first use (most sessions have none). */
  committedCallbacks?: (() => void)[];
  rolledBackCallbacks?: ((error: unknown) => void)[];

  constructor(
    inputs: readonly FlowRecord[],
    /** Relationship name → its connections; an empty list means auto-terminated. */
    private readonly outputs: ReadonlyMap<string, readonly Connection[]>,
    private readonly now: number,
    /** Who is failing records, for the error attributes. */
    private readonly processorName = '',
  ) {
    this.records = inputs.slice();
    this.originals = inputs.slice();
    this.destinations = new Array(inputs.length);
    this.inputCount = inputs.length;
  }

  transfer(record: FlowRecord, relationship: string): void {
    if (!this.outputs.has(relationship)) throw new Error(`no relationship named "${relationship}"`);
    this.route(record, relationship);
  }

  drop(record: FlowRecord): void {
    this.route(record, DROP);
  }

  fail(record: FlowRecord, reason: string): void {
    const attributes = {
      [ERROR_ATTRIBUTES.message]: reason,
      [ERROR_ATTRIBUTES.processor]: this.processorName,
      [ERROR_ATTRIBUTES.time]: new Date(this.now).toISOString(),
    };
    this.transfer(this.update(record, { attributes }), 'failure');
  }

  create(content: unknown, attributes: Record<string, string> = {}): FlowRecord {
    return this.add(createRecord(content, attributes, [], this.now));
  }

  clone(record: FlowRecord): FlowRecord {
    const original = this.records[this.slotOf(record)];
    return this.add({ ...original, id: nextRecordId(), parents: [original.id] });
  }

  update(record: FlowRecord, change: { content?: unknown; attributes?: Record<string, string> }): FlowRecord {
    const slot = this.slotOf(record);
    const latest = this.records[slot];
    const hasContent = 'content' in change;
    const updated: FlowRecord = {
      id: latest.id,
      attributes: change.attributes ? { ...latest.attributes, ...change.attributes } : latest.attributes,
      content: hasContent ? change.content : latest.content,
      parents: latest.parents,
      entryTime: latest.entryTime,
    };
    this.records[slot] = updated;
    return updated;
  }

  yield(ms: number): void {
    this.yieldMs = Math.max(this.yieldMs, ms);
  }

  setState(state: unknown): void {
    this.pendingState = { value: state };
  }

  onCommitted(callback: () => void): void {
    (this.committedCallbacks ??= []).push(callback);
  }

  onRolledBack(callback: (error: unknown) => void): void {
    (this.rolledBackCallbacks ??= []).push(callback);
  }

  /**
   * Check every record was routed, then hand them to the connections. A relationship with several
   * connections gets a copy (new id, same content) in each after the first. Input records routed to
   * a retry relationship with attempts left are returned instead, unchanged but for their count.
   */
  commit(retry?: RetrySettings): CommitResult {
    const created = this.records.length - this.inputCount;
    const result: CommitResult = { out: 0, bytesOut: 0, dropped: 0, created, retried: [], attempt: 0 };
    const byRelationship = new Map<string, FlowRecord[]>();
    let unrouted = 0;
    for (let slot = 0; slot < this.records.length; slot++) {
      const to = this.destinations[slot];
      if (to === undefined) {
        unrouted++;
        continue;
      }
      if (to === DROP) {
        result.dropped++;
        continue;
      }
      let record = this.records[slot];
      const original = this.originals[slot];
      if (original && retry?.relationships.has(to)) {
        const attempts = Number(original.attributes[RETRY_COUNT_ATTRIBUTE] ?? 0);
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
        result.bytesOut += connection.offer(batch, this.now);
        result.out += batch.length;
      });
    }
    return result;
  }

  private add(record: FlowRecord): FlowRecord {
    const slot = this.records.length;
    this.records.push(record);
    this.originals.push(undefined);
    this.destinations.push(undefined);
    this.slotById?.set(record.id, slot);
    return record;
  }

  private route(record: FlowRecord, to: string): void {
    const slot = this.slotOf(record);
    if (this.destinations[slot] !== undefined) throw new Error(`record ${record.id} was already routed in this session`);
    this.destinations[slot] = to;
    while (this.cursor < this.records.length && this.destinations[this.cursor] !== undefined) this.cursor++;
  }

  /** Where a record of this session lives; the cursor answers in-order routing without a lookup. */
  private slotOf(record: FlowRecord): number {
    const id = record.id;
    if (this.cursor < this.records.length && this.records[this.cursor].id === id) return this.cursor;
    if (!this.slotById) {
      this.slotById = new Map();
      for (let i = 0; i < this.records.length; i++) this.slotById.set(this.records[i].id, i);
    }
    const slot = this.slotById.get(id);
    if (slot === undefined) throw new Error(`record ${id} does not belong to this session`);
    return slot;
  }
}

function withoutRetryCount(record: FlowRecord): FlowRecord {
  const { [RETRY_COUNT_ATTRIBUTE]: _, ...attributes } = record.attributes;
  return { ...record, attributes };
}

/** Marker for records removed on purpose; no relationship can have this name (it is not a word). */
const DROP = '\0drop';
