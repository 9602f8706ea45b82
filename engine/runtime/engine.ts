import { EventEmitter } from 'node:events';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { ProcessorImplementation } from '../sdk/define-processor';
import type { ServiceImplementation } from '../sdk/define-service';
import type { FlowGraph } from '../flow/schema';
import { STATS_INTERVAL_MS, type EngineStatus, type FlowStats, type StatusHistoryPoint } from '../protocol';
import { FlowRunner, type StartResult } from './flow-runner';
import { Scheduler } from './scheduler';
import { MemoryStateStore, type StateStore } from './state-store';

/** Stats ticks per event-loop lag window (10 × 500 ms = 5 s). */
const LAG_WINDOW = 10;

export interface EngineOptions {
  processors: readonly ProcessorImplementation[];
  /** Controller service types flows may use. */
  services?: readonly ServiceImplementation[];
  /** Where processor state is kept; in memory (lost on restart) when absent. */
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
  private readonly stateStore: StateStore;
  private readonly statsIntervalMs: number;
  private readonly statsTimer: NodeJS.Timeout;
  /** Event-loop delay, reset every LAG_WINDOW ticks: the engine's fairness to the HTTP server. */
  private readonly lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private lagStatus: EngineStatus = { eventLoopLagP99Ms: 0, eventLoopLagMaxMs: 0 };
  private ticks = 0;

  constructor(options: EngineOptions) {
    this.implementations = new Map(options.processors.map((p) => [p.spec.type, p]));
    this.serviceImplementations = new Map((options.services ?? []).map((s) => [s.spec.type, s]));
    this.stateStore = options.stateStore ?? new MemoryStateStore();
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
        stateStore: this.stateStore,
        scheduler: this.scheduler,
      });
      this.flows.set(graph.id, runner);
    }
  }

  async unload(flowId: string): Promise<void> {
    const runner = this.flows.get(flowId);
    if (!runner) return;
    await runner.close();
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

  /** Discard a connection's queued records (an operator's explicit action); returns how many. */
  emptyQueue(flowId: string, connectionId: string): number {
    return this.flows.get(flowId)?.connections.get(connectionId)?.clear() ?? 0;
  }

  /** A processor's committed state (watermark, offsets), as the UI's "view state" shows it. */
  async state(flowId: string, processorId: string): Promise<unknown> {
    return this.stateStore.load(flowId, processorId);
  }

  /** Forget a stopped processor's state: the next run starts from scratch (a full reload, say). */
  async clearState(flowId: string, processorId: string): Promise<void> {
    if (this.isRunning(flowId, processorId)) throw new Error('stop the processor before clearing its state');
    // a processor still stopping may have a save in flight: clear after it, or it brings the state back
    await this.flows.get(flowId)?.nodes.get(processorId)?.stateSaved();
    await this.stateStore.save(flowId, processorId, undefined);
  }

  isRunning(flowId: string, processorId: string): boolean {
    return this.flows.get(flowId)?.nodes.get(processorId)?.state === 'RUNNING';
  }

  stats(flowId: string): FlowStats {
    return this.runner(flowId).stats(Date.now(), this.statsIntervalMs);
  }

  /** A processor's or connection's status history (one point a second, five minutes). */
  history(flowId: string, componentId: string): StatusHistoryPoint[] {
    return this.runner(flowId).history.of(componentId);
  }

  async shutdown(): Promise<void> {
    clearInterval(this.statsTimer);
    this.lag.disable();
    await Promise.all([...this.flows.values()].map((f) => f.close()));
    this.scheduler.stop();
    this.flows.clear();
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
      const stats = { ...runner.stats(now, this.statsIntervalMs), engine: this.lagStatus };
      runner.history.record(stats);
      this.events.emit('stats', stats);
    }
  }
}
