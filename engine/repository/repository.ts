import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { lastRecordId, reserveRecordIds, type FlowRecord } from '../sdk/record';
import { Chunk, type ChunkOwner, type Holdback, type Span } from '../runtime/chunk';
import type { HeldCommit, QueueStore } from '../runtime/durability';
import { sumOf } from '../runtime/record-queue';
import { decodeRecords, encodeRecords } from './codec';
import { encodeFrame, type ChunkEntry, type EncodedFrame, type FrameMeta } from './frame';
import { liveRuns, recover, stateKey, type JournalProblem, type ProcessorStateEntry, type StoredPiece } from './recover';
import { Segments, type Segment } from './segments';

/** Pending bytes that make the next write urgent: what waits to be written is held in memory. */
const URGENT_BYTES = 16 * 1024 * 1024;
/**
 * Records beyond a memory window committed but not yet written, past which triggers wait for the
 * writer: they are in memory only until written, and a source faster than the disk would otherwise
 * pile them up past V8's young generation (the heap then grows far ahead of its collections).
 */
const SWAP_BACKLOG_BYTES = 8 * 1024 * 1024;
/**
 * Bytes of held-back chunks one write takes when nobody waits for it: encoding is synchronous, and a
 * backlog of them in one frame (a sink slower than its sources) held the event loop for ~0.5 s; the
 * rest follow in the next writes.
 */
const HELD_BYTES_PER_WRITE = 4 * 1024 * 1024;
/** How many consumed-before-written chunks may pile up in `offered` before it is filtered. */
const DROP_DONE_EVERY = 1024;

export interface RepositoryOptions {
  /** A new segment is started once the active one is this large (64 MiB). */
  segmentBytes?: number;
  /** After a failed write (disk full), try again this often (1 s). */
  retryMs?: number;
  /** Records committed but not written yet beyond which triggers wait for the writer (128 MiB). */
  maxPendingBytes?: number;
  /**
   * How long changes nobody waits for may wait for the next write (200 ms):
   * records that come and go within it are never written. Kafka's linger, NiFi's checkpoint in small.
   */
  lingerMs?: number;
  /**
   * How long a replayable source's records, and what pure processors make of them, may stay
   * unwritten while they flow on (5 s, Kafka's own interval between offset commits): its
   * acknowledgement (an offset commit, a file delete) and its state wait meanwhile; records still
   * queued then are written.
   */
  holdbackMs?: number;
}

/** What the repository found when it opened: for the log and the engine's bulletins. */
export interface RecoveryReport {
  readonly frames: number;
  readonly chunks: number;
  readonly records: number;
  readonly states: number;
  readonly problem?: JournalProblem;
}

export interface RepositoryStatus {
  readonly directory: string;
  readonly segments: number;
  readonly bytes: number;
  /** Group commits written since the repository opened. */
  readonly writes: number;
  /** Why writes are failing, while they are (the engine is paused meanwhile). */
  readonly blocked?: string;
}

export interface RepositoryEvents {
  /** Writes fail (disk full): triggers are paused until one succeeds. */
  blocked: [message: string];
  resumed: [];
}

/** A processor's held-back states (Repository.heldStates). */
interface HeldStates {
  newest: ProcessorStateEntry;
  readonly queue: { readonly state: ProcessorStateEntry; safe: boolean }[];
}

/** Where a chunk's records are stored: the store's private part of a chunk. */
interface Stored {
  segment?: Segment;
  /** Flat [from, count, offset, length, …]: offsets in the blob area until written, in the segment after. */
  pieces: number[];
  bytes: number;
  /** On the list of chunks with consumption to write. */
  dirty: boolean;
}

/** One group commit being written. */
interface Group {
  frame: EncodedFrame;
  sync: boolean;
  written: Chunk[];
  /** Chunks copied out of an old segment by compaction: their new pieces (offsets in the blob area). */
  moved: { chunk: Chunk; pieces: number[] }[];
  /** Chunks fully consumed by this group: their segments may let them go once it is durable. */
  finished: Chunk[];
  acks: (() => void)[];
  snapshot: boolean;
}

