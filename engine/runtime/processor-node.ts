import { Cron } from 'croner';
import type { ProcessorImplementation, ProcessorRuntime, ValidationIssue } from '../sdk/define-processor';
import type { FlowRecord } from '../sdk/record';
import type { ProcessorConfig } from '../flow/schema';
import type { Bulletin, ProcessorStatus } from '../protocol';
import { sizesOf, type Connection } from './connection';
import { sumOf, valueAt, type Queued } from './record-queue';
import { RateHistory } from './rates';
import { Session, type RetrySettings } from './session';
import type { StateStore } from './state-store';

const MAX_BULLETINS = 5;
/** First penalty after a failure; doubles with each consecutive failure up to the maximum. */
const BASE_PENALTY_MS = 500;
const MAX_PENALTY_MS = 30_000;
const MAX_RETRY_BACKOFF_MS = 600_000;

/** What a node gets from its flow: services, state persistence, the scheduler's ear. */
export interface NodeEnvironment {
  readonly flowId: string;
  service(id: string): Promise<unknown>;
  readonly stateStore: StateStore;
  wake(): void;
}

/** Records taken from one input connection for one trigger. */
type Batch = Queued & { connection: Connection };

/**
 * One processor of a loaded flow: its runtime instance while running, its connections, schedule,
 * counters and bulletins. It knows how to run one trigger (take a batch, session, commit or roll
 * back); the scheduler decides when.
 */
export class ProcessorNode {
  state: 'RUNNING' | 'STOPPED' = 'STOPPED';
  inputs: Connection[] = [];
  /** Relationship → connections; an empty list is an auto-terminated relationship. */
  outputs = new Map<string, Connection[]>();
  validationIssues: ValidationIssue[] = [];
  penalizedUntil = 0;
  yieldUntil = 0;
  /** Time-driven schedules: not before this time. */
  nextRunAt = 0;
  private runtime?: ProcessorRuntime;
  /** The last runtime, kept after stop so its view (recent records, say) stays visible. */
  private viewSource?: ProcessorRuntime;
  private cron?: Cron;
  private retry?: RetrySettings;
  private consecutiveFailures = 0;
  /** Per input connection, how many records the last trigger that took from it left there (requeued). */
  private readonly held = new WeakMap<Connection, number>();
  /** The yield came with requeued records: it ends early when an input holds more than those (readyAt). */
  private yieldEndsOnInput = false;
  private nextInput = 0;
  /** The processor's committed state: what ctx.state() answers. */
  private stateValue: unknown;
  /** The newest committed state not yet handed to the store, and the save loop while one runs. */
  private unsavedState?: { value: unknown };
  private stateSaving?: Promise<void>;
  private readonly tasks = new Set<Promise<void>>();
  readonly counters = { in: 0, out: 0, bytesIn: 0, bytesOut: 0, processed: 0, errors: 0, retried: 0 };
  readonly rates = new RateHistory();
  readonly bulletins: Bulletin[] = [];

  constructor(
    public config: ProcessorConfig,
    readonly implementation: ProcessorImplementation | undefined,
    private readonly environment: NodeEnvironment,
  ) {
    // baseline, so work done before the first stats tick still counts in the rates
    this.rates.sample(Date.now(), 0);
  }

  get id(): string {
    return this.config.id;
  }

  get isSource(): boolean {
    return this.implementation?.spec.input === 'forbidden';
  }

  get activeTasks(): number {
    return this.tasks.size;
  }

  get backPressured(): boolean {
    for (const connections of this.outputs.values()) {
      for (const connection of connections) if (connection.isFull) return true;
    }
    return false;
  }

  /** 'ready' if the scheduler may trigger it now; otherwise the earliest time it might be, or 'never' (until woken). */
  readyAt(now: number): number | 'ready' | 'never' {
    const concurrency = this.implementation?.spec.triggerSerially ? 1 : this.config.scheduling.concurrency;
    if (this.state !== 'RUNNING' || this.tasks.size >= concurrency) return 'never';
    if (this.yieldEndsOnInput && this.yieldUntil > now && this.hasNewInput()) {
      // records beyond those it left in its queue (a bin waiting to fill) may be what it waits for
      this.yieldUntil = 0;
    }
    const waitUntil = Math.max(this.penalizedUntil, this.yieldUntil, this.nextRunAt);
    if (waitUntil > now) return waitUntil;
    if (this.backPressured) return 'never';
    if (!this.isSource && !this.inputs.some((c) => c.size > 0)) return 'never';
    return 'ready';
  }

