import type { FlowRecord } from '../sdk/record';

/**
 * A value per record, kept compactly: one number standing for every record of a batch (an offer's
 * time, a large batch's sampled size), or one each. A batch of a thousand records then costs no
 * array of times or sizes on its way through a queue.
 */
export type PerRecord = number | number[];

export const valueAt = (values: PerRecord, i: number): number => (typeof values === 'number' ? values : values[i]);

/** What keeps the chunks of durable connections: the repository (engine/repository). */
export interface ChunkStore {
  /** A chunk was offered to a durable connection: it is written with the next group commit. */
  added(chunk: Chunk): void;
  /** Positions of a chunk were consumed (by a committed session, an expiry, an emptied queue). */
  consumed(chunk: Chunk): void;
  /** The records of a chunk whose records are on disk only (swapped out, or recovered). */
  load(chunk: Chunk): FlowRecord[];
}

/**
 * A source's commit held back until its chunks are safe: each one written, or consumed by a commit
 * that is (whose own records are then in the same write). A commit that only turns held records
 * into others hands the holdback on to the chunks it made (Durability.passHoldback): then those must be safe
 * too. Its acknowledgement runs, and its state is written, only then. A crash before that loses
 * nothing the source acknowledged or remembered: it delivers the records again.
 */
export interface Holdback {
  /** Chunks not yet safe. */
  remaining: number;
  /** The acknowledgement: after the write that makes the last chunk safe. */
  readonly done?: () => void;
  /** The moment the last chunk is safe, before that write is built (the store lets the state go into it). */
  readonly safe?: () => void;
  readonly sync: boolean;
  /** When the commit was made (ms): past the store's bound the chunks are written anyway. */
  readonly since: number;
}

/** The connection a chunk is queued in, as the store names it. */
export interface ChunkOwner {
  readonly flowId: string;
  readonly connectionId: string;
  /** Absent for in-memory connections (and engines without a repository): nothing is written. */
  readonly store?: ChunkStore;
}

/**
 * The unit records are queued, written and consumed in: one offered batch (or one recovered from
 * disk). Positions are its records' indexes; the queue hands out runs of positions, and a commit
 * consumes them. A durable chunk also knows what the store has written of it: it is written once,
 * with the positions not consumed by then (records that came and went between two group commits
 * are never written at all), and later consumption is written as position ranges.
 */
export class Chunk {
  /** The store's number for it (durable chunks): unique, increasing. */
  seq = 0;
  /** Order among its connection's chunks after a restart: seq for an append, -seq for one put at the head. */
  key = 0;
  /** How many positions are consumed. */
  consumed = 0;
  /** Durable chunks: consumed [from, to) ranges, flat, in the order consumed. */
  ranges?: number[];
  /** How many numbers of `ranges` the store has written (or needs not write: consumed before the chunk was written). */
  flushed = 0;
  /** Where the store wrote it; undefined until then. Opaque to the engine. */
  location?: unknown;
  /** Drop the records from memory once written: the queue holds more than its in-memory window. */
  swapOut = false;
  /**
   * A replayable source's commit waits on this chunk (it consumed nothing and nobody waits for it):
   * its acknowledgement and state follow once the chunk is written, or consumed by a commit that is;
   * until then the store may leave the chunk unwritten (durability.ts, Holdback).
   */
  holdback?: Holdback;

  constructor(
    /** By position; undefined while only on disk. A recovered chunk has no entries at consumed positions. */
    public records: FlowRecord[] | undefined,
    readonly count: number,
    readonly times: PerRecord,
    readonly sizes: PerRecord,
    readonly owner: ChunkOwner,
    /** Put back at the head of its queue (retried records), not appended. */
    readonly atHead = false,
  ) {}

  get done(): boolean {
    return this.consumed >= this.count;
  }

  /** The records, read back from the store if they were swapped out. */
  resident(): FlowRecord[] {
    return (this.records ??= this.owner.store!.load(this));
  }

  consume(from: number, to: number): void {
    if (to <= from) return;
    this.consumed += to - from;
    const store = this.owner.store;
    if (store) {
      (this.ranges ??= []).push(from, to);
      store.consumed(this);
    }
  }
}

/**
 * The holdback every chunk of a batch waits under, if they all wait under one: those chunks are
 * not written (a chunk loses its holdback when it is), so the batch exists in memory only and a
 * crash makes its source deliver it again.
 */
export function heldBackTogether(spans: readonly Span[]): Holdback | undefined {
  const holdback = spans[0]?.chunk.holdback;
  for (let i = 1; i < spans.length && holdback; i++) if (spans[i].chunk.holdback !== holdback) return undefined;
  return holdback;
}

/** A run of one chunk's positions [from, to): where records are queued, or which records were taken. */
export interface Span {
  readonly chunk: Chunk;
  from: number;
  to: number;
}

/** Consume every position of these spans. */
export function consumeSpans(spans: readonly Span[]): void {
  for (const span of spans) span.chunk.consume(span.from, span.to);
}

/**
 * Spans of a batch (records in span order) split by position: those at `positions` (ascending
 * positions in the batch) and the rest, each as spans in batch order.
 */
export function partitionSpans(spans: readonly Span[], positions: readonly number[]): { picked: Span[]; rest: Span[] } {
  const picked: Span[] = [];
  const rest: Span[] = [];
  const append = (into: Span[], chunk: Chunk, at: number) => {
    const last = into[into.length - 1];
    if (last && last.chunk === chunk && last.to === at) last.to++;
    else into.push({ chunk, from: at, to: at + 1 });
  };
  let next = 0;
  let position = 0;
  for (const span of spans) {
    for (let at = span.from; at < span.to; at++, position++) {
      if (next < positions.length && positions[next] === position) {
        append(picked, span.chunk, at);
        next++;
      } else append(rest, span.chunk, at);
    }
  }
  return { picked, rest };
}