const DEFAULTS: Required<RepositoryOptions> = { segmentBytes: 64 * 1024 ** 2, retryMs: 1_000, maxPendingBytes: 128 * 1024 ** 2, lingerMs: 200, holdbackMs: 5_000 };

/**
 * The durable repository: records in durable connections and processor states, in one journal of
 * group commits (./frame.ts, ./segments.ts), NiFi's write-ahead repository and swap files in one.
 *
 * Commits are applied in memory at once (engine/runtime/commit.ts); what they changed waits here
 * until the next group commit, which writes the net change of every commit since the last one in
 * one frame: chunks offered (only their positions not consumed by then: records that came and went
 * between two writes are never written), positions consumed from chunks written earlier, states.
 * Only once that write returns (and with `sync`, once fsync does) do the commits' acknowledgements
 * run. A write that fails (disk full) pauses every trigger and is retried until it succeeds.
 *
 * Old segments are deleted once nothing in them is live; one mostly dead is compacted first (its
 * live chunks copied, bytes as they are, into the next frame). A chunk beyond its connection's
 * memory window is dropped from memory once written and read back when its turn comes (`load`).
 */
export class Repository implements QueueStore {
  readonly events = new EventEmitter<RepositoryEvents>();
  private readonly options: Required<RepositoryOptions>;
  private seq: number;
  /** Each processor's state as the journal has it, or will at the next write: what a snapshot writes. */
  private readonly states = new Map<string, ProcessorStateEntry>();
  /**
   * Processors with held-back states (holdBack): their newest state (what the processor reads back),
   * and their states in commit order, each waiting for its commit to be safe. The newest state whose
   * commit and every earlier one are safe goes into the next write: held commits overlap while a
   * chain hands holdbacks on, and waiting for none to be outstanding would leave the state unwritten
   * for as long as records flow. A new object after clearState, so a holdback released later cannot
   * bring a cleared state back.
   */
  private readonly heldStates = new Map<string, HeldStates>();
  private readonly pendingStates = new Map<string, ProcessorStateEntry | { flowId: string; processorId: string; cleared: true }>();
  private offered: Chunk[] = [];
  private dirty: Chunk[] = [];
  private rewrites: Chunk[] = [];
  private acks: (() => void)[] = [];
  private syncNeeded = false;
  private needsSnapshot = true;
  private pendingBytes = 0;
  /**
   * The part of pendingBytes in chunks held back (holdBack): they are queued in memory anyway, and
   * most are consumed before they must be written, so they make a write urgent only in bulk.
   */
  private heldBytes = 0;
  /** Chunks read back at open, by connection, until their connection claims them. */
  private readonly unclaimed = new Map<string, Span[]>();
  private compacting?: Segment;
  private writing?: Promise<void>;
  private scheduled = false;
  private lingering?: NodeJS.Timeout;
  /** Chunks in `offered` consumed before they were written: dropped from it now and then. */
  private doneUnwritten = 0;
  /** A chunk beyond a memory window waits to be written (and dropped from memory). */
  private swapPending = false;
  /** Estimated bytes of such chunks until their write is done. */
  private swapBytes = 0;
  /** An acknowledgement somebody waits for (an HTTP answer, flushed()) is pending. */
  private awaited = false;
  private blockedBy?: string;
  private writes = 0;
  private closed = false;
  /** What the journal held when the repository opened. */
  recovery: RecoveryReport = { frames: 0, chunks: 0, records: 0, states: 0 };

  private constructor(
    private readonly segments: Segments,
    options: RepositoryOptions,
    lastSeq: number,
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.seq = lastSeq;
    // each flushed() waits for 'blocked' until its write is done: as many listeners as callers (a
    // flow's stop flushes once per processor), not a leak
    this.events.setMaxListeners(0);
  }

