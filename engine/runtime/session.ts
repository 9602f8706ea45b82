import type { ProcessSession, RecordChange } from '../sdk/define-processor';
import { createRecord, nextRecordId, type FlowRecord } from '../sdk/record';
import type { Connection } from './connection';

/** Attribute counting how often a record was sent back for retry by the processor it is at. */
export const RETRY_COUNT_ATTRIBUTE = 'retry.count';
/** Attributes a failed record carries to the `failure` relationship. */
export const ERROR_ATTRIBUTES = { message: 'error.message', processor: 'error.processor', time: 'error.time' } as const;

/** Records a commit hands to one connection (a relationship with several gets copies in the others). */
export interface Delivery {
  readonly connection: Connection;
  readonly records: FlowRecord[];
}

/**
 * What a session did, as one record: applied in one place (./commit.ts), which puts the records
 * into their queues and hands the rest to the repository, in one write. Nothing touches a queue
 * before it.
 */
export interface CommitRecord {
  out: number;
  dropped: number;
  created: number;
  deliveries: Delivery[];
  /** Input records routed to a retry relationship with attempts left: they go back to the input queue. */
  retried: FlowRecord[];
  /** The highest attempt number among `retried` (1 for a first retry). */
  attempt: number;
  /** Positions in the input batch of the records the processor requeued (left in the input queue), in order. */
  requeued: number[];
  /** The processor's new state, when the session set one. */
  state?: { value: unknown };
  /** To run once the commit is durable (acknowledgements to the source). */
  committed?: (() => void)[];
  /** Whether somebody waits for one of them (an HTTP client): the write should not linger. */
  waiting?: boolean;
}

export interface RetrySettings {
  readonly relationships: ReadonlySet<string>;
  readonly maxRetries: number;
}

/**
 * One trigger's unit of work. Routing is only recorded until commit(); nothing reaches a
 * connection if the processor throws, so a rollback is simply "requeue the inputs".
 *
 * Hot path: records live in parallel arrays (latest version, destination; the originals are the
 * input batch itself) instead of an object per record, and processors that route in input order are
 * matched by a cursor; a map from id to slot is built only when a record is routed out of order.
 * Every per-record array is made only when needed: the latest versions on the first update or
 * create, the destinations on the first record routed alone; a whole batch routed at once
 * (transferAll, dropAll) is a bulk-routed prefix of slots and costs no array at all.
 */
export class Session implements ProcessSession<string> {
  /** The latest version of every record: the inputs themselves until one is updated or created. */
  private records: FlowRecord[];
  private ownsRecords = false;
  /** Slots below bulkEnd went to bulkTo; any other routed slot has its destination here. */
  private destinations?: (string | undefined)[];
  private bulkEnd = 0;
  private bulkTo?: string;
  private slotById?: Map<number, number>;
  private cursor = 0;
  /** The slot after the last one looked up: in-order updates before routing are found without a lookup. */
  private hint = 0;
  private routedCount = 0;
  /** The last relationship transfer() found in `outputs`. */
  private knownRelationship?: string;
  /** The one destination every record went to so far, or MIXED: a commit fast path. */
  private commonDestination: string | undefined;
  yieldMs = 0;
  /** Set by setState: the processor's state to keep if, and only if, this session commits. */
  pendingState?: { value: unknown };
  /** Callbacks for after commit / after rollback; allocated on first use (most sessions have none). */
  committedCallbacks?: (() => void)[];
  private somebodyWaits = false;
  rolledBackCallbacks?: ((error: unknown) => void)[];

  constructor(
    /**
     * As taken from the queue: the originals of the first `inputs.length` slots. The session owns
     * the array (the queue handed it over): never modified before commit, which may deliver it.
     */
    private readonly inputs: FlowRecord[],
    /** Relationship → its connections; an empty list means auto-terminated. */
    private readonly outputs: ReadonlyMap<string, readonly Connection[]>,
    private readonly now: number,
    /** Who is failing records, for the error attributes. */
    private readonly processorName = '',
  ) {
    this.records = inputs;
  }