  async start(): Promise<void> {
    if (this.state === 'RUNNING') return;
    if (!this.implementation) throw new Error(`unknown processor type "${this.config.type}"`);
    if (this.validationIssues.length > 0) {
      throw new Error(`invalid: ${this.validationIssues.map((i) => (i.property ? `${i.property}: ` : '') + i.message).join('; ')}`);
    }
    const props = this.implementation.spec.properties.parse(this.config.properties);
    const { flowId, stateStore, wake } = this.environment;
    try {
      this.stateValue = await stateStore.load(flowId, this.id);
      this.runtime = await this.implementation.create({
        processorId: this.id,
        name: this.config.name,
        props,
        batchSize: this.config.batchSize,
        service: (id) => this.environment.service(id),
        state: () => this.stateValue,
        // new data (or a full page, more to read) ends an idle yield and the wait for the next
        // scheduled time at once, so sources can wait long when there is nothing
        wake: () => {
          this.yieldUntil = 0;
          if (this.state === 'RUNNING' && this.config.scheduling.strategy !== 'EVENT') this.nextRunAt = 0;
          wake();
        },
      });
    } catch (error) {
      const message = `start failed: ${errorMessage(error)}`;
      this.bulletin('ERROR', message);
      throw new Error(message, { cause: error });
    }
    const { scheduling, retry } = this.config;
    this.cron = scheduling.strategy === 'CRON' ? new Cron(scheduling.cron, { paused: true }) : undefined;
    this.retry = retry.relationships.length > 0 ? { relationships: new Set(retry.relationships), maxRetries: retry.maxRetries } : undefined;
    this.viewSource = this.runtime;
    this.consecutiveFailures = 0;
    this.penalizedUntil = 0;
    this.yieldUntil = 0;
    this.nextRunAt = this.cron ? (this.cron.nextRun()?.getTime() ?? Infinity) : 0;
    this.state = 'RUNNING';
  }

  /** Stop scheduling, let running tasks finish, then release the runtime's resources. */
  async stop(): Promise<void> {
    if (this.state === 'STOPPED') return;
    this.state = 'STOPPED';
    await Promise.all(this.tasks);
    await this.stateSaved();
    const runtime = this.runtime;
    this.runtime = undefined;
    try {
      await runtime?.onStop?.();
    } catch (error) {
      this.bulletin('WARNING', `stop: ${errorMessage(error)}`);
    }
  }

  /** Run one trigger. Returns a promise only when the processor's onTrigger is asynchronous. */
  trigger(now: number): void | Promise<void> {
    const runtime = this.runtime!;
    this.scheduleNext(now);
    const batch = this.takeBatch(now);
    const records = batch ? batch.records : [];
    const session = new Session(records, this.outputs, now, this.config.name);
    let pending: void | Promise<void>;
    try {
      pending = runtime.onTrigger(records, session);
    } catch (error) {
      return this.rollback(batch, error, now, session);
    }
    if (!pending || typeof (pending as Promise<void>).then !== 'function') {
      return this.commit(session, batch, now);
    }
    const task: Promise<void> = (pending as Promise<void>)
      .then(
        () => this.commit(session, batch, Date.now()),
        (error) => this.rollback(batch, error, Date.now(), session),
      )
      .finally(() => this.tasks.delete(task));
    this.tasks.add(task);
    return task;
  }

  status(now: number, intervalMs: number): ProcessorStatus {
    return {
      state: this.validationIssues.length > 0 && this.state === 'STOPPED' ? 'INVALID' : this.state,
      in: this.counters.in,
      out: this.counters.out,
      bytesIn: this.counters.bytesIn,
      bytesOut: this.counters.bytesOut,
      rate1s: this.rates.rate(Math.max(1000, intervalMs)),
      rate1m: this.rates.rate(60_000),
      rate5m: this.rates.rate(300_000),
      errors: this.counters.errors,
      retried: this.counters.retried,
      activeTasks: this.tasks.size,
      penalizedUntil: this.penalizedUntil > now ? this.penalizedUntil : undefined,
      nextRunAt: this.state === 'RUNNING' && this.nextRunAt > now && this.nextRunAt < Infinity ? this.nextRunAt : undefined,
      backPressured: this.state === 'RUNNING' && this.backPressured,
      validationErrors: this.validationIssues.map((i) => (i.property ? `${i.property}: ${i.message}` : i.message)),
      bulletins: [...this.bulletins],
      view: this.viewSource?.view?.(),
    };
  }

  bulletin(level: Bulletin['level'], message: string): void {
    this.bulletins.push({ at: Date.now(), level, message });
    if (this.bulletins.length > MAX_BULLETINS) this.bulletins.shift();
  }

  /** Time-driven strategies: when the next trigger may start. */
  private scheduleNext(now: number): void {
    const { strategy, periodMs } = this.config.scheduling;
    if (strategy === 'TIMER') this.nextRunAt = now + periodMs;
    else if (this.cron) this.nextRunAt = this.cron.nextRun(new Date(now))?.getTime() ?? Infinity;
  }

  /** Whether an input connection has records besides those the processor left there. */
  private hasNewInput(): boolean {
    return this.inputs.some((connection) => connection.size > (this.held.get(connection) ?? 0));
  }