  /** Open (or create) the repository in `directory`: replay the journal, then start a new segment. */
  static async open(directory: string, options: RepositoryOptions = {}): Promise<Repository> {
    const segments = new Segments(directory);
    const replayed = recover(segments);
    reserveRecordIds(replayed.lastRecordId);
    let records = 0;
    let chunks = 0;
    const restored: { key: number; owner: string; spans: Span[] }[] = [];
    const repository = new Repository(segments, options, replayed.lastSeq);
    for (const [seq, found] of replayed.chunks) {
      const runs = liveRuns(found);
      if (runs.length === 0) continue;
      const { entry } = found;
      const owner: ChunkOwner = { flowId: entry.f, connectionId: entry.c, store: repository };
      const chunk = new Chunk(undefined, entry.n, entry.t, entry.z, owner);
      chunk.seq = seq;
      chunk.key = entry.k;
      chunk.ranges = found.ranges;
      chunk.flushed = found.ranges.length;
      const segment = found.pieces[0]?.segment;
      const stored: Stored = { segment, pieces: found.pieces.flatMap(flatPiece), bytes: found.pieces.reduce((sum, p) => sum + p.length, 0), dirty: false };
      chunk.location = stored;
      const spans = runs.map(([from, to]) => ({ chunk, from, to }));
      const live = spans.reduce((sum, s) => sum + s.to - s.from, 0);
      chunk.consumed = chunk.count - live;
      if (segment) {
        segment.chunks.add(chunk);
        segment.liveBytes += stored.bytes;
      }
      restored.push({ key: entry.k, owner: ownerKey(entry.f, entry.c), spans });
      records += live;
      chunks++;
    }
    restored.sort((a, b) => a.key - b.key);
    for (const { owner, spans } of restored) repository.unclaimed.set(owner, [...(repository.unclaimed.get(owner) ?? []), ...spans]);
    for (const [key, state] of replayed.states) repository.states.set(key, state);
    repository.recovery = { frames: replayed.frames, chunks, records, states: replayed.states.size, problem: replayed.problem };
    await segments.create();
    // the new segment starts with every state, so older segments hold nothing it still needs
    await repository.flushed();
    return repository;
  }

  // ---- ChunkStore: what connections tell the repository ----

  added(chunk: Chunk): void {
    chunk.seq = ++this.seq;
    chunk.key = chunk.atHead ? -chunk.seq : chunk.seq;
    this.offered.push(chunk);
    this.pendingBytes += sumOf(chunk.sizes, chunk.count);
    // beyond its connection's memory window: it leaves memory only once written, so without delay
    if (chunk.swapOut) {
      this.swapPending = true;
      this.swapBytes += sumOf(chunk.sizes, chunk.count);
    }
    this.schedule();
  }

  consumed(chunk: Chunk): void {
    // what the consuming commit made stands for a held acknowledgement: with sync it must be fsynced
    // before that acknowledgement, even if the write that releases it has nothing left to write
    if (chunk.holdback?.sync) this.syncNeeded = true;
    const stored = chunk.location as Stored | undefined;
    if (!stored) {
      // not written yet, and now it never will be: it no longer counts, nor keeps its records alive
      if (chunk.done) {
        const bytes = sumOf(chunk.sizes, chunk.count);
        this.pendingBytes -= bytes;
        if (chunk.swapOut) this.swapBytes -= bytes;
        // no span refers to a consumed position: the records may die young, as without a repository
        chunk.records = undefined;
        // consumed by a commit that the next write holds: a source's acknowledgement waiting on it may follow that write
        if (chunk.holdback) {
          this.release(chunk, this.acks);
          this.schedule();
        }
        if (++this.doneUnwritten >= DROP_DONE_EVERY) {
          this.offered = this.offered.filter((c) => !c.done);
          this.doneUnwritten = 0;
        }
      }
      return;
    }
    // written, now consumed: its records are never read again (the segment keeps its bytes until the next write lets it go)
    if (chunk.done) chunk.records = undefined;
    // a chunk not written yet is written without its consumed positions; a written one gets ranges
    if (!stored.dirty) {
      stored.dirty = true;
      this.dirty.push(chunk);
      this.schedule();
    }
  }

  load(chunk: Chunk): FlowRecord[] {
    const stored = chunk.location as Stored | undefined;
    if (!stored?.segment) throw new Error(`chunk ${chunk.seq} of connection ${chunk.owner.connectionId} has no stored records to read`);
    const records = new Array<FlowRecord>(chunk.count);
    const { pieces } = stored;
    for (let i = 0; i < pieces.length; i += 4) {
      const decoded = decodeRecords(this.segments.read(stored.segment, pieces[i + 2], pieces[i + 3]));
      const from = pieces[i];
      for (let k = 0; k < decoded.length; k++) records[from + k] = decoded[k];
    }
    return records;
  }