  transfer(record: FlowRecord, relationship: string): void {
    if (relationship !== this.knownRelationship) this.checkRelationship(relationship);
    this.route(record, relationship);
  }

  transferAll(records: readonly FlowRecord[], relationship: string): void {
    if (relationship !== this.knownRelationship) this.checkRelationship(relationship);
    this.routeAll(records, relationship);
  }

  drop(record: FlowRecord): void {
    this.route(record, DROP);
  }

  dropAll(records: readonly FlowRecord[]): void {
    this.routeAll(records, DROP);
  }

  fail(record: FlowRecord, reason: string): void {
    const attributes = {
      [ERROR_ATTRIBUTES.message]: reason,
      [ERROR_ATTRIBUTES.processor]: this.processorName,
      [ERROR_ATTRIBUTES.time]: new Date(this.now).toISOString(),
    };
    this.transfer(this.update(record, { attributes }), 'failure');
  }

  create(content: unknown, attributes?: Record<string, string>, parents?: readonly FlowRecord[]): FlowRecord {
    // undefined picks createRecord's shared empty attributes and parents: no allocation per record
    return this.add(createRecord(content, attributes, parents?.map((p) => p.id), this.now));
  }

  createAll(contents: readonly unknown[], attributes?: Record<string, string> | readonly Record<string, string>[]): readonly FlowRecord[] {
    const created = new Array<FlowRecord>(contents.length);
    if (Array.isArray(attributes)) {
      const each = attributes as readonly Record<string, string>[];
      if (each.length !== contents.length) throw new Error(`createAll: ${contents.length} contents but ${each.length} attribute maps`);
      for (let i = 0; i < contents.length; i++) created[i] = createRecord(contents[i], each[i], undefined, this.now);
    } else {
      const shared = attributes as Record<string, string> | undefined;
      for (let i = 0; i < contents.length; i++) created[i] = createRecord(contents[i], shared, undefined, this.now);
    }
    // a source's session has no records yet: they become its records, copied on a later write like
    // the inputs, so the caller's array never changes under it
    if (this.records.length === 0 && !this.slotById) {
      this.records = created;
      this.ownsRecords = false;
    } else {
      for (const record of created) this.add(record);
    }
    return created;
  }

  clone(record: FlowRecord): FlowRecord {
    const original = this.records[this.slotOf(record)];
    return this.add({ ...original, id: nextRecordId(), parents: [original.id] });
  }

  update(record: FlowRecord, change: RecordChange): FlowRecord {
    const slot = this.slotOf(record);
    const latest = this.records[slot];
    const hasContent = 'content' in change;
    const kept = change.removeAttributes ? withoutAttributes(latest.attributes, change.removeAttributes) : latest.attributes;
    const updated: FlowRecord = {
      id: latest.id,
      attributes: change.attributes ? { ...kept, ...change.attributes } : kept,
      content: hasContent ? change.content : latest.content,
      parents: latest.parents,
      entryTime: latest.entryTime,
    };
    (this.ownsRecords ? this.records : this.ownRecords())[slot] = updated;
    return updated;
  }

  requeue(record: FlowRecord): void {
    this.route(record, REQUEUE);
  }

  yield(ms: number): void {
    this.yieldMs = Math.max(this.yieldMs, ms);
  }

  setState(state: unknown): void {
    this.pendingState = { value: state };
  }

  onCommitted(callback: () => void, { waiting = true }: { waiting?: boolean } = {}): void {
    (this.committedCallbacks ??= []).push(callback);
    if (waiting) this.somebodyWaits = true;
  }

  onRolledBack(callback: (error: unknown) => void): void {
    (this.rolledBackCallbacks ??= []).push(callback);
  }

