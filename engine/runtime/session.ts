import type { ProcessSession } from '../sdk/define-processor';
import { createRecord, estimateSize, nextRecordId, type FlowRecord } from '../sdk/record';
import type { Connection } from './connection';

/** What a commit did, for the processor's counters. */
export interface CommitResult {
  out: number;
  bytesOut: number;
  dropped: number;
  created: number;
}

/**
 * One trigger's unit of work. Routing is only recorded until commit(); nothing reaches a
 * connection if the processor throws, so a rollback is simply "requeue the inputs".
 */
export class Session implements ProcessSession<string> {
  /** Records taken or created in this session, by id, with where each went (undefined: not yet). */
  private readonly owned = new Map<string, { record: FlowRecord; to?: string }>();
  private created = 0;
  yieldMs = 0;

  constructor(
    inputs: readonly FlowRecord[],
    /** Relationship name → its connections; an empty list means auto-terminated. */
    private readonly outputs: ReadonlyMap<string, readonly Connection[]>,
    private readonly now = Date.now(),
  ) {
    for (const record of inputs) this.owned.set(record.id, { record });
  }

  transfer(record: FlowRecord, relationship: string): void {
    if (!this.outputs.has(relationship)) throw new Error(`no relationship named "${relationship}"`);
    this.route(record, relationship);
  }

  drop(record: FlowRecord): void {
    this.route(record, DROP);
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
    const content = 'content' in change ? change.content : record.content;
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
   * connections gets a copy (new id, same content) in each after the first.
   */
  commit(): CommitResult {
    const byRelationship = new Map<string, FlowRecord[]>();
    let dropped = 0;
    let unrouted = 0;
    for (const { record, to } of this.owned.values()) {
      if (to === undefined) unrouted++;
      else if (to === DROP) dropped++;
      else {
        let list = byRelationship.get(to);
        if (!list) byRelationship.set(to, (list = []));
        list.push(record);
      }
    }
    if (unrouted > 0) {
      throw new Error(`${unrouted} record(s) were neither transferred nor dropped; the session cannot commit`);
    }
    const result: CommitResult = { out: 0, bytesOut: 0, dropped, created: this.created };
    for (const [relationship, records] of byRelationship) {
      const connections = this.outputs.get(relationship)!;
      if (connections.length === 0) {
        result.dropped += records.length;
        continue;
      }
      connections.forEach((connection, index) => {
        const batch = index === 0 ? records : records.map((r) => ({ ...r, id: nextRecordId(), parents: [r.id] }));
        connection.offer(batch);
        result.out += batch.length;
        for (const r of batch) result.bytesOut += r.size;
      });
    }
    return result;
  }

  private route(record: FlowRecord, to: string): void {
    const entry = this.entryOf(record);
    if (entry.to !== undefined) throw new Error(`record ${record.id} was already routed in this session`);
    // entry.record is the latest version (after update()), whichever copy the processor passed.
    entry.to = to;
  }

  private entryOf(record: FlowRecord) {
    const entry = this.owned.get(record.id);
    if (!entry) throw new Error(`record ${record.id} does not belong to this session`);
    return entry;
  }
}

/** Marker for records removed on purpose; no relationship can have this name (it is not a word). */
const DROP = '\0drop';