  recovered(flowId: string, connectionId: string): Span[] {
    const key = ownerKey(flowId, connectionId);
    const spans = this.unclaimed.get(key) ?? [];
    this.unclaimed.delete(key);
    return spans;
  }

  /**
   * Records read back for connections no flow claimed (of this flow, once it is loaded; of any flow,
   * once all are): consumed, so they do not come back at every start. Returns how many.
   */
  discardUnclaimed(flowId?: string): number {
    let discarded = 0;
    for (const [key, spans] of this.unclaimed) {
      if (flowId !== undefined && !key.startsWith(`${flowId}\n`)) continue;
      for (const { chunk, from, to } of spans) {
        chunk.consume(from, to);
        discarded += to - from;
      }
      this.unclaimed.delete(key);
    }
    return discarded;
  }

  // ---- Durability: states and acknowledgements ----

  async loadState(flowId: string, processorId: string): Promise<unknown> {
    const key = stateKey(flowId, processorId);
    return structuredClone((this.heldStates.get(key)?.newest ?? this.states.get(key))?.value);
  }

  commitState(flowId: string, processorId: string, value: unknown): void {
    const entry = { flowId, processorId, value };
    const key = stateKey(flowId, processorId);
    const held = this.heldStates.get(key);
    // an earlier state of this processor is held back: this one may not reach the journal before it
    if (held) {
      held.newest = entry;
      held.queue.push({ state: entry, safe: true });
    } else this.writeState(key, entry);
  }

  /** The newest of a processor's held states whose commit and every earlier one are safe, into the next write. */
  private writeSafeState(key: string, held: HeldStates): void {
    if (this.heldStates.get(key) !== held) return; // cleared meanwhile
    let safe: ProcessorStateEntry | undefined;
    while (held.queue.length > 0 && held.queue[0].safe) safe = held.queue.shift()!.state;
    if (held.queue.length === 0) this.heldStates.delete(key);
    if (safe) this.writeState(key, safe);
  }

  private writeState(key: string, entry: ProcessorStateEntry): void {
    this.states.set(key, entry);
    this.pendingStates.set(key, entry);
    this.schedule();
  }

  async clearState(flowId: string, processorId: string): Promise<void> {
    const key = stateKey(flowId, processorId);
    this.states.delete(key);
    this.heldStates.delete(key);
    this.pendingStates.set(key, { flowId, processorId, cleared: true });
    await this.flushed();
  }

  afterDurable(done: () => void, sync: boolean, waiting = true): void {
    this.acks.push(done);
    if (waiting) this.awaited = true;
    if (sync) this.syncNeeded = true;
    this.schedule();
  }

  holdBack(chunks: readonly Chunk[], { done, sync, state }: HeldCommit): void {
    let safe: (() => void) | undefined;
    if (state) {
      const { flowId, processorId } = state;
      const key = stateKey(flowId, processorId);
      const entry = { flowId, processorId, value: state.value };
      let held = this.heldStates.get(key);
      if (held) held.newest = entry;
      else this.heldStates.set(key, (held = { newest: entry, queue: [] }));
      const waiting = { state: entry, safe: false };
      held.queue.push(waiting);
      const heldHere = held;
      safe = () => {
        waiting.safe = true;
        this.writeSafeState(key, heldHere);
      };
    }
    this.hold({ remaining: 0, done, safe, sync, since: Date.now() }, chunks);
    this.schedule();
  }

  passHoldback(holdback: Holdback, chunks: readonly Chunk[]): void {
    this.hold(holdback, chunks);
  }

  private hold(holdback: Holdback, chunks: readonly Chunk[]): void {
    holdback.remaining += chunks.length;
    for (const chunk of chunks) {
      chunk.holdback = holdback;
      this.heldBytes += sumOf(chunk.sizes, chunk.count);
    }
  }