  /**
   * Check every record was routed and say where each goes. A relationship with several connections
   * gets a copy (new id, same content) in each after the first. Input records routed to a retry
   * relationship with attempts left go back instead, unchanged but for their count; requeued ones
   * are only listed (by position in the batch), to be put back as taken.
   */
  commit(retry?: RetrySettings): CommitRecord {
    const records = this.records;
    const created = records.length - this.inputs.length;
    const result: CommitRecord = {
      out: 0,
      dropped: 0,
      created,
      deliveries: [],
      retried: [],
      attempt: 0,
      requeued: [],
      state: this.pendingState,
      committed: this.committedCallbacks,
      waiting: this.somebodyWaits,
    };
    const unrouted = records.length - this.routedCount;
    if (unrouted > 0) {
      throw new Error(`${unrouted} record(s) were neither transferred nor dropped; the session cannot commit`);
    }
    const common = this.commonDestination;
    if (common === undefined) return result;
    // fast path: the whole session went one way (most triggers), so the records array is the batch
    if (common !== MIXED && !retry?.relationships.has(common)) {
      if (common === DROP) result.dropped = records.length;
      else if (common === REQUEUE) result.requeued = records.map((_, slot) => slot);
      else this.deliver(common, withoutRetryCounts(records), result);
      return result;
    }
    const byRelationship = new Map<string, FlowRecord[]>();
    for (let slot = 0; slot < records.length; slot++) {
      const to = this.destinationOf(slot)!;
      if (to === DROP) {
        result.dropped++;
        continue;
      }
      if (to === REQUEUE) {
        result.requeued.push(slot);
        continue;
      }
      const original = slot < this.inputs.length ? this.inputs[slot] : undefined;
      if (original && retry?.relationships.has(to)) {
        const attempts = Number(original.attributes[RETRY_COUNT_ATTRIBUTE] ?? 0);
        if (attempts < retry.maxRetries) {
          result.retried.push({ ...original, attributes: { ...original.attributes, [RETRY_COUNT_ATTRIBUTE]: String(attempts + 1) } });
          result.attempt = Math.max(result.attempt, attempts + 1);
          continue;
        }
      }
      let list = byRelationship.get(to);
      if (!list) byRelationship.set(to, (list = []));
      list.push(records[slot]);
    }
    for (const [relationship, routed] of byRelationship) this.deliver(relationship, withoutRetryCounts(routed), result);
    return result;
  }

  /** Records for a relationship's connections: the first gets them, each further one a copy. */
  private deliver(relationship: string, records: FlowRecord[], result: CommitRecord): void {
    const connections = this.outputs.get(relationship)!;
    if (connections.length === 0) {
      result.dropped += records.length;
      return;
    }
    for (let index = 0; index < connections.length; index++) {
      const batch = index === 0 ? records : records.map((r) => ({ ...r, id: nextRecordId(), parents: [r.id] }));
      result.deliveries.push({ connection: connections[index], records: batch });
      result.out += batch.length;
    }
  }

  /** Called when the relationship differs from the last one checked: once per run of the same one, not per record. */
  private checkRelationship(relationship: string): void {
    if (!this.outputs.has(relationship)) throw new Error(`no relationship named "${relationship}"`);
    this.knownRelationship = relationship;
  }

  /** The records array, copied from the inputs on the first write (the originals stay as taken). */
  private ownRecords(): FlowRecord[] {
    if (!this.ownsRecords) {
      this.records = this.records.slice();
      this.ownsRecords = true;
    }
    return this.records;
  }

  private add(record: FlowRecord): FlowRecord {
    const records = this.ownRecords();
    const slot = records.length;
    records.push(record);
    // destinations stays shorter until the record is routed: unset reads as undefined either way
    this.slotById?.set(record.id, slot);
    return record;
  }

  private destinationOf(slot: number): string | undefined {
    return slot < this.bulkEnd ? this.bulkTo : this.destinations?.[slot];
  }

