import { EventEmitter } from 'node:events';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { ProcessorImplementation } from '../sdk/define-processor';
import type { ServiceImplementation } from '../sdk/define-service';
import type { FlowGraph } from '../flow/schema';
import { STATS_INTERVAL_MS, type EngineStatus, type FlowStats, type StatusHistoryPoint } from '../protocol';
import { FlowRunner, type StartResult } from './flow-runner';
import { errorMessage } from './processor-node';
import type { Repository } from '../repository/repository';
import type { Bulletin } from '../protocol';
import { StoreDurability, type Durability } from './durability';
import type { Peeked } from './record-queue';
import { Scheduler } from './scheduler';
import { MemoryStateStore, type StateStore } from './state-store';

/** Stats ticks per event-loop lag window (10 × 500 ms = 5 s). */
const LAG_WINDOW = 10;

export interface EngineOptions {
  processors: readonly ProcessorImplementation[];
  /** Controller service types flows may use. */
  services?: readonly ServiceImplementation[];
  /**
   * Where commits become durable: queued records of durable connections, processor state, and the
   * acknowledgements that wait for both (engine/repository). Without it, nothing survives a restart
   * but what `stateStore` keeps.
   */
  repository?: Repository;
  /** Without a repository: where processor state is kept; in memory (lost on restart) when absent. */
  stateStore?: StateStore;
  /** How often stats are sampled and emitted. */
  statsIntervalMs?: number;
}

export interface EngineEvents {
  /** A stats snapshot of one loaded flow, every statsIntervalMs. */
  stats: [FlowStats];
}

/**
 * The engine: runs any number of flows in this process. Headless (no UI, no store): callers load
 * flow graphs into it and listen to `events`.
 */
export class Engine {
  readonly events = new EventEmitter<EngineEvents>();
  private readonly flows = new Map<string, FlowRunner>();
  private readonly scheduler = new Scheduler();
  private readonly implementations: ReadonlyMap<string, ProcessorImplementation>;
  private readonly serviceImplementations: ReadonlyMap<string, ServiceImplementation>;
  private readonly durability: Durability;
  private readonly statsIntervalMs: number;
  private readonly statsTimer: NodeJS.Timeout;
  /** Event-loop delay, reset every LAG_WINDOW ticks: the engine's fairness to the HTTP server. */
  private readonly lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private lagStatus: EngineStatus = { eventLoopLagP99Ms: 0, eventLoopLagMaxMs: 0 };
  /** The engine's own bulletins (the repository's), newest last. */
  private readonly bulletins: Bulletin[] = [];
  private ticks = 0;

  constructor(private readonly options: EngineOptions) {
    this.implementations = new Map(options.processors.map((p) => [p.spec.type, p]));
    this.serviceImplementations = new Map((options.services ?? []).map((s) => [s.spec.type, s]));
    this.durability =
      options.repository ??
      new StoreDurability(options.stateStore ?? new MemoryStateStore(), (flowId, processorId, error) =>
        this.flows.get(flowId)?.nodes.get(processorId)?.bulletin('ERROR', `saving state failed: ${errorMessage(error)}`),
      );
    const repository = options.repository;
    if (repository) {
      const problem = repository.recovery.problem;
      if (problem) {
        this.bulletin(
          'ERROR',
          `the repository's journal was cut short at ${problem.segment}:${problem.offset} (${problem.reason}); ${repository.recovery.records} queued record(s) were recovered from before it, ${problem.discardedBytes} byte(s) after it (never acknowledged) were set aside` +
            (problem.setAside.length > 0 ? `, and ${problem.setAside.length} later segment(s) renamed to .corrupt` : ''),
        );
      }
      repository.events.on('blocked', (message) => {
        this.bulletin('ERROR', message);
        for (const runner of this.flows.values()) for (const node of runner.nodes.values()) if (node.state === 'RUNNING') node.bulletin('ERROR', message);
      });
      repository.events.on('resumed', () => {
        this.bulletin('WARNING', 'the repository writes again: processing resumed');
        this.scheduler.wake();
      });
    }
    this.statsIntervalMs = options.statsIntervalMs ?? STATS_INTERVAL_MS;
    this.statsTimer = setInterval(() => this.emitStats(), this.statsIntervalMs);
    this.statsTimer.unref();
    this.lag.enable();
  }

  /** Load a flow, or reconcile a loaded one with a new version of its graph. */
  load(graph: FlowGraph): void {
    const runner = this.flows.get(graph.id);
    if (runner) runner.load(graph);
    else {
      const runner = new FlowRunner(graph, {
        implementationOf: (type) => this.implementations.get(type),
        serviceImplementationOf: (type) => this.serviceImplementations.get(type),
        durability: this.durability,
        queueStore: this.options.repository,
        scheduler: this.scheduler,
      });
      this.flows.set(graph.id, runner);
      const discarded = this.options.repository?.discardUnclaimed(graph.id) ?? 0;
      if (discarded > 0) this.bulletin('WARNING', `${discarded} record(s) queued in connections that flow "${graph.name}" no longer has were discarded`);
    }
  }