  /** Round-robin over the input connections that have records. */
  private takeBatch(now: number): Batch | undefined {
    for (let i = 0; i < this.inputs.length; i++) {
      const connection = this.inputs[(this.nextInput + i) % this.inputs.length];
      if (connection.size > 0) {
        this.nextInput = (this.nextInput + i + 1) % this.inputs.length;
        const taken = connection.poll(this.config.batchSize, now);
        if (taken.records.length > 0) return { connection, ...taken };
      }
    }
    return undefined;
  }

  private commit(session: Session, batch: Batch | undefined, now: number): void {
    let result;
    try {
      result = session.commit(batch ? this.retry : undefined);
    } catch (error) {
      return this.rollback(batch, error, now, session);
    }
    const taken = batch?.records ?? [];
    const held = batch && result.requeued.length > 0 ? pick(batch, result.requeued) : undefined;
    // records the processor left in its queue count as input once, when they finally leave it
    this.counters.in += taken.length - (held?.records.length ?? 0);
    if (batch) this.counters.bytesIn += sumOf(batch.sizes, batch.records.length);
    if (held) this.counters.bytesIn -= sumOf(held.sizes, held.records.length);
    this.counters.out += result.out;
    this.counters.bytesOut += result.bytesOut;
    this.counters.processed += taken.length - (held?.records.length ?? 0) + result.created;
    this.consecutiveFailures = 0;
    if (session.yieldMs > 0) this.yieldUntil = Math.max(this.yieldUntil, now + session.yieldMs);
    if (batch && result.retried.length > 0) {
      batch.connection.requeue({ records: result.retried, enqueuedAt: now, sizes: sizesOf(result.retried) });
      this.counters.retried += result.retried.length;
      const backoff = Math.min(this.config.retry.backoffMs * 2 ** (result.attempt - 1), MAX_RETRY_BACKOFF_MS);
      this.yieldUntil = Math.max(this.yieldUntil, now + backoff);
    }
    // last, so the held records are the head of the queue again, as they were taken
    if (held) batch!.connection.requeue(held);
    if (batch) this.held.set(batch.connection, held?.records.length ?? 0);
    this.yieldEndsOnInput = held !== undefined && result.retried.length === 0;
    if (session.pendingState) this.saveState(session.pendingState.value);
    if (session.committedCallbacks) this.runCallbacks(session.committedCallbacks, undefined);
  }

  /** Resolves when every committed state so far is persisted. */
  stateSaved(): Promise<void> {
    return this.stateSaving ?? Promise.resolve();
  }

  /**
   * Keep the state now (the next trigger sees it) and persist it. Commits can outpace the store, so
   * saves are coalesced: one loop writes whatever is newest when the previous write finishes, and
   * states overtaken meanwhile are never written. A failed save is a bulletin.
   */
  private saveState(value: unknown): void {
    this.stateValue = value;
    this.unsavedState = { value };
    this.stateSaving ??= this.persistStates();
  }

  private async persistStates(): Promise<void> {
    const { flowId, stateStore } = this.environment;
    while (this.unsavedState) {
      const { value } = this.unsavedState;
      this.unsavedState = undefined;
      try {
        await stateStore.save(flowId, this.id, value);
      } catch (error) {
        this.bulletin('ERROR', `saving state failed: ${errorMessage(error)}`);
      }
    }
    this.stateSaving = undefined;
  }

  private runCallbacks<A>(callbacks: readonly ((arg: A) => void)[], arg: A): void {
    for (const callback of callbacks) {
      try {
        callback(arg);
      } catch (error) {
        this.bulletin('WARNING', `session callback failed: ${errorMessage(error)}`);
      }
    }
  }

  /** Undo a trigger: the batch goes back to the head of its queue; the processor is penalized. */
  private rollback(batch: Batch | undefined, error: unknown, now: number, session: Session): void {
    batch?.connection.requeue(batch);
    if (session.rolledBackCallbacks) this.runCallbacks(session.rolledBackCallbacks, error);
    this.counters.errors++;
    this.consecutiveFailures++;
    const penalty = Math.min(BASE_PENALTY_MS * 2 ** (this.consecutiveFailures - 1), MAX_PENALTY_MS);
    this.penalizedUntil = now + penalty;
    this.bulletin('ERROR', `${errorMessage(error)} (batch of ${batch?.records.length ?? 0} rolled back; retry in ${penalty} ms)`);
  }
}

/** The records at these positions of a batch, with their enqueue times and sizes. */
function pick(batch: Queued, positions: readonly number[]): Queued {
  if (positions.length === batch.records.length) return batch;
  return {
    records: positions.map((i) => batch.records[i]),
    enqueuedAt: positions.map((i) => valueAt(batch.enqueuedAt, i)),
    sizes: positions.map((i) => valueAt(batch.sizes, i)),
  };
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