  flushed(): Promise<void> {
    if (this.closed || this.blockedBy) return Promise.resolve();
    return new Promise((resolve) => {
      const blocked = () => resolve();
      this.events.once('blocked', blocked);
      this.afterDurable(() => {
        this.events.off('blocked', blocked);
        resolve();
      }, false);
    });
  }

  pausedUntil(now: number): number {
    // paused until a write succeeds again ('resumed' wakes the scheduler), not just until the next try
    if (this.blockedBy) return now + this.options.retryMs;
    // the writer is behind: let it catch up before more is committed (memory stays bounded)
    return this.pendingBytes > this.options.maxPendingBytes || this.swapBytes > SWAP_BACKLOG_BYTES ? now + 5 : 0;
  }

  status(): RepositoryStatus {
    const list = this.segments.list;
    return {
      directory: this.segments.directory,
      segments: list.length,
      bytes: list.reduce((sum, s) => sum + s.size, 0),
      writes: this.writes,
      ...(this.blockedBy && { blocked: this.blockedBy }),
    };
  }

  /** Write what is pending, then close the files. What cannot be written (disk still full) was never acknowledged. */
  async close(): Promise<void> {
    // flushed() gives up at once when writes fail; the bound is for a write that hangs (a stuck mount)
    const bound = sleep(30_000, undefined, { ref: false });
    await Promise.race([this.flushed(), bound]);
    this.closed = true;
    await Promise.race([this.writing?.catch(() => undefined), bound]);
    await this.segments.close();
  }

  // ---- the writer ----

  /**
   * A write is needed soon only when something waits for it: an acknowledgement somebody waits for
   * (an HTTP client; not an offset commit), or memory (pending bytes, chunks beyond a memory
   * window). Otherwise changes linger (options.lingerMs): records that come and go meanwhile are
   * never written. Nothing is lost by waiting, since nothing was acknowledged: a crash before the
   * write replays the commits' inputs, which are still on disk, unconsumed.
   */
  private schedule(): void {
    if (this.scheduled || this.writing || this.closed) return;
    if (this.urgent()) {
      clearTimeout(this.lingering);
      this.lingering = undefined;
      this.scheduled = true;
      // after the current scheduler pass: every commit of the pass goes into one group
      setImmediate(this.flush);
    } else {
      this.lingering ??= setTimeout(this.flush, this.options.lingerMs).unref();
    }
  }

  private urgent(): boolean {
    const urgentBytes = Math.min(URGENT_BYTES, this.options.maxPendingBytes / 2);
    const unheld = this.pendingBytes - this.heldBytes;
    return this.awaited || this.swapPending || unheld >= urgentBytes || this.pendingBytes >= this.options.maxPendingBytes / 2 || this.rewrites.length > 0;
  }

  /** One of the chunks a held-back commit waits on is safe: once all are, its state is let go and its acknowledgement joins `into`. */
  private release(chunk: Chunk, into: (() => void)[]): void {
    const holdback = chunk.holdback!;
    chunk.holdback = undefined;
    this.heldBytes -= sumOf(chunk.sizes, chunk.count);
    if (--holdback.remaining > 0) return;
    holdback.safe?.();
    if (holdback.done) into.push(holdback.done);
    if (holdback.sync) this.syncNeeded = true;
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    clearTimeout(this.lingering);
    this.lingering = undefined;
    if (this.writing || this.closed) return;
    this.writing = this.writeNext().finally(() => {
      this.writing = undefined;
      if (this.hasPending()) this.schedule();
    });
  };

  private hasPending(): boolean {
    return this.offered.length > 0 || this.dirty.length > 0 || this.rewrites.length > 0 || this.pendingStates.size > 0 || this.acks.length > 0;
  }

  private async writeNext(): Promise<void> {
    if (this.segments.active.size >= this.options.segmentBytes) {
      await this.segments.create();
      this.needsSnapshot = true;
    }
    const group = this.build();
    if (group.frame.bytes.length > 0) {
      for (;;) {
        try {
          const { segment, position } = await this.segments.append(group.frame.bytes, group.sync);
          this.settle(group, segment, position);
          break;
        } catch (error) {
          if (this.closed) return;
          this.block(error);
          await sleep(this.options.retryMs);
        }
      }
    }
    for (const ack of group.acks) ack();
  }

