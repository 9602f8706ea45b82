import { relationshipsOf, type ProcessorImplementation } from '../sdk/define-processor';
import type { ServiceImplementation } from '../sdk/define-service';
import type { ConnectionConfig, FlowGraph } from '../flow/schema';
import { validateFlow } from '../flow/validate';
import type { FlowStats } from '../protocol';
import type { ChunkOwner } from './chunk';
import { Connection } from './connection';
import type { Durability, QueueStore } from './durability';
import { ProcessorNode, errorMessage, type NodeEnvironment } from './processor-node';
import type { Scheduler } from './scheduler';
import { ServicePool } from './service-pool';
import { StatusHistory } from './status-history';

export interface StartResult {
  started: string[];
  invalid: { processorId: string; issues: { property?: string; message: string }[] }[];
  failed: { processorId: string; error: string }[];
}

/**
 * A loaded flow: processor nodes wired by connections. `load` reconciles with a new version of the
 * graph, keeping queued records and running processors of everything that still exists.
 */
/** What a flow runner looks things up in: the engine's registries and stores. */
export interface FlowRunnerOptions {
  implementationOf(type: string): ProcessorImplementation | undefined;
  serviceImplementationOf(type: string): ServiceImplementation | undefined;
  durability: Durability;
  /** Keeps durable connections' records; absent: every connection is in memory only. */
  queueStore?: QueueStore;
  scheduler: Scheduler;
}

export class FlowRunner {
  readonly nodes = new Map<string, ProcessorNode>();
  readonly connections = new Map<string, Connection>();
  readonly history = new StatusHistory();
  readonly services: ServicePool;
  private readonly environment: NodeEnvironment;
  private readonly scheduler: Scheduler;

  constructor(
    public graph: FlowGraph,
    private readonly options: FlowRunnerOptions,
  ) {
    this.scheduler = options.scheduler;
    this.services = new ServicePool(options.serviceImplementationOf);
    this.environment = {
      flowId: graph.id,
      service: (id) => this.services.get(id),
      durability: options.durability,
      sync: () => this.graph.settings.sync === 'always',
      wake: this.scheduler.wake,
    };
    this.load(graph);
  }

  /** Reconcile with a new version of the graph. Services whose configuration changed are closed (reopened on next use). */
  load(graph: FlowGraph): void {
    this.graph = graph;
    void this.services.configure(graph.services);
    const processorIds = new Set(graph.processors.map((p) => p.id));
    for (const [id, node] of this.nodes) {
      if (processorIds.has(id)) continue;
      this.scheduler.remove(node);
      void node.stop().then(() => this.options.durability.clearState(graph.id, id));
      this.nodes.delete(id);
    }
    for (const config of graph.processors) {
      const node = this.nodes.get(config.id);
      if (node) node.config = config;
      else this.nodes.set(config.id, new ProcessorNode(config, this.options.implementationOf(config.type), this.environment));
    }
    const connectionIds = new Set(graph.connections.map((c) => c.id));
    for (const [id, connection] of this.connections) {
      if (connectionIds.has(id)) continue;
      // the API refuses to delete a queue holding records; whatever is left is not to come back
      connection.clear();
      this.connections.delete(id);
    }
    for (const config of graph.connections) {
      const existing = this.connections.get(config.id);
      const owner = this.ownerOf(config);
      if (existing) {
        existing.configure(config);
        if (existing.durable !== (owner.store !== undefined)) existing.owner = owner;
      } else {
        const connection = new Connection(config, config, this.scheduler.wake, owner);
        connection.restore(this.options.queueStore?.recovered(graph.id, config.id) ?? []);
        this.connections.set(config.id, connection);
      }
    }
    this.wire();
    const issues = validateFlow(
      graph,
      (type) => this.options.implementationOf(type)?.spec,
      (type) => this.options.serviceImplementationOf(type)?.spec,
    );
    for (const [id, node] of this.nodes) node.validationIssues = issues.get(id) ?? [];
    this.history.retain(new Set([...processorIds, ...connectionIds]));
    this.scheduler.wake();
  }

  /**
   * Start processors side by side: one that is slow to start (a consumer group waiting for a
   * rebalance, a database slow to answer) does not hold the others back; each runs once it is up.
   */
  async start(processorIds?: readonly string[]): Promise<StartResult> {
    const result: StartResult = { started: [], invalid: [], failed: [] };
    const starting = this.select(processorIds).map(async (node) => {
      if (node.state === 'RUNNING') return;
      if (node.validationIssues.length > 0) {
        result.invalid.push({ processorId: node.id, issues: node.validationIssues });
        return;
      }
      try {
        await node.start();
        this.scheduler.add(node);
        result.started.push(node.id);
      } catch (error) {
        result.failed.push({ processorId: node.id, error: errorMessage(error) });
      }
    });
    await Promise.all(starting);
    return result;
  }

  async stop(processorIds?: readonly string[]): Promise<void> {
    await Promise.all(
      this.select(processorIds).map((node) => {
        this.scheduler.remove(node);
        return node.stop();
      }),
    );
    // with nothing running, services let go of what others need (a DuckDB file stays locked while
    // open, so no other program could read the warehouse of a stopped flow); the next use reopens them
    if (![...this.nodes.values()].some((node) => node.state === 'RUNNING')) await this.services.releaseIdle();
  }

  /** Stop everything and close the services: the flow is being unloaded or the engine shut down. */
  async close(): Promise<void> {
    await this.stop();
    await this.services.closeAll();
  }

  /** Periodic housekeeping: rate samples, and expiration of queues nobody is polling. */
  sample(now: number): void {
    for (const node of this.nodes.values()) node.rates.sample(now, node.counters.processed);
    for (const connection of this.connections.values()) connection.expire(now);
  }

  stats(now: number, intervalMs: number): FlowStats {
    const processors: FlowStats['processors'] = {};
    for (const [id, node] of this.nodes) processors[id] = node.status(now, intervalMs);
    const connections: FlowStats['connections'] = {};
    for (const [id, c] of this.connections) connections[id] = c.status(now);
    return { flowId: this.graph.id, at: now, processors, connections };
  }

  /** Durable connections keep their chunks in the queue store; in-memory ones nowhere. */
  private ownerOf(config: ConnectionConfig): ChunkOwner {
    const store = config.durable ? this.options.queueStore : undefined;
    return { flowId: this.graph.id, connectionId: config.id, store };
  }

  private select(processorIds?: readonly string[]): ProcessorNode[] {
    if (!processorIds) return [...this.nodes.values()];
    return processorIds.map((id) => {
      const node = this.nodes.get(id);
      if (!node) throw new Error(`no processor ${id} in flow ${this.graph.id}`);
      return node;
    });
  }

  /** Point every node at its input connections and, per relationship, its output connections. */
  private wire(): void {
    for (const node of this.nodes.values()) {
      node.inputs = [];
      node.outputs = new Map();
      const spec = node.implementation?.spec;
      if (!spec) continue;
      for (const relationship of relationshipsOf(spec, node.config.properties)) {
        const connected = [...this.connections.values()].filter(
          (c) => c.config.sourceId === node.id && c.config.relationship === relationship,
        );
        if (connected.length > 0 || node.config.autoTerminated.includes(relationship)) {
          node.outputs.set(relationship, connected);
        }
      }
    }
    for (const connection of this.connections.values()) {
      this.nodes.get(connection.config.targetId)?.inputs.push(connection);
    }
  }
}