  private route(record: FlowRecord, to: string): void {
    const slot = this.slotOf(record);
    const destinations = (this.destinations ??= new Array<string | undefined>(this.records.length));
    if (slot < this.bulkEnd || destinations[slot] !== undefined) throw new Error(`record ${record.id} was already routed in this session`);
    if (to === REQUEUE && slot >= this.inputs.length) throw new Error(`record ${record.id} was created in this session; only input records can be requeued`);
    destinations[slot] = to;
    this.routedCount++;
    this.noteDestination(to);
    // the cursor is the first unrouted slot (past the bulk-routed prefix, so only `destinations` tells)
    if (slot === this.cursor) {
      let cursor = slot + 1;
      while (cursor < this.records.length && destinations[cursor] !== undefined) cursor++;
      this.cursor = cursor;
    }
  }

  /**
   * Route many records at once. Records that are the session's first slots, in order, with nothing
   * routed yet (a whole input batch, every record created so far) become the bulk-routed prefix: a
   * comparison per record, no array. Anything else is routed record by record.
   */
  private routeAll(records: readonly FlowRecord[], to: string): void {
    if (records.length === 0) return;
    const slots = this.records;
    let wholePrefix = this.routedCount === 0 && records.length <= slots.length;
    // the session's own array (the inputs untouched, or what createAll made): no need to compare
    if (wholePrefix && records !== slots) {
      for (let i = 0; wholePrefix && i < records.length; i++) wholePrefix = slots[i] === records[i];
    }
    if (!wholePrefix) {
      for (let i = 0; i < records.length; i++) this.route(records[i], to);
      return;
    }
    this.bulkEnd = this.cursor = records.length;
    this.bulkTo = to;
    this.routedCount = records.length;
    this.noteDestination(to);
  }

  private noteDestination(to: string): void {
    if (this.commonDestination === undefined) this.commonDestination = to;
    else if (this.commonDestination !== to) this.commonDestination = MIXED;
  }

  /** Where a record of this session lives; the cursor and the hint answer in-order work without a lookup. */
  private slotOf(record: FlowRecord): number {
    const id = record.id;
    const records = this.records;
    const cursor = this.cursor;
    if (cursor < records.length && records[cursor].id === id) {
      this.hint = cursor + 1;
      return cursor;
    }
    const hint = this.hint;
    if (hint < records.length && records[hint].id === id) {
      this.hint = hint + 1;
      return hint;
    }
    return this.lookUpSlot(id);
  }

  /** Out of order: a map from id to slot, built on first need. */
  private lookUpSlot(id: number): number {
    if (!this.slotById) {
      this.slotById = new Map();
      for (let i = 0; i < this.records.length; i++) this.slotById.set(this.records[i].id, i);
    }
    const slot = this.slotById.get(id);
    if (slot === undefined) throw new Error(`record ${id} does not belong to this session`);
    this.hint = slot + 1;
    return slot;
  }
}

/** The attributes without the named ones; the same object when none of them is there. */
function withoutAttributes(attributes: Readonly<Record<string, string>>, names: readonly string[]): Readonly<Record<string, string>> {
  if (!names.some((name) => name in attributes)) return attributes;
  const kept: Record<string, string> = {};
  for (const key in attributes) if (!names.includes(key)) kept[key] = attributes[key];
  return kept;
}

/**
 * Leaving the processor that retried them, records lose their retry count. In place: the array is
 * handed to a queue at this very commit, and nothing can fail after it.
 */
function withoutRetryCounts(records: FlowRecord[]): FlowRecord[] {
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (RETRY_COUNT_ATTRIBUTE in record.attributes) {
      const { [RETRY_COUNT_ATTRIBUTE]: _, ...attributes } = record.attributes;
      records[i] = { ...record, attributes };
    }
  }
  return records;
}

/**
 * Markers no relationship can be named (they are not words): records removed on purpose; input
 * records left in the input queue; mixed routing.
 */
const DROP = '\0drop';
const REQUEUE = '\0requeue';
const MIXED = '\0mixed';