  /**
   * Everything pending, as one frame; but a write nobody waits for leaves out the chunks of replayable
   * sources younger than options.holdbackMs (their acknowledgements wait with them): most are consumed
   * before the next write, and then never written.
   */
  private build(): Group {
    const holding = !this.urgent();
    const heldSince = Date.now() - this.options.holdbackMs;
    const held: Chunk[] = [];
    const released: (() => void)[] = [];
    const blobs: Buffer[] = [];
    let blobBytes = 0;
    const store = (bytes: Buffer) => {
      blobs.push(bytes);
      blobBytes += bytes.length;
      return blobBytes - bytes.length;
    };
    const entries: ChunkEntry[] = [];
    const written: Chunk[] = [];
    const moved: Group['moved'] = [];
    let heldBudget = this.awaited ? Infinity : HELD_BYTES_PER_WRITE;
    for (const chunk of this.offered) {
      if (chunk.done) continue; // came and went between two writes: never written
      if (chunk.holdback) {
        // beyond a memory window, a chunk must leave memory: it goes whatever the budget
        if ((holding && chunk.holdback.since > heldSince) || (heldBudget <= 0 && !chunk.swapOut)) {
          held.push(chunk);
          continue;
        }
        heldBudget -= sumOf(chunk.sizes, chunk.count);
        this.release(chunk, released);
      }
      const stored: Stored = { pieces: [], bytes: 0, dirty: false };
      const records = chunk.records!;
      for (const [from, to] of unconsumedRuns(chunk)) {
        const bytes = encodeRecords(from === 0 && to === chunk.count ? records : records.slice(from, to));
        stored.pieces.push(from, to - from, store(bytes), bytes.length);
        stored.bytes += bytes.length;
      }
      chunk.flushed = chunk.ranges?.length ?? 0;
      chunk.location = stored;
      entries.push(entryOf(chunk, stored.pieces));
      written.push(chunk);
    }
    this.offered = held;
    this.doneUnwritten = 0;
    this.swapPending = false;
    // what stays pending is exactly what is still held back
    this.pendingBytes = this.heldBytes;
    for (const chunk of this.rewrites) {
      const stored = chunk.location as Stored;
      if (chunk.done || !stored.segment) continue;
      // compaction: the stored bytes as they are, with every range consumed so far
      const pieces: number[] = [];
      for (let i = 0; i < stored.pieces.length; i += 4) {
        const bytes = this.segments.read(stored.segment, stored.pieces[i + 2], stored.pieces[i + 3]);
        pieces.push(stored.pieces[i], stored.pieces[i + 1], store(bytes), bytes.length);
      }
      entries.push({ ...entryOf(chunk, pieces), u: [...(chunk.ranges ?? [])] });
      chunk.flushed = chunk.ranges?.length ?? 0;
      // read from the old place until the copy is written
      moved.push({ chunk, pieces });
    }
    this.rewrites = [];
    const used: number[] = [];
    const finished: Chunk[] = [];
    for (const chunk of this.dirty) {
      (chunk.location as Stored).dirty = false;
      const ranges = chunk.ranges!;
      for (let i = chunk.flushed; i < ranges.length; i += 2) used.push(chunk.seq, ranges[i], ranges[i + 1]);
      chunk.flushed = ranges.length;
      if (chunk.done) finished.push(chunk);
    }
    this.dirty = [];
    const meta: FrameMeta = { i: lastRecordId() };
    if (entries.length > 0) meta.a = entries;
    if (used.length > 0) meta.u = used;
    const snapshot = this.needsSnapshot;
    const states = snapshot ? [...this.states.values()] : [...this.pendingStates.values()];
    if (states.length > 0) meta.s = states.map((s) => ('cleared' in s ? [s.flowId, s.processorId] : [s.flowId, s.processorId, s.value]));
    if (snapshot) meta.full = 1;
    this.pendingStates.clear();
    this.needsSnapshot = false;
    const acks = released.length > 0 ? [...this.acks, ...released] : this.acks;
    const sync = this.syncNeeded;
    this.acks = [];
    this.awaited = false;
    this.syncNeeded = false;
    const changed = entries.length > 0 || used.length > 0 || meta.s !== undefined || snapshot;
    const frame = changed ? encodeFrame(meta, blobs) : { bytes: Buffer.alloc(0), blobStart: 0 };
    return { frame, sync, written, moved, finished, acks, snapshot };
  }

