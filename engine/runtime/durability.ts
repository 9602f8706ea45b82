import type { Chunk, ChunkStore, Holdback, Span } from './chunk';
import type { StateStore } from './state-store';

/**
 * Where commits become durable. The engine applies a commit in memory at once (./commit.ts) and
 * hands its durable part here: the records of durable connections (through their chunks), the
 * processor's new state, and the acknowledgements that must wait until all of it is written. The
 * repository (engine/repository) writes them in group commits; without one, nothing is written and
 * acknowledgements run at once (tests, benchmarks, headless runs that need no restart).
 */
export interface Durability {
  /** The state a processor committed last (what its ctx.state() starts from); undefined if none. */
  loadState(flowId: string, processorId: string): Promise<unknown>;
  /** A commit's new state: written with that commit's records, never before them. */
  commitState(flowId: string, processorId: string, value: unknown): void;
  /** Forget a processor's state (an operator cleared it, the processor was deleted); resolves once durable. */
  clearState(flowId: string, processorId: string): Promise<void>;
  /**
   * Run `done` once everything committed so far is durable: written to the operating system, and
   * with `sync` also to the disk (fsync), so that it survives a power loss. `waiting`: somebody waits
   * for it, so the write should come soon rather than linger.
   */
  afterDurable(done: () => void, sync: boolean, waiting?: boolean): void;
  /**
   * A source's commit whose records the source can deliver again: it consumed nothing and nobody
   * waits for it (Kafka redelivers what it was not told; a database source re-reads past the
   * watermark it last saved). Its acknowledgement runs, and its state is written, once each of its
   * durable `chunks` is written or consumed by a commit that is durable: records that flow on quickly
   * are never written (Benthos's acknowledgement from the sink, bounded in time). Until then the
   * state is the processor's in memory only, and later states of the same processor wait behind it.
   */
  holdBack(chunks: readonly Chunk[], commit: HeldCommit): void;
  /**
   * A commit turned records held back under `holdback` into these chunks, and nothing else of it
   * needs writing (no state, no acknowledgement): they wait under the same holdback, which is safe
   * once they are too. Records passing through a chain of processors are then never written.
   */
  passHoldback(holdback: Holdback, chunks: readonly Chunk[]): void;
  /**
   * Resolves once everything committed so far is durable, or as soon as writes fail (disk full): a
   * stop must not wait for space, and what is not written was never acknowledged.
   */
  flushed(): Promise<void>;
  /** Until when no trigger may start because commits cannot be written (disk full), or 0. */
  pausedUntil(now: number): number;
}

/** What a held-back commit does once its chunks are safe. */
export interface HeldCommit {
  readonly done?: () => void;
  readonly sync: boolean;
  readonly state?: { readonly flowId: string; readonly processorId: string; readonly value: unknown };
}

/** A durability layer that also keeps the records of durable connections: the repository. */
export interface QueueStore extends Durability, ChunkStore {
  /** The records a connection held when the engine last stopped, as runs of chunks in queue order; handed out once. */
  recovered(flowId: string, connectionId: string): Span[];
}

/**
 * No repository: states go to a StateStore (in memory unless given another), acknowledgements run
 * at once. Commits can outpace a slow store, so saves are coalesced per processor: one loop writes
 * whatever is newest when the previous write finishes; states overtaken meanwhile are never written.
 */
export class StoreDurability implements Durability {
  private readonly unsaved = new Map<string, { flowId: string; processorId: string; value: unknown }>();
  private saving?: Promise<void>;

  constructor(
    private readonly store: StateStore,
    /** Where a failed save is reported (a bulletin on the processor). */
    private readonly onSaveError: (flowId: string, processorId: string, error: unknown) => void = () => {},
  ) {}

  loadState(flowId: string, processorId: string): Promise<unknown> {
    return this.store.load(flowId, processorId);
  }

  commitState(flowId: string, processorId: string, value: unknown): void {
    this.unsaved.set(`${flowId}\n${processorId}`, { flowId, processorId, value });
    this.saving ??= this.saveAll();
  }

  async clearState(flowId: string, processorId: string): Promise<void> {
    // a save in flight would bring the state back: clear after it
    await this.flushed();
    await this.store.save(flowId, processorId, undefined);
  }

  afterDurable(done: () => void): void {
    done();
  }

  holdBack(_chunks: readonly Chunk[], { done, state }: HeldCommit): void {
    if (state) this.commitState(state.flowId, state.processorId, state.value);
    done?.();
  }

  passHoldback(): void {
    // never called: holdBack above sets no chunk's holdback, so no batch is held back
  }

  flushed(): Promise<void> {
    return this.saving ?? Promise.resolve();
  }

  pausedUntil(): number {
    return 0;
  }

  private async saveAll(): Promise<void> {
    while (this.unsaved.size > 0) {
      const [key, { flowId, processorId, value }] = this.unsaved.entries().next().value!;
      this.unsaved.delete(key);
      try {
        await this.store.save(flowId, processorId, value);
      } catch (error) {
        this.onSaveError(flowId, processorId, error);
      }
    }
    this.saving = undefined;
  }
}