  /** After every stored flow is loaded: records recovered for flows that no longer exist are discarded. */
  discardUnclaimedRecords(): void {
    const discarded = this.options.repository?.discardUnclaimed() ?? 0;
    if (discarded > 0) this.bulletin('WARNING', `${discarded} recovered record(s) of flows that no longer exist were discarded`);
  }

  /** Forget a flow (it was deleted): stop it, close its services, discard what it queued and its processors' states. */
  async unload(flowId: string): Promise<void> {
    const runner = this.flows.get(flowId);
    if (!runner) return;
    await runner.close();
    for (const connection of runner.connections.values()) connection.clear();
    await Promise.all([...runner.nodes.keys()].map((id) => this.durability.clearState(flowId, id)));
    this.flows.delete(flowId);
  }

  /** Start the given processors (all of the flow's when omitted); invalid ones are reported, not started. */
  start(flowId: string, processorIds?: readonly string[]): Promise<StartResult> {
    return this.runner(flowId).start(processorIds);
  }

  stop(flowId: string, processorIds?: readonly string[]): Promise<void> {
    return this.runner(flowId).stop(processorIds);
  }

  isLoaded(flowId: string): boolean {
    return this.flows.has(flowId);
  }

  /** Records queued in a connection (a connection with records may not be deleted). */
  queued(flowId: string, connectionId: string): number {
    return this.flows.get(flowId)?.connections.get(connectionId)?.size ?? 0;
  }

  /** The first `max` records waiting in a connection, in the order they will be handed out (NiFi's queue listing). */
  listQueue(flowId: string, connectionId: string, max: number): Peeked[] {
    const connection = this.flows.get(flowId)?.connections.get(connectionId);
    if (!connection) throw new Error(`no connection ${connectionId} in flow ${flowId}`);
    return connection.peek(max);
  }

  /** Discard a connection's queued records (an operator's explicit action); returns how many. */
  emptyQueue(flowId: string, connectionId: string): number {
    return this.flows.get(flowId)?.connections.get(connectionId)?.clear() ?? 0;
  }

  /** A processor's committed state (watermark, offsets), as the UI's "view state" shows it. */
  async state(flowId: string, processorId: string): Promise<unknown> {
    return this.durability.loadState(flowId, processorId);
  }

  /** Forget a stopped processor's state: the next run starts from scratch (a full reload, say). */
  async clearState(flowId: string, processorId: string): Promise<void> {
    if (this.isRunning(flowId, processorId)) throw new Error('stop the processor before clearing its state');
    await this.durability.clearState(flowId, processorId);
  }

  /** Resolves once everything committed so far is durable. */
  flushed(): Promise<void> {
    return this.durability.flushed();
  }

  isRunning(flowId: string, processorId: string): boolean {
    return this.flows.get(flowId)?.nodes.get(processorId)?.state === 'RUNNING';
  }

  stats(flowId: string): FlowStats {
    return this.statsOf(this.runner(flowId), Date.now());
  }

  /** A processor's or connection's status history (one point a second, five minutes). */
  history(flowId: string, componentId: string): StatusHistoryPoint[] {
    return this.runner(flowId).history.of(componentId);
  }

  async shutdown(): Promise<void> {
    clearInterval(this.statsTimer);
    this.lag.disable();
    await Promise.all([...this.flows.values()].map((f) => f.close()));
    // what the last commits changed is written before the caller closes the repository
    await this.durability.flushed();
    this.scheduler.stop();
    this.flows.clear();
  }

  private statsOf(runner: FlowRunner, now: number): FlowStats {
    return { ...runner.stats(now, this.statsIntervalMs), engine: { ...this.lagStatus, bulletins: [...this.bulletins] } };
  }

  /** An engine-wide warning, shown with every flow's stats. */
  private bulletin(level: Bulletin['level'], message: string): void {
    console.error(`[conflux] ${message}`);
    this.bulletins.push({ at: Date.now(), level, message });
    if (this.bulletins.length > 5) this.bulletins.shift();
  }

  private runner(flowId: string): FlowRunner {
    const runner = this.flows.get(flowId);
    if (!runner) throw new Error(`flow ${flowId} is not loaded`);
    return runner;
  }

  private emitStats(): void {
    const now = Date.now();
    // read every tick (so the first figure comes within one tick), over a window of LAG_WINDOW ticks
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    if (this.lag.count > 0) this.lagStatus = { eventLoopLagP99Ms: ms(this.lag.percentile(99)), eventLoopLagMaxMs: ms(this.lag.max) };
    if (++this.ticks % LAG_WINDOW === 0) this.lag.reset();
    for (const runner of this.flows.values()) {
      runner.sample(now);
      const stats = this.statsOf(runner, now);
      runner.history.record(stats);
      this.events.emit('stats', stats);
    }
  }
}
