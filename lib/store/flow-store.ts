import type { FlowGraph, FlowSettings, FlowSummary, ConnectionConfig, ProcessorConfig, RunState, ServiceConfig } from '../../engine/flow/schema';
import type { ControllerService as ServiceRow, Flow as FlowRow, Prisma as P, Processor as ProcessorRow } from '../generated/sqlite/client';
import { DEFAULT_DATABASE_URL, type Prisma } from './client';
import { openDatabase } from './database';
import {
  BY_CREATION,
  connectionData,
  json,
  newConnectionRow,
  newProcessorRow,
  processorData,
  serviceData,
  toConnection,
  toProcessor,
  toService,
  toSettings,
  type ConnectionPatch,
  type ImportGraph,
  type ImportOptions,
  type NewConnection,
  type NewProcessor,
  type NewService,
  type ProcessorPatch,
  type ServicePatch,
} from './flow-rows';
import { CLEAR_PROPERTIES, type PropertyOwner, type PropertyVault } from './property-vault';

export type { ConnectionPatch, ImportGraph, ImportOptions, NewConnection, NewProcessor, NewService, ProcessorPatch, ServicePatch } from './flow-rows';
export type { PropertyOwner, PropertyVault } from './property-vault';

/** Thrown when a write names something that is not there (unknown flow, endpoint outside the flow). */
export class FlowStoreError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'INVALID',
  ) {
    super(message);
    this.name = 'FlowStoreError';
  }
}

type Tx = P.TransactionClient;

/**
 * Flow graphs persisted with Prisma (SQLite or PostgreSQL), mapped to the zod types of engine/flow/schema.
 * Processor and service properties pass its vault on every write and read (./property-vault): the
 * server's seals secrets, so they are never written in clear.
 */
export class FlowStore {
  private constructor(
    private readonly prisma: Prisma,
    private readonly vault: PropertyVault,
  ) {}

  /** Migrates the database first, so a fresh file or database just works. */
  static async open(
    databaseUrl: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    options: { vault?: PropertyVault } = {},
  ): Promise<FlowStore> {
    return FlowStore.over(await openDatabase(databaseUrl), options);
  }

  /** A store over an open client (the server shares one with its account store); close() disconnects it. */
  static over(prisma: Prisma, options: { vault?: PropertyVault } = {}): FlowStore {
    return new FlowStore(prisma, options.vault ?? CLEAR_PROPERTIES);
  }

  async close(): Promise<void> {
    await this.prisma.$disconnect();
  }

  async listFlows(): Promise<FlowSummary[]> {
    const rows = await this.prisma.flow.findMany({
      select: {
        id: true,
        name: true,
        updatedAt: true,
        _count: { select: { processors: true } },
        processors: { where: { runState: 'RUNNING' }, select: { id: true }, take: 1 },
      },
    });
    return (
      rows
        .map((r) => ({
          id: r.id,
          name: r.name,
          processorCount: r._count.processors,
          running: r.processors.length > 0,
          updatedAt: r.updatedAt.toISOString(),
        }))
        // sorted here: SQLite compares bytes while PostgreSQL follows its collation
        .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    );
  }

  async getFlow(id: string): Promise<FlowGraph | null> {
    return this.readFlow(this.prisma, id);
  }

  async createFlow(name: string): Promise<FlowGraph> {
    const flow = await this.prisma.flow.create({ data: { name } });
    return { id: flow.id, name: flow.name, settings: toSettings(flow), processors: [], connections: [], services: [] };
  }

  async updateFlow(id: string, patch: { name?: string; settings?: Partial<FlowSettings> }): Promise<FlowGraph | null> {
    const data = { ...(patch.name !== undefined && { name: patch.name }), ...patch.settings, updatedAt: new Date() };
    const { count } = await this.prisma.flow.updateMany({ where: { id }, data });
    return count ? this.getFlow(id) : null;
  }

  async deleteFlow(id: string): Promise<boolean> {
    // processors (with their state), connections and services go with it (ON DELETE CASCADE)
    return (await this.prisma.flow.deleteMany({ where: { id } })).count > 0;
  }

  async addProcessor(flowId: string, p: NewProcessor): Promise<ProcessorConfig> {
    return this.prisma.$transaction(async (tx) => {
      await this.touch(tx, flowId, true);
      const properties = this.vault.seal({ kind: 'processor', type: p.type, name: p.name }, p.properties);
      return this.processorOf(await tx.processor.create({ data: newProcessorRow(flowId, { ...p, properties }) }));
    });
  }

