import { Cron } from 'croner';
import type { ProcessorImplementation, ProcessorRuntime, ValidationIssue } from '../sdk/define-processor';
import { isTransient } from '../sdk/errors';
import type { FlowRecord } from '../sdk/record';
import type { ProcessorConfig } from '../flow/schema';
import type { Bulletin, ProcessorStatus } from '../protocol';
import { applyCommit, type Batch, type Committer } from './commit';
import type { Connection } from './connection';
import type { Durability } from './durability';
import { sumOf } from './record-queue';
import { RateHistory } from './rates';
import { Session, type RetrySettings } from './session';

const MAX_BULLETINS = 5;
/** First penalty after a failure; doubles with each consecutive failure up to the maximum. */
const BASE_PENALTY_MS = 500;
const MAX_PENALTY_MS = 30_000;
const MAX_RETRY_BACKOFF_MS = 600_000;

/** What a node gets from its flow: services, where commits become durable, the scheduler's ear. */
export interface NodeEnvironment {
  readonly flowId: string;
  service(id: string): Promise<unknown>;
  readonly durability: Durability;
  /** The flow's `sync: always` setting: acknowledgements wait for fsync. */
  sync(): boolean;
  wake(): void;
}

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
  /** Rollbacks in a row of input batches for reasons that are not transient: the batch may hold bad records. */
  private stubbornRollbacks = 0;
  /** Records still to be tried one at a time, after a batch kept failing (RetryPolicy.isolateAfter). */
  private isolating = 0;
  /** Per input connection, how many records the last trigger that took from it left there (requeued). */
  private readonly held = new WeakMap<Connection, number>();
  /** The yield came with requeued records: it ends early when an input holds more than those (readyAt). */
  private yieldEndsOnInput = false;
  private nextInput = 0;
  /** The processor's committed state: what ctx.state() answers. */
  private stateValue: unknown;
  private readonly committer: Committer;
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
    const node = this;
    this.committer = {
      flowId: environment.flowId,
      get processorId() {
        return node.id;
      },
      get sync() {
        return environment.sync();
      },
      pure: implementation?.spec.pure === true,
      acknowledge: (callbacks) => this.runCallbacks(callbacks, undefined),
    };
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
    const waitUntil = Math.max(this.penalizedUntil, this.yieldUntil, this.nextRunAt, this.environment.durability.pausedUntil(now));
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
    const { flowId, durability, wake } = this.environment;
    try {
      this.stateValue = await durability.loadState(flowId, this.id);
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
    await this.environment.durability.flushed();
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
        const taken = connection.poll(this.isolating > 0 ? 1 : this.config.batchSize, now);
        if (taken.records.length > 0) return { connection, ...taken };
      }
    }
    return undefined;
  }

  private commit(session: Session, batch: Batch | undefined, now: number): void {
    let record;
    try {
      record = session.commit(batch ? this.retry : undefined);
    } catch (error) {
      return this.rollback(batch, error, now, session);
    }
    const { bytesOut, held } = applyCommit(record, batch, now, this.environment.durability, this.committer);
    const taken = batch?.records ?? [];
    // records the processor left in its queue count as input once, when they finally leave it
    const left = taken.length - (held?.records.length ?? 0);
    this.counters.in += left;
    if (batch) this.counters.bytesIn += sumOf(batch.sizes, batch.records.length);
    if (held) this.counters.bytesIn -= sumOf(held.sizes, held.records.length);
    this.counters.out += record.out;
    this.counters.bytesOut += bytesOut;
    this.counters.processed += left + record.created;
    this.consecutiveFailures = 0;
    if (batch) {
      this.stubbornRollbacks = 0;
      this.isolating = Math.max(0, this.isolating - taken.length);
    }
    if (session.yieldMs > 0) this.yieldUntil = Math.max(this.yieldUntil, now + session.yieldMs);
    if (record.retried.length > 0) {
      this.counters.retried += record.retried.length;
      const backoff = Math.min(this.config.retry.backoffMs * 2 ** (record.attempt - 1), MAX_RETRY_BACKOFF_MS);
      this.yieldUntil = Math.max(this.yieldUntil, now + backoff);
    }
    if (batch) this.held.set(batch.connection, held?.records.length ?? 0);
    this.yieldEndsOnInput = held !== undefined && record.retried.length === 0;
    if (record.state) this.stateValue = record.state.value;
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
    if (session.rolledBackCallbacks) this.runCallbacks(session.rolledBackCallbacks, error);
    const verdict = batch && this.poisonVerdict(batch, error);
    if (verdict === 'fail') return this.failRecords(batch!, error, now);
    batch?.connection.requeue(batch);
    if (verdict === 'isolate') {
      this.bulletin('WARNING', `a batch of ${batch!.records.length} was rolled back ${this.config.retry.isolateAfter} times (${errorMessage(error)}): its records are tried one at a time, those that fail alone go to failure`);
      return;
    }
    this.counters.errors++;
    this.consecutiveFailures++;
    const penalty = Math.min(BASE_PENALTY_MS * 2 ** (this.consecutiveFailures - 1), MAX_PENALTY_MS);
    this.penalizedUntil = now + penalty;
    this.bulletin('ERROR', `${errorMessage(error)} (batch of ${batch?.records.length ?? 0} rolled back; retry in ${penalty} ms)`);
  }

  /**
   * A batch that keeps failing for a reason that is not an outage may hold records the processor
   * cannot take (RetryPolicy.isolateAfter): it is tried one record at a time ('isolate'), and a
   * record that fails alone goes to `failure` with the error ('fail') instead of blocking its queue.
   */
  private poisonVerdict(batch: Batch, error: unknown): 'fail' | 'isolate' | undefined {
    const { isolateAfter } = this.config.retry;
    if (isolateAfter === 0 || !this.outputs.has('failure') || isTransient(error)) return undefined;
    if (this.isolating > 0 || (batch.records.length === 1 && this.stubbornRollbacks + 1 >= isolateAfter)) return 'fail';
    if (++this.stubbornRollbacks < isolateAfter) return undefined;
    this.isolating = batch.records.length;
    this.stubbornRollbacks = 0;
    return 'isolate';
  }

  /** The records of a batch the processor failed on, one by one, to `failure` (committed as any session). */
  private failRecords(batch: Batch, error: unknown, now: number): void {
    const session = new Session(batch.records, this.outputs, now, this.config.name);
    for (const record of batch.records) session.fail(record, errorMessage(error));
    this.commit(session, batch, now);
    this.bulletin('ERROR', `a record failed on its own and went to failure: ${errorMessage(error)}`);
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