  /** The group is written: locations become real, segments learn what they hold, old ones may go. */
  private settle(group: Group, segment: Segment, position: number): void {
    this.writes++;
    const base = position + group.frame.blobStart;
    // a chunk keeps its segment until its last consumption is durable (`finished` of a later group),
    // even if it was all consumed while this group was being written
    const place = (chunk: Chunk, pieces: number[]) => {
      const stored = chunk.location as Stored;
      for (let i = 2; i < pieces.length; i += 4) pieces[i] += base;
      stored.pieces = pieces;
      stored.segment = segment;
      segment.chunks.add(chunk);
      segment.liveBytes += stored.bytes;
      // beyond its connection's memory window: from now on read back from disk when its turn comes
      if (chunk.swapOut) chunk.records = undefined;
    };
    for (const chunk of group.written) {
      place(chunk, (chunk.location as Stored).pieces);
      if (chunk.swapOut) this.swapBytes -= sumOf(chunk.sizes, chunk.count);
    }
    for (const { chunk, pieces } of group.moved) {
      release(chunk, (chunk.location as Stored).segment!);
      place(chunk, pieces);
    }
    for (const chunk of group.finished) {
      const stored = chunk.location as Stored;
      if (stored.segment) release(chunk, stored.segment);
    }
    if (group.snapshot) segment.hasSnapshot = true;
    if (this.blockedBy) {
      this.blockedBy = undefined;
      this.events.emit('resumed');
    }
    this.collect();
  }

  /** Delete old segments with nothing live; compact the oldest when it is mostly dead. */
  private collect(): void {
    const list = this.segments.list;
    while (list.length > 1 && list[0].chunks.size === 0 && list[1].hasSnapshot) {
      if (this.compacting === list[0]) this.compacting = undefined;
      this.segments.deleteOldest();
    }
    const oldest = list[0];
    if (list.length > 1 && this.compacting !== oldest && oldest.liveBytes * 2 < oldest.size) {
      this.compacting = oldest;
      for (const chunk of oldest.chunks) this.rewrites.push(chunk);
      this.schedule();
    }
  }

  private block(error: unknown): void {
    const message = `the repository cannot write to ${this.segments.directory}: ${(error as Error).message ?? error}; processing is paused (nothing is lost) and the write is retried every ${this.options.retryMs / 1000} s`;
    if (this.blockedBy !== message) {
      this.blockedBy = message;
      this.events.emit('blocked', message);
    }
  }
}

const ownerKey = (flowId: string, connectionId: string) => `${flowId}\n${connectionId}`;

function flatPiece(piece: StoredPiece): number[] {
  return [piece.from, piece.count, piece.offset, piece.length];
}

/** A fully consumed (durably) chunk no longer keeps its segment. */
function release(chunk: Chunk, segment: Segment): void {
  if (segment.chunks.delete(chunk)) segment.liveBytes -= (chunk.location as Stored).bytes;
}

function entryOf(chunk: Chunk, pieces: number[]): ChunkEntry {
  const { flowId, connectionId } = chunk.owner;
  return { s: chunk.seq, k: chunk.key, f: flowId, c: connectionId, n: chunk.count, t: chunk.times, z: chunk.sizes, p: pieces };
}

/** The positions of a chunk not consumed, as runs [from, to): the whole chunk unless a commit already took some. */
function unconsumedRuns(chunk: Chunk): [number, number][] {
  const ranges = chunk.ranges;
  if (!ranges || ranges.length === 0) return [[0, chunk.count]];
  const consumed: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) consumed.push([ranges[i], ranges[i + 1]]);
  consumed.sort((a, b) => a[0] - b[0]);
  const runs: [number, number][] = [];
  let at = 0;
  for (const [from, to] of consumed) {
    if (from > at) runs.push([at, from]);
    at = Math.max(at, to);
  }
  if (at < chunk.count) runs.push([at, chunk.count]);
  return runs;
}