  async updateProcessor(flowId: string, id: string, patch: ProcessorPatch): Promise<ProcessorConfig | null> {
    return this.prisma.$transaction(async (tx) => {
      const where = { id, flowId };
      if (patch.properties !== undefined) {
        const row = await tx.processor.findFirst({ where, select: { type: true, name: true } });
        if (!row) return null;
        patch = { ...patch, properties: this.vault.seal({ kind: 'processor', ...row }, patch.properties) };
      }
      const data = processorData(patch);
      const found = Object.keys(data).length ? (await tx.processor.updateMany({ where, data })).count : await tx.processor.count({ where });
      if (!found) return null;
      await this.touch(tx, flowId);
      return this.processorOf(await tx.processor.findUniqueOrThrow({ where: { id } }));
    });
  }

  async deleteProcessor(flowId: string, id: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      // its connections (ON DELETE CASCADE on both endpoints) and its state go with it
      const { count } = await tx.processor.deleteMany({ where: { id, flowId } });
      if (count) await this.touch(tx, flowId);
      return count > 0;
    });
  }

  async addConnection(flowId: string, c: NewConnection): Promise<ConnectionConfig> {
    return this.prisma.$transaction(async (tx) => {
      const flow = await this.touch(tx, flowId, true);
      // foreign keys only prove the endpoints exist; they must also belong to this flow
      const endpoints = new Set([c.sourceId, c.targetId]);
      const inFlow = await tx.processor.count({ where: { flowId, id: { in: [...endpoints] } } });
      if (inFlow !== endpoints.size) throw new FlowStoreError(`connection endpoints must be processors of flow ${flowId}`, 'NOT_FOUND');
      return toConnection(await tx.connection.create({ data: newConnectionRow(flowId, c, toSettings(flow!)) }));
    });
  }

  async updateConnection(flowId: string, id: string, patch: ConnectionPatch): Promise<ConnectionConfig | null> {
    return this.prisma.$transaction(async (tx) => {
      const data = connectionData(patch);
      const where = { id, flowId };
      const found = Object.keys(data).length ? (await tx.connection.updateMany({ where, data })).count : await tx.connection.count({ where });
      if (!found) return null;
      await this.touch(tx, flowId);
      return toConnection(await tx.connection.findUniqueOrThrow({ where: { id } }));
    });
  }

  async deleteConnection(flowId: string, id: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.connection.deleteMany({ where: { id, flowId } });
      if (count) await this.touch(tx, flowId);
      return count > 0;
    });
  }

  async addService(flowId: string, s: NewService): Promise<ServiceConfig> {
    return this.prisma.$transaction(async (tx) => {
      await this.touch(tx, flowId, true);
      return this.serviceOf(await tx.controllerService.create({ data: { flowId, ...this.sealedService(s) } }));
    });
  }

  async updateService(flowId: string, id: string, patch: ServicePatch): Promise<ServiceConfig | null> {
    return this.prisma.$transaction(async (tx) => {
      const where = { id, flowId };
      if (patch.properties !== undefined) {
        const row = await tx.controllerService.findFirst({ where, select: { type: true, name: true } });
        if (!row) return null;
        patch = { ...patch, properties: this.vault.seal({ kind: 'service', ...row }, patch.properties) };
      }
      const data = serviceData(patch);
      const found = Object.keys(data).length
        ? (await tx.controllerService.updateMany({ where, data })).count
        : await tx.controllerService.count({ where });
      if (!found) return null;
      await this.touch(tx, flowId);
      return this.serviceOf(await tx.controllerService.findUniqueOrThrow({ where: { id } }));
    });
  }

  /** Whether processors still name the service is the caller's rule (it knows the specs). */
  async deleteService(flowId: string, id: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.controllerService.deleteMany({ where: { id, flowId } });
      if (count) await this.touch(tx, flowId);
      return count > 0;
    });
  }

  /** Persist the desired state of some processors of a flow (ids outside the flow are ignored). */
  async setRunState(flowId: string, processorIds: string[], state: RunState): Promise<void> {
    if (processorIds.length === 0) return;
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.processor.updateMany({ where: { flowId, id: { in: processorIds } }, data: { runState: state } });
      if (count) await this.touch(tx, flowId);
    });
  }

  /**
   * Create a new flow from a graph (the demo flow, an exported flow): every id is fresh; connection
   * endpoints and the processors' service references are remapped. Processors come in STOPPED,
   * whatever the graph says: an import never starts work.
   */
  async importFlow(graph: ImportGraph, options: ImportOptions = {}): Promise<FlowGraph> {
    return this.prisma.$transaction(async (tx) => {
      const flow = await tx.flow.create({ data: { name: graph.name, ...graph.settings } });
      // one at a time: each insert returns its new id, and creation order is the graph's order
      const serviceIds = new Map<string, string>();
      for (const s of graph.services ?? []) {
        const row = await tx.controllerService.create({ data: { flowId: flow.id, ...this.sealedService(s) } });
        if (s.id !== undefined) serviceIds.set(s.id, row.id);
      }
      const ids = new Map<string, string>();
      for (const p of graph.processors) {
        const properties = { ...p.properties };
        for (const key of options.serviceRefs?.(p.type) ?? []) {
          const value = properties[key];
          if (typeof value === 'string' && value !== '') properties[key] = serviceIds.get(value) ?? value;
        }
        const sealed = this.vault.seal({ kind: 'processor', type: p.type, name: p.name }, properties);
        const row = await tx.processor.create({ data: newProcessorRow(flow.id, { ...p, properties: sealed }) });
        if (p.id !== undefined) ids.set(p.id, row.id);
      }
      const endpoint = (old: string) => {
        const id = ids.get(old);
        if (!id) throw new FlowStoreError(`import: connection endpoint ${old} is not a processor of the graph`, 'INVALID');
        return id;
      };
      for (const c of graph.connections) {
        const endpoints = { sourceId: endpoint(c.sourceId), targetId: endpoint(c.targetId) };
        await tx.connection.create({ data: newConnectionRow(flow.id, { ...c, ...endpoints }, toSettings(flow)) });
      }
      return (await this.readFlow(tx, flow.id))!;
    });
  }

  private async readFlow(db: Tx, id: string): Promise<FlowGraph | null> {
    const flow = await db.flow.findUnique({
      where: { id },
      include: {
        processors: { orderBy: BY_CREATION },
        connections: { orderBy: BY_CREATION },
        services: { orderBy: BY_CREATION },
      },
    });
    if (!flow) return null;
    return {
      id: flow.id,
      name: flow.name,
      settings: toSettings(flow),
      processors: flow.processors.map((r) => this.processorOf(r)),
      connections: flow.connections.map(toConnection),
      services: flow.services.map((r) => this.serviceOf(r)),
    };
  }

  /**
   * Rewrite every stored processor and service whose properties are not in the form a write would
   * give them now (./property-vault reseal: clear secrets of an older release, secrets sealed with
   * a key being retired), in one transaction; returns how many rows changed. The server runs it at
   * start, scripts/rotate-key.ts with the new key.
   */
  async resealSecrets(): Promise<number> {
    // one transaction over every row: give it longer than Prisma's 5 s default
    return this.prisma.$transaction(
      async (tx) => {
        let changed = 0;
        const select = { id: true, type: true, name: true, properties: true } as const;
        for (const row of await tx.processor.findMany({ select })) {
          const properties = this.vault.reseal({ kind: 'processor', ...row }, row.properties as Record<string, unknown>);
          if (properties) changed += (await tx.processor.updateMany({ where: { id: row.id }, data: { properties: json(properties) } })).count;
        }
        for (const row of await tx.controllerService.findMany({ select })) {
          const properties = this.vault.reseal({ kind: 'service', ...row }, row.properties as Record<string, unknown>);
          if (properties) changed += (await tx.controllerService.updateMany({ where: { id: row.id }, data: { properties: json(properties) } })).count;
        }
        return changed;
      },
      { maxWait: 10_000, timeout: 10 * 60_000 },
    );
  }

  private processorOf(row: ProcessorRow): ProcessorConfig {
    const processor = toProcessor(row);
    return { ...processor, properties: this.vault.open({ kind: 'processor', type: row.type, name: row.name }, processor.properties) };
  }

  private serviceOf(row: ServiceRow): ServiceConfig {
    const service = toService(row);
    return { ...service, properties: this.vault.open({ kind: 'service', type: row.type, name: row.name }, service.properties) };
  }

  /** A new service's row data, its secrets sealed. */
  private sealedService(s: NewService) {
    const owner: PropertyOwner = { kind: 'service', type: s.type, name: s.name };
    return { type: s.type, name: s.name, properties: json(this.vault.seal(owner, s.properties)) };
  }

  /** Bump the flow's updatedAt (every write to its processors, connections or services is a change of the flow); returns the flow. */
  private async touch(tx: Tx, flowId: string, mustExist = false): Promise<FlowRow | undefined> {
    const { count } = await tx.flow.updateMany({ where: { id: flowId }, data: { updatedAt: new Date() } });
    if (!count) {
      if (mustExist) throw new FlowStoreError(`flow ${flowId} not found`, 'NOT_FOUND');
      return undefined;
    }
    return (await tx.flow.findUnique({ where: { id: flowId } })) ?? undefined;
  }
}
